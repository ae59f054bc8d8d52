import QtQuick
import QtQuick.Controls

// A small coloured label: "pending" (waits to be sent), "conflict" (needs review), a tier.
Rectangle {
    id: badge
    property alias text: label.text
    property color tone: "#607d8b"

    implicitWidth: label.implicitWidth + 12
    implicitHeight: label.implicitHeight + 4
    radius: height / 2
    color: Qt.lighter(tone, 1.9)
    border.color: tone

    Label {
        id: label
        anchors.centerIn: parent
        color: badge.tone
        font.pixelSize: 11
        font.bold: true
    }
}
