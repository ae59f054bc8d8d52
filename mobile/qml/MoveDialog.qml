import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts

// Asks before a status move: the question, a reason where the rules want one, and the
// fields the new stage needs (a ticket's resolution and date, today by default). The move
// is made by `lifecycle` (a RecordMoves); a refusal stays in the dialog, in words.
Dialog {
    id: dialog
    property var lifecycle
    property var move: ({})
    property var values: ({})
    property string message

    function ask(m) {
        move = m
        const initial = {}
        for (const f of m.fields) initial[f.name] = f.value
        values = initial
        reasonField.text = ""
        message = ""
        open()
    }

    objectName: "moveDialog"
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(380, (parent ? parent.width : 380) - 32)
    padding: 16
    background: PopupBackground {}

    contentItem: ColumnLayout {
        spacing: 8
        Label {
            objectName: "moveQuestion"
            text: dialog.move.question || ""
            wrapMode: Label.Wrap
            font.bold: true
            Layout.fillWidth: true
        }
        InputField {
            id: reasonField
            objectName: "moveReasonField"
            visible: dialog.move.needsReason === true
            placeholderText: qsTr("Reason (required)")
            Layout.fillWidth: true
        }
        Repeater {
            model: dialog.move.fields || []
            delegate: ColumnLayout {
                required property var modelData
                spacing: 0
                Layout.fillWidth: true
                Label { text: modelData.label + " *"; color: "#616161"; font.pixelSize: 12 }
                InputField {
                    objectName: "moveField:" + modelData.name
                    Layout.fillWidth: true
                    text: modelData.value
                    placeholderText: modelData.type === "date" ? "YYYY-MM-DD" : ""
                    inputMethodHints: modelData.type === "date" ? Qt.ImhDate : Qt.ImhNone
                    onTextEdited: dialog.values[modelData.name] = text
                }
            }
        }
        Label {
            objectName: "moveMessage"
            visible: dialog.message.length > 0
            text: dialog.message
            color: "#c62828"
            wrapMode: Label.Wrap
            Layout.fillWidth: true
        }
        RowLayout {
            Layout.alignment: Qt.AlignRight
            ActionButton {
                objectName: "moveCancelButton"
                text: qsTr("Not now")
                onClicked: dialog.reject()
            }
            ActionButton {
                objectName: "moveConfirmButton"
                primary: true
                text: dialog.move.label || ""
                onClicked: {
                    dialog.message = dialog.lifecycle.move(dialog.move.to, reasonField.text, dialog.values)
                    if (dialog.message.length === 0) dialog.accept()
                }
            }
        }
    }
}
