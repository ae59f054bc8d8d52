import QtQuick
import QtQuick.Controls

// A text field at least 48 px high: a finger's touch target (the platforms' 48 dp); the
// Material style's is 43 px. Use it for every text field in the app.
TextField {
    implicitHeight: Math.max(48, implicitContentHeight + topPadding + bottomPadding)
}
