import QtQuick
import QtQuick.Controls

// A white card with a hairline border: the Material style's elevated Pane needs shader
// effects that Qt Quick's software renderer does not have.
Pane {
    padding: 12
    background: Rectangle {
        color: "white"
        radius: 6
        border.color: "#e0e0e0"
    }
}
