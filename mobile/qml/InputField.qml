import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A text field at least 48 px high: a finger's touch target (the platforms' 48 dp); the
// Material style's is 43 px. Use it for every text field in the app (each sits in a
// layout; a binding on implicitHeight instead loops with the style's own).
TextField {
    Layout.minimumHeight: 48
}
