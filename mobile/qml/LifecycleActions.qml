import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import FieldSync.App

// The stage of an order or ticket and the next steps the sales rules offer this user, as
// buttons in lifecycle order; each asks first (MoveDialog). *Undo* takes the last step
// back while it has not been sent.
ColumnLayout {
    id: actions
    required property AppController app
    property string collection
    property string recordId
    readonly property var lifecycle: app && recordId.length > 0 ? app.moves(collection, recordId) : null
    property string message

    Layout.fillWidth: true
    spacing: 6

    Label {
        objectName: "stageLabel"
        text: actions.lifecycle ? actions.lifecycle.stageLabel : ""
        font.pixelSize: 22
    }
    SectionHeader { text: qsTr("Next step") }
    Flow {
        Layout.fillWidth: true
        spacing: 6
        Repeater {
            model: actions.lifecycle ? actions.lifecycle.moves : []
            delegate: ActionButton {
                required property var modelData
                objectName: "move:" + modelData.to
                text: modelData.label
                primary: !modelData.back && !modelData.needsReason
                onClicked: { actions.message = ""; moveDialog.ask(modelData) }
            }
        }
    }
    Label {
        objectName: "moveHint"
        visible: text.length > 0
        text: actions.lifecycle ? actions.lifecycle.hint : ""
        color: "#616161"
        wrapMode: Label.Wrap
        Layout.fillWidth: true
    }
    ActionButton {
        objectName: "undoMoveButton"
        visible: actions.lifecycle !== null && actions.lifecycle.canUndo
        text: qsTr("Undo last step")
        onClicked: actions.message = actions.lifecycle.undo()
    }
    Label {
        objectName: "moveRefusal"
        visible: actions.message.length > 0
        text: actions.message
        color: "#c62828"
        wrapMode: Label.Wrap
        Layout.fillWidth: true
    }

    MoveDialog { id: moveDialog; lifecycle: actions.lifecycle }
}
