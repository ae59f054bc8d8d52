import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts

// A section title with an optional action on the right ("+ Add").
RowLayout {
    id: header
    property alias text: title.text
    property alias actionText: action.text
    signal actionClicked()

    Layout.fillWidth: true
    Layout.topMargin: 12
    Label {
        id: title
        font.pixelSize: 13
        font.bold: true
        font.capitalization: Font.AllUppercase
        color: Material.color(Material.Indigo)
        Layout.fillWidth: true
    }
    Button {
        id: action
        objectName: "action:" + header.text
        visible: text.length > 0
        flat: true
        onClicked: header.actionClicked()
    }
}
