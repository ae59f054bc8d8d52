import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import FieldSync.App

// Always visible: online or offline, the last successful sync, edits waiting to be sent,
// open conflicts, records the office refused, and the sync problem in words, with a button
// to sync now.
Pane {
    id: bar
    required property AppController app
    signal refusedClicked()

    objectName: "syncStatusBar"
    padding: 8
    // A plain top rule instead of the style's elevation shadow (a shader effect).
    background: Rectangle {
        color: "#fafafa"
        Rectangle { width: parent.width; height: 1; color: "#e0e0e0" }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 2
        RowLayout {
            Layout.fillWidth: true
            Rectangle {
                width: 10; height: 10; radius: 5
                color: bar.app.sync.online ? "#2e7d32" : "#9e9e9e"
            }
            Label {
                objectName: "onlineLabel"
                text: !bar.app.sync.configured ? qsTr("Offline: no server set")
                      : bar.app.sync.online ? qsTr("Online") : qsTr("Offline")
                font.bold: true
            }
            Label {
                objectName: "lastSyncLabel"
                text: qsTr("· synced %1").arg(bar.app.lastSync)
                color: "#616161"
                elide: Label.ElideRight
                Layout.fillWidth: true
            }
            Button {
                objectName: "syncNowButton"
                text: qsTr("Sync")
                flat: true
                enabled: bar.app.sync.configured
                onClicked: bar.app.sync.syncNow()
            }
        }
        RowLayout {
            Layout.fillWidth: true
            Label {
                objectName: "outboxLabel"
                text: bar.app.outboxSize === 1 ? qsTr("1 edit waiting") : qsTr("%1 edits waiting").arg(bar.app.outboxSize)
                color: bar.app.outboxSize > 0 ? "#ef6c00" : "#616161"
            }
            Label {
                objectName: "conflictLabel"
                text: bar.app.conflicts.count === 1 ? qsTr("· 1 conflict") : qsTr("· %1 conflicts").arg(bar.app.conflicts.count)
                color: bar.app.conflicts.count > 0 ? "#c62828" : "#616161"
            }
            // Refused records are the office's answer to this phone: visible here, one tap
            // from the list that says why.
            Button {
                objectName: "refusedButton"
                visible: bar.app.rejections.length > 0
                flat: true
                padding: 0
                text: bar.app.rejections.length === 1 ? qsTr("· 1 refused") : qsTr("· %1 refused").arg(bar.app.rejections.length)
                Material.foreground: "#c62828"
                onClicked: bar.refusedClicked()
            }
        }
        Label {
            objectName: "syncErrorLabel"
            visible: text.length > 0
            text: bar.app.sync.error
            color: "#c62828"
            wrapMode: Label.Wrap
            Layout.fillWidth: true
        }
    }
}
