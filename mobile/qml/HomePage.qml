import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import FieldSync.App

// The rep's home: follow-ups due today or overdue, then the customers, searchable,
// filtered by tier and territory, sorted by name or next follow-up.
Page {
    id: page
    required property AppController app
    property var navigator
    title: qsTr("Customers")

    ListView {
        id: list
        objectName: "customerList"
        anchors.fill: parent
        clip: true
        model: page.app.customers
        bottomMargin: 80

        // A header that grows (a sync brings the review card and the follow-ups) grows
        // upwards, above the first row, and ListView keeps contentY: a list at its top would
        // show the new part under the toolbar. Until the user scrolls, the top stays in view.
        property bool scrolledByUser: false
        function keepTop() {
            if (!scrolledByUser) Qt.callLater(positionViewAtBeginning)
        }
        onMovementEnded: scrolledByUser = !atYBeginning
        onCountChanged: keepTop()

        header: ColumnLayout {
            width: list.width
            spacing: 4
            onHeightChanged: list.keepTop()

            // Not signed in (first start, or signed out): signing in comes first. The app
            // works offline meanwhile; what is typed is sent after signing in.
            Card {
                objectName: "signInCard"
                visible: !page.app.signedIn && page.app.account.user === ""
                Layout.fillWidth: true
                Layout.leftMargin: 8
                Layout.rightMargin: 8
                Layout.topMargin: 8
                RowLayout {
                    anchors.fill: parent
                    ColumnLayout {
                        spacing: 0
                        Layout.fillWidth: true
                        Label { text: qsTr("Not signed in"); font.bold: true; font.pixelSize: 16 }
                        Label {
                            text: qsTr("Sign in with the code from the office to sync.")
                            color: "#616161"
                            wrapMode: Label.Wrap
                            Layout.fillWidth: true
                        }
                    }
                    ActionButton {
                        objectName: "openSignInButton"
                        primary: true
                        text: qsTr("Sign in")
                        onClicked: page.navigator.openSignIn()
                    }
                }
            }

            // Supervisors and admins settle everyone's conflicts: the queue comes first.
            Card {
                objectName: "reviewQueueCard"
                visible: page.app.reviewer
                Layout.fillWidth: true
                Layout.leftMargin: 8
                Layout.rightMargin: 8
                Layout.topMargin: 8
                RowLayout {
                    anchors.fill: parent
                    ColumnLayout {
                        spacing: 0
                        Layout.fillWidth: true
                        Label { text: qsTr("Review queue"); font.bold: true; font.pixelSize: 16 }
                        Label {
                            objectName: "reviewQueueCount"
                            text: page.app.conflicts.count === 0 ? qsTr("Nothing to review")
                                  : page.app.conflicts.count === 1 ? qsTr("1 open conflict")
                                  : qsTr("%1 open conflicts").arg(page.app.conflicts.count)
                            color: page.app.conflicts.count > 0 ? "#c62828" : "#616161"
                        }
                    }
                    ActionButton {
                        objectName: "reviewQueueButton"
                        primary: page.app.conflicts.count > 0
                        text: qsTr("Review")
                        onClicked: page.navigator.openReview()
                    }
                }
            }

            ColumnLayout {
                visible: page.app.dueFollowUps.count > 0
                Layout.fillWidth: true
                Layout.margins: 12
                spacing: 4
                Label {
                    objectName: "dueHeading"
                    text: qsTr("Due today / overdue")
                    font.bold: true
                    font.capitalization: Font.AllUppercase
                    font.pixelSize: 13
                    color: "#c62828"
                }
                Repeater {
                    model: page.app.dueFollowUps
                    delegate: ItemDelegate {
                        required property string customerId
                        required property string customerName
                        required property string dueText
                        required property bool overdue
                        required property string summary
                        objectName: "due:" + customerName
                        Layout.fillWidth: true
                        padding: 6
                        contentItem: RowLayout {
                            ColumnLayout {
                                spacing: 0
                                Layout.fillWidth: true
                                Label { text: customerName; font.bold: true; elide: Label.ElideRight; Layout.fillWidth: true }
                                Label { text: summary; color: "#616161"; elide: Label.ElideRight; Layout.fillWidth: true }
                            }
                            Badge {
                                objectName: "dueBadge"
                                text: dueText
                                tone: overdue ? "#c62828" : "#ef6c00"
                            }
                        }
                        onClicked: page.navigator.openCustomer(customerId)
                    }
                }
            }

            InputField {
                objectName: "searchField"
                placeholderText: qsTr("Search name, phone, e-mail")
                Layout.fillWidth: true
                Layout.leftMargin: 12
                Layout.rightMargin: 12
                onTextChanged: page.app.customers.search = text
            }
            RowLayout {
                Layout.fillWidth: true
                Layout.leftMargin: 12
                Layout.rightMargin: 12
                ChoiceBox {
                    objectName: "tierFilter"
                    Layout.fillWidth: true
                    // Shown in words (the same words as the list's); filtered by the value.
                    readonly property var tiers: ["vip", "potential", "regular"]
                    model: [qsTr("All tiers")].concat(tiers.map(t => page.app.valueWords("customers", "tier", t)))
                    onActivated: page.app.customers.tier = currentIndex === 0 ? "" : tiers[currentIndex - 1]
                }
                ChoiceBox {
                    objectName: "territoryFilter"
                    Layout.fillWidth: true
                    model: [qsTr("All areas")].concat(page.app.customers.territories)
                    onActivated: page.app.customers.territory = currentIndex === 0 ? "" : currentText
                }
            }
            RowLayout {
                Layout.leftMargin: 12
                Label { text: qsTr("Sort by"); color: "#616161" }
                RadioButton {
                    objectName: "sortByName"
                    text: qsTr("Name")
                    checked: page.app.customers.sortBy === "name"
                    onClicked: page.app.customers.sortBy = "name"
                }
                RadioButton {
                    objectName: "sortByFollowUp"
                    text: qsTr("Follow-up")
                    checked: page.app.customers.sortBy === "followUp"
                    onClicked: page.app.customers.sortBy = "followUp"
                }
            }
            Label {
                visible: page.app.customers.count === 0
                text: qsTr("No customers match.")
                color: "#616161"
                Layout.margins: 12
            }
        }

        delegate: ItemDelegate {
            id: row
            required property string recordId
            required property string name
            required property string tierLabel
            required property string territory
            required property string nextFollowUp
            required property bool pending
            required property bool conflicted
            objectName: "customer:" + name
            width: ListView.view.width
            contentItem: RowLayout {
                ColumnLayout {
                    spacing: 0
                    Layout.fillWidth: true
                    Label { text: row.name; font.pixelSize: 16; elide: Label.ElideRight; Layout.fillWidth: true }
                    Label {
                        objectName: "customerDetails"
                        text: [row.tierLabel, row.territory, row.nextFollowUp ? qsTr("follow up %1").arg(row.nextFollowUp) : ""]
                              .filter(s => s.length > 0).join(" · ")
                        color: "#616161"
                        elide: Label.ElideRight
                        Layout.fillWidth: true
                    }
                }
                Badge { objectName: "pendingBadge"; visible: row.pending; text: qsTr("pending"); tone: "#ef6c00" }
                Badge { objectName: "conflictBadge"; visible: row.conflicted; text: qsTr("conflict"); tone: "#c62828" }
            }
            onClicked: page.navigator.openCustomer(recordId)
        }
    }

    RoundButton {
        objectName: "newCustomerButton"
        text: "+"
        font.pixelSize: 28
        width: 64
        height: 64
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: 16
        onClicked: page.navigator.openNewCustomer()
        contentItem: Label {
            text: "+"
            font.pixelSize: 30
            color: "white"
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
        background: Rectangle { radius: width / 2; color: page.Material.accent; border.color: Qt.darker(page.Material.accent, 1.2) }
    }
}
