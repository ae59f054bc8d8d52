import QtQuick
import QtQuick.Controls.Material

// The opaque background of every popup (a choice's list, a menu, a dialog). The Material
// style draws its own with an elevation shader effect, which Qt Quick's software renderer
// (phones without a usable GPU driver, offscreen) does not draw at all: the options would
// float over the page's text.
Rectangle {
    implicitWidth: 200
    implicitHeight: 48
    color: "white"
    radius: 4
    border.color: "#bdbdbd"
}
