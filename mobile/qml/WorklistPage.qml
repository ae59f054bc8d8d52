import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import FieldSync.App

// Work across customers: all orders or all tickets, narrowed to what waits (awaiting
// review, overdue, a stage); each row opens its record.
Page {
    id: page
    required property AppController app
    property var navigator
    readonly property WorklistModel list: app.worklist
    title: qsTr("Work lists")

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 8
        RowLayout {
            ActionButton {
                objectName: "worklistOrders"
                text: qsTr("Orders")
                primary: page.list.collection === "orders"
                onClicked: page.list.collection = "orders"
            }
            ActionButton {
                objectName: "worklistTickets"
                text: qsTr("Tickets")
                primary: page.list.collection === "tickets"
                onClicked: page.list.collection = "tickets"
            }
        }
        ComboBox {
            objectName: "worklistFilter"
            Layout.fillWidth: true
            model: page.list.filterLabels
            currentIndex: page.list.filters.indexOf(page.list.filter)
            onActivated: page.list.filter = page.list.filters[currentIndex]
        }
        Label {
            objectName: "worklistEmpty"
            visible: page.list.count === 0
            text: qsTr("Nothing here.")
            color: "#616161"
        }
        ListView {
            objectName: "worklist"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: page.list
            delegate: ItemDelegate {
                id: row
                required property string recordId
                required property string title
                required property string customer
                required property string stage
                required property string due
                required property bool overdue
                objectName: "work:" + title
                width: ListView.view.width
                height: Math.max(56, implicitHeight)
                contentItem: ColumnLayout {
                    spacing: 0
                    Label { text: row.title + (row.customer ? " · " + row.customer : ""); font.bold: true; elide: Label.ElideRight; Layout.fillWidth: true }
                    Label {
                        text: row.stage + (row.due ? " · " + (page.list.collection === "orders" ? qsTr("due %1") : qsTr("opened %1")).arg(row.due) : "")
                        color: row.overdue ? "#c62828" : "#616161"
                    }
                }
                onClicked: page.list.collection === "orders"
                           ? page.navigator.openOrder(row.recordId)
                           : page.navigator.openForm(page.app.editForm("tickets", row.recordId), qsTr("Ticket"))
            }
        }
    }
}
