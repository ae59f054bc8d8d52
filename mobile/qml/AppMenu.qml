import QtQuick
import QtQuick.Controls

// A Menu with an opaque background (PopupBackground) under every renderer.
Menu {
    background: PopupBackground {}
}
