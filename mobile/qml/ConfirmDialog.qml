import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts

// Asks before something that cannot be taken back (a delete): `confirmed()` only after the
// user pressed the confirm button. Drawn without the style's shadow (a shader effect).
Dialog {
    id: dialog
    property string message
    property string confirmText: qsTr("Delete")
    signal confirmed()

    objectName: "confirmDialog"
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(360, (parent ? parent.width : 360) - 32)
    padding: 16
    background: PopupBackground {}

    contentItem: ColumnLayout {
        spacing: 12
        Label {
            objectName: "confirmMessage"
            text: dialog.message
            wrapMode: Label.Wrap
            Layout.fillWidth: true
        }
        RowLayout {
            Layout.alignment: Qt.AlignRight
            ActionButton {
                objectName: "cancelConfirmButton"
                text: qsTr("Keep")
                onClicked: dialog.reject()
            }
            ActionButton {
                objectName: "confirmButton"
                primary: true
                text: dialog.confirmText
                onClicked: { dialog.accept(); dialog.confirmed() }
            }
        }
    }
}
