import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import FieldSync.App

// Who is signed in and when the phone last synced, signing in and out, the manual server
// settings (Advanced), the language, and the edits the office refused.
Page {
    id: page
    required property AppController app
    property var navigator
    property string message
    title: qsTr("Settings")

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        ColumnLayout {
            width: parent.width - 24
            x: 12
            SectionHeader { text: qsTr("Office server") }
            Label {
                objectName: "lastSyncSettingsLabel"
                text: qsTr("Last sync: %1").arg(page.app.lastSync)
                Layout.fillWidth: true
            }
            // Who this phone works for, and signing out (unsent edits go first).
            Label {
                objectName: "accountLabel"
                visible: page.app.account.user !== ""
                text: qsTr("Signed in as %1 (%2), %3").arg(page.app.account.name).arg(page.app.account.user)
                          .arg(page.app.account.roleWords)
                      + " · " + (page.app.account.territories.length > 0
                                 ? qsTr("territories: %1").arg(page.app.account.territories.join(", "))
                                 : qsTr("all territories"))
                wrapMode: Label.Wrap
                Layout.fillWidth: true
                color: "#616161"
            }
            Label {
                objectName: "tokenStorageLabel"
                visible: page.app.tokenStorage !== ""
                text: page.app.tokenStorage === "keychain"
                      ? qsTr("The sign-in is kept in the phone's secure storage.")
                      : qsTr("The sign-in is kept in a private file of the app (this device has no secure storage).")
                wrapMode: Label.Wrap
                Layout.fillWidth: true
                color: "#9e9e9e"
                font.pixelSize: 12
            }
            RowLayout {
                Layout.fillWidth: true
                ActionButton {
                    objectName: "settingsSignInButton"
                    visible: !page.app.signedIn
                    primary: true
                    text: qsTr("Sign in")
                    onClicked: page.navigator.openSignIn()
                }
                ActionButton {
                    objectName: "signOutButton"
                    visible: page.app.account.user !== "" || page.app.token !== ""
                    enabled: !page.app.signingOut
                    text: qsTr("Sign out")
                    onClicked: page.message = page.app.signOut()
                }
            }
            Label { objectName: "settingsMessage"; text: page.message; wrapMode: Label.Wrap; Layout.fillWidth: true }

            // The manual sign-in of before enrolment codes: for the office's IT, not for reps.
            Switch {
                id: advanced
                objectName: "advancedSwitch"
                text: qsTr("Advanced: server address, token and certificate by hand")
                Layout.fillWidth: true
            }
            ColumnLayout {
                visible: advanced.checked
                Layout.fillWidth: true
                Label { objectName: "label:serverUrlField"; text: qsTr("Server address"); color: "#616161"; font.pixelSize: 12 }
                InputField {
                    id: url
                    objectName: "serverUrlField"
                    placeholderText: "wss://office.example.com:8787/sync"
                    text: page.app.serverUrl
                    inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
                    Layout.fillWidth: true
                }
                Label { objectName: "label:tokenField"; text: qsTr("Token"); color: "#616161"; font.pixelSize: 12 }
                InputField {
                    id: token
                    objectName: "tokenField"
                    placeholderText: qsTr("Token from the office")
                    text: page.app.token
                    echoMode: TextInput.PasswordEchoOnEdit
                    Layout.fillWidth: true
                }
                Label { objectName: "label:caFileField"; text: qsTr("CA certificate file"); color: "#616161"; font.pixelSize: 12 }
                InputField {
                    id: caFile
                    objectName: "caFileField"
                    placeholderText: qsTr("CA certificate file (optional)")
                    text: page.app.caFile
                    inputMethodHints: Qt.ImhNoAutoUppercase | Qt.ImhNoPredictiveText
                    Layout.fillWidth: true
                }
                Label {
                    text: qsTr("Only if the office gave you one: the server's certificate must come from it. Empty: the phone's own trusted certificates.")
                    color: "#616161"
                    font.pixelSize: 12
                    wrapMode: Label.Wrap
                    Layout.fillWidth: true
                }
                Switch {
                    id: allowPlaintext
                    objectName: "allowPlaintextSwitch"
                    text: qsTr("Allow unencrypted connection (testing only)")
                    checked: page.app.allowPlaintext
                    Layout.fillWidth: true
                }
                ActionButton {
                    objectName: "saveSettingsButton"
                    text: qsTr("Save and sync")
                    primary: true
                    onClicked: {
                        page.message = page.app.saveSettings(url.text, token.text, caFile.text, allowPlaintext.checked)
                        if (page.message.length === 0) page.message = qsTr("Saved.")
                    }
                }
            }
            SectionHeader { text: qsTr("Language") }
            // Language names in their own language, so each reader finds theirs.
            ComboBox {
                objectName: "languageChoice"
                readonly property var codes: ["", "en", "zh_CN"]
                model: [qsTr("System"), "English", "中文"]
                currentIndex: Math.max(0, codes.indexOf(page.app.language))
                onActivated: index => page.app.language = codes[index]
                Layout.fillWidth: true
            }
            Label {
                objectName: "versionLabel"
                text: qsTr("FieldSync %1").arg(page.app.version)
                color: "#9e9e9e"
                font.pixelSize: 12
            }
            SectionHeader { text: qsTr("Refused by the office") }
            Label { visible: page.app.rejections.length === 0; text: qsTr("Nothing refused."); color: "#616161" }
            Repeater {
                model: page.app.rejections
                delegate: RowLayout {
                    required property var modelData
                    Layout.fillWidth: true
                    Label {
                        text: modelData.time + " · " + modelData.collection + ": " + modelData.message
                        wrapMode: Label.Wrap
                        color: "#c62828"
                        Layout.fillWidth: true
                    }
                    // Seen: the record goes back to the office's version.
                    ActionButton {
                        objectName: "dismissRejection:" + modelData.recordId
                        visible: modelData.dismissable
                        text: qsTr("Got it")
                        onClicked: page.message = page.app.dismissRejection(modelData.collection, modelData.recordId)
                    }
                }
            }
        }
    }
}
