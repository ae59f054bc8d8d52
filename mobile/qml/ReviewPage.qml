import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import FieldSync.App

// The review queue: each open conflict with the concurrent values side by side (who wrote
// each, by name once the user directory is fetched, else the device; and when), the value shown now, and a way to settle it: keep one value or type another.
// Only the roles the schema lets settle get those actions; others are told who settles.
Page {
    id: page
    required property AppController app
    title: app.reviewer ? qsTr("Review queue") : qsTr("My conflicts")

    ListView {
        id: list
        objectName: "conflictList"
        anchors.fill: parent
        anchors.margins: 8
        spacing: 8
        clip: true
        model: page.app.conflicts

        header: Label {
            objectName: "settleNote"
            visible: !page.app.conflicts.canSettle && list.count > 0
            height: visible ? implicitHeight + 8 : 0
            width: list.width
            text: qsTr("These conflicts are on your records. Only %1 may settle them; the values stay side by side until then.")
                  .arg(page.app.conflicts.settlers)
            wrapMode: Label.Wrap
            color: "#616161"
        }

        Label {
            anchors.centerIn: parent
            visible: list.count === 0
            text: qsTr("Nothing to review.")
            color: "#616161"
        }

        delegate: Card {
            id: card
            required property int index
            required property string collection
            required property string recordTitle
            required property string field
            required property string shown
            required property string heading
            required property string shownLabel
            required property var siblings
            property string message
            objectName: "conflict:" + recordTitle + ":" + field
            width: ListView.view.width

            ColumnLayout {
                anchors.fill: parent
                spacing: 4
                Label { text: card.recordTitle; font.bold: true; font.pixelSize: 16; wrapMode: Label.Wrap; Layout.fillWidth: true }
                Label { objectName: "conflictHeading"; text: card.heading; color: "#616161" }
                Label { text: qsTr("Shown now: %1").arg(card.shownLabel); font.italic: true }
                Repeater {
                    model: card.siblings
                    delegate: RowLayout {
                        required property var modelData
                        required property int index
                        Layout.fillWidth: true
                        ColumnLayout {
                            spacing: 0
                            Layout.fillWidth: true
                            Label { text: modelData.label || qsTr("(empty)"); font.bold: true; wrapMode: Label.Wrap; Layout.fillWidth: true }
                            Label {
                                objectName: "author:" + index
                                text: (modelData.mine ? qsTr("this phone") : modelData.author !== "" ? modelData.author : qsTr("device %1").arg(modelData.device)) + " · " + modelData.time
                                color: "#616161"
                                font.pixelSize: 12
                            }
                        }
                        ActionButton {
                            visible: page.app.conflicts.canSettle
                            objectName: "keep:" + index
                            text: qsTr("Keep")
                            onClicked: card.message = page.app.conflicts.settle(card.index, modelData.value)
                        }
                    }
                }
                RowLayout {
                    visible: page.app.conflicts.canSettle
                    Layout.fillWidth: true
                    InputField {
                        id: other
                        objectName: "otherValue"
                        placeholderText: qsTr("Or type another value")
                        Layout.fillWidth: true
                    }
                    ActionButton {
                        objectName: "useOtherButton"
                        primary: true
                        text: qsTr("Use")
                        enabled: other.text.length > 0
                        onClicked: card.message = page.app.conflicts.settle(card.index, other.text)
                    }
                }
                Label { visible: card.message.length > 0; text: card.message; color: "#c62828"; wrapMode: Label.Wrap; Layout.fillWidth: true }
            }
        }
    }
}
