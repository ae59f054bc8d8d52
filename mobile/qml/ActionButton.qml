import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material

// A button drawn without the Material style's shader effects (elevation shadows), so it
// renders the same on a GPU and with Qt Quick's software renderer (old phones, and the
// offscreen screenshots). `primary`: filled with the accent colour; otherwise outlined.
Button {
    id: button
    property bool primary: false

    font.capitalization: Font.AllUppercase
    font.bold: true
    contentItem: Label {
        text: button.text
        font: button.font
        color: button.primary ? "white" : (button.enabled ? button.Material.accent : "#9e9e9e")
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }
    background: Rectangle {
        implicitWidth: 64
        implicitHeight: 40
        radius: 4
        color: button.primary ? (button.enabled ? button.Material.accent : "#bdbdbd")
                              : (button.down ? "#e0f2f1" : "transparent")
        border.color: button.primary ? "transparent" : (button.enabled ? button.Material.accent : "#bdbdbd")
    }
}
