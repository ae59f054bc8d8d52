import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import FieldSync.App

// One order: its stage with the next steps the sales rules offer this user, amount, lines.
Page {
    id: page
    required property AppController app
    property var navigator
    property string orderId
    readonly property var order: app.revision >= 0 ? app.record("orders", orderId) : ({})
    readonly property bool removable: app.revision >= 0 && app.canRemove("orders", orderId)
    readonly property var lines: app.related("order_lines", "order_id", orderId)
    property string message
    title: order.order_number || qsTr("Order")

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        ColumnLayout {
            width: parent.width - 24
            x: 12
            spacing: 6
            RowLayout {
                Layout.topMargin: 12
                Item { Layout.fillWidth: true }
                Badge { visible: page.order.pending === true; text: qsTr("pending"); tone: "#ef6c00" }
                Badge { visible: page.order.conflicted === true; text: qsTr("conflict"); tone: "#c62828" }
            }
            LifecycleActions {
                app: page.app
                collection: "orders"
                recordId: page.orderId
            }
            Label { text: qsTr("Amount: %1 %2").arg(page.order.amount || "0.00").arg(page.order.currency || ""); font.bold: true }
            Label { visible: !!page.order.due_date; text: qsTr("Due %1").arg(page.order.due_date || "") }
            Label { visible: !!page.order.status_reason; text: qsTr("Reason: %1").arg(page.order.status_reason || ""); wrapMode: Label.Wrap; Layout.fillWidth: true }
            Label { visible: !!page.order.notes; text: page.order.notes || ""; wrapMode: Label.Wrap; Layout.fillWidth: true }

            Label { visible: page.message.length > 0; text: page.message; color: "#c62828"; wrapMode: Label.Wrap; Layout.fillWidth: true }

            SectionHeader { text: qsTr("Lines") }
            Repeater {
                model: page.lines
                delegate: ColumnLayout {
                    required property string title
                    required property string subtitle
                    spacing: 0
                    Label { text: title; font.bold: true }
                    Label { text: subtitle; color: "#616161" }
                }
            }
            RowLayout {
                ActionButton {
                    objectName: "editOrderButton"
                    text: qsTr("Edit order")
                    // Due date, notes and the rest the rules let this user change; the
                    // form shows the others read-only with who may change them.
                    onClicked: page.navigator.openForm(page.app.editForm("orders", page.orderId), qsTr("Edit order"))
                }
                ActionButton {
                    text: qsTr("History")
                    onClicked: page.navigator.openHistory("orders", page.orderId, page.order.order_number)
                }
                ActionButton {
                    objectName: "deleteOrderButton"
                    visible: page.removable
                    text: qsTr("Delete order")
                    onClicked: confirmDelete.open()
                }
            }
        }
    }

    ConfirmDialog {
        id: confirmDelete
        message: qsTr("Delete order %1 and its lines? It is deleted at the office when you sync.")
                 .arg(page.order.order_number || "")
        onConfirmed: {
            page.message = page.app.removeRecord("orders", page.orderId)
            if (page.message.length === 0) page.navigator.back()
        }
    }
}
