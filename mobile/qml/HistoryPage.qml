import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import FieldSync.App

// A record's history from the office's audit log, newest first.
Page {
    id: page
    property var model  // a HistoryModel

    BusyIndicator { anchors.centerIn: parent; running: page.model && page.model.loading }
    Label {
        objectName: "historyError"
        anchors.centerIn: parent
        width: parent.width - 32
        visible: page.model && page.model.error.length > 0
        text: page.model ? page.model.error : ""
        wrapMode: Label.Wrap
        horizontalAlignment: Text.AlignHCenter
        color: "#c62828"
    }
    ListView {
        objectName: "historyList"
        anchors.fill: parent
        anchors.margins: 12
        spacing: 10
        model: page.model
        delegate: ColumnLayout {
            required property string time
            required property string user
            required property string replica
            required property string action
            required property string fields
            required property string detail
            width: ListView.view.width
            spacing: 0
            Label { text: action; font.bold: true; wrapMode: Label.Wrap; Layout.fillWidth: true }
            // One line per field: "status: scheduled -> in_progress".
            Label { objectName: "historyChanges"; visible: fields.length > 0; text: fields; wrapMode: Label.Wrap; Layout.fillWidth: true }
            Label { text: qsTr("%1 · %2 · device %3").arg(time).arg(user).arg(replica); color: "#616161"; font.pixelSize: 12 }
            Label { visible: detail.length > 0; text: detail; wrapMode: Label.Wrap; Layout.fillWidth: true }
        }
    }
}
