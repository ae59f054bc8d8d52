import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import FieldSync.App

// Signing in with the one-time code the office gives (fieldsync-server enrol): typed, or
// filled in by the link the QR code holds (the phone's camera app opens it). The address
// and token of the old manual sign-in are under Settings → Advanced.
Page {
    id: page
    objectName: "signInPage"
    required property AppController app
    signal done()
    title: qsTr("Sign in")

    // A link opened while this page shows fills it in.
    function fillFromLink() {
        if (page.app.enrolLink.server) server.text = page.app.enrolLink.server
        if (page.app.enrolLink.code) code.text = page.app.enrolLink.code
    }
    // Set once, not bound: saving the Advanced settings must not wipe what is typed here.
    Component.onCompleted: {
        server.text = page.app.serverUrl
        fillFromLink()
    }
    Connections {
        target: page.app
        function onEnrolLinkChanged() { page.fillFromLink() }
        function onSignedInNow() { page.done() }
    }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        ColumnLayout {
            width: parent.width - 24
            x: 12
            spacing: 8
            Label {
                text: qsTr("Sign in with the code from the office")
                font.pixelSize: 18
                font.bold: true
                wrapMode: Label.Wrap
                Layout.fillWidth: true
                Layout.topMargin: 16
            }
            Label {
                text: qsTr("Scan the office's QR code with the phone's camera, or open the link they sent you: the address and the code are filled in. Or type them here.")
                color: "#616161"
                wrapMode: Label.Wrap
                Layout.fillWidth: true
            }
            Label { objectName: "label:signInServerField"; text: qsTr("Server address"); color: "#616161"; font.pixelSize: 12 }
            InputField {
                id: server
                objectName: "signInServerField"
                placeholderText: "wss://office.example.com:8787"
                inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
                Layout.fillWidth: true
            }
            Label { objectName: "label:signInCodeField"; text: qsTr("Sign-in code"); color: "#616161"; font.pixelSize: 12 }
            InputField {
                id: code
                objectName: "signInCodeField"
                placeholderText: "K7QF-M2XA-9D"
                font.capitalization: Font.AllUppercase
                inputMethodHints: Qt.ImhNoPredictiveText | Qt.ImhPreferUppercase
                Layout.fillWidth: true
                onAccepted: page.app.signIn(server.text, code.text)
            }
            Label {
                objectName: "pinnedNote"
                visible: !!page.app.enrolLink.pin && page.app.enrolLink.server === server.text
                text: qsTr("The link names the office's certificate: the code goes to that server only.")
                color: "#2e7d32"
                font.pixelSize: 12
                wrapMode: Label.Wrap
                Layout.fillWidth: true
            }
            ActionButton {
                objectName: "signInButton"
                text: page.app.signingIn ? qsTr("Signing in…") : qsTr("Sign in")
                primary: true
                enabled: !page.app.signingIn
                Layout.fillWidth: true
                onClicked: page.app.signIn(server.text, code.text)
            }
            BusyIndicator { running: page.app.signingIn; visible: running; Layout.alignment: Qt.AlignHCenter }
            Label {
                objectName: "signInError"
                text: page.app.signInError
                visible: text.length > 0
                color: "#c62828"
                wrapMode: Label.Wrap
                Layout.fillWidth: true
            }
            Label {
                text: qsTr("The code works once and for a few minutes. Your edits made before signing in are kept and sent.")
                color: "#9e9e9e"
                font.pixelSize: 12
                wrapMode: Label.Wrap
                Layout.fillWidth: true
            }
        }
    }
}
