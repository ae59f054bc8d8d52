import QtQuick
import QtQuick.Controls

// A ComboBox whose list of options has an opaque background (PopupBackground) under every
// renderer. Use it for every choice in the app.
ComboBox {
    popup.background: PopupBackground {}
}
