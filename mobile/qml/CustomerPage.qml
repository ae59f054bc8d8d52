import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import FieldSync.App

// One customer: details with their sync badges, then contacts, orders, visits, tickets.
Page {
    id: page
    required property AppController app
    property var navigator
    property string customerId
    // Re-read whenever the replica changes (a local save, a sync).
    readonly property var customer: app.revision >= 0 ? app.record("customers", customerId) : ({})
    title: customer.name || qsTr("Customer")

    readonly property var contacts: app.related("contacts", "customer_id", customerId)
    readonly property var orders: app.related("orders", "customer_id", customerId)
    readonly property var visits: app.related("visits", "customer_id", customerId)
    readonly property var tickets: app.related("tickets", "customer_id", customerId)

    component RecordRow: ItemDelegate {
        id: item
        property string rowTitle
        property string rowSubtitle
        property bool rowPending
        property bool rowConflicted
        Layout.fillWidth: true
        padding: 6
        contentItem: RowLayout {
            ColumnLayout {
                spacing: 0
                Layout.fillWidth: true
                Label { text: item.rowTitle; font.bold: true; elide: Label.ElideRight; Layout.fillWidth: true }
                Label {
                    text: item.rowSubtitle
                    visible: text.length > 0
                    color: "#616161"
                    wrapMode: Label.Wrap
                    maximumLineCount: 2
                    elide: Label.ElideRight
                    Layout.fillWidth: true
                }
            }
            Badge { visible: item.rowPending; text: qsTr("pending"); tone: "#ef6c00" }
            Badge { visible: item.rowConflicted; text: qsTr("conflict"); tone: "#c62828" }
        }
    }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth

        ColumnLayout {
            width: parent.width
            spacing: 4

            Card {
                Layout.fillWidth: true
                Layout.margins: 8
                ColumnLayout {
                    anchors.fill: parent
                    Label {
                        objectName: "customerName"
                        text: page.customer.name || ""
                        font.pixelSize: 22
                        wrapMode: Label.Wrap
                        Layout.fillWidth: true
                    }
                    Row {
                        spacing: 6
                        visible: page.customer.pending === true || page.customer.conflicted === true
                        Badge { objectName: "customerPendingBadge"; visible: page.customer.pending === true; text: qsTr("pending: not sent yet"); tone: "#ef6c00" }
                        Badge { objectName: "customerConflictBadge"; visible: page.customer.conflicted === true; text: qsTr("conflict: under review"); tone: "#c62828" }
                    }
                    Repeater {
                        model: ["tier", "territory", "industry", "phone", "email", "address", "owner"]
                        delegate: RowLayout {
                            required property string modelData
                            visible: (page.customer[modelData] || "").length > 0
                            Layout.fillWidth: true
                            Label {
                                text: page.app.fieldLabel(modelData)
                                color: "#616161"
                                Layout.preferredWidth: 80
                                Layout.alignment: Qt.AlignTop
                            }
                            Label {
                                objectName: "value:" + modelData
                                text: page.app.shownValue("customers", modelData, page.customer[modelData] || "")
                                wrapMode: Label.Wrap
                                Layout.fillWidth: true
                                Layout.alignment: Qt.AlignTop
                                color: (page.customer.conflictFields || []).indexOf(modelData) >= 0 ? "#c62828" : Material.foreground
                            }
                        }
                    }
                    ContactActions {
                        app: page.app
                        phone: page.customer.phone || ""
                        email: page.customer.email || ""
                        address: page.customer.address || ""
                    }
                    RowLayout {
                        ActionButton {
                            objectName: "editCustomerButton"
                            primary: true
                            text: qsTr("Edit")
                            onClicked: page.navigator.openForm(page.app.editForm("customers", page.customerId), qsTr("Edit customer"))
                        }
                        ActionButton {
                            text: qsTr("History")
                            onClicked: page.navigator.openHistory("customers", page.customerId, page.customer.name)
                        }
                    }
                }
            }

            ColumnLayout {
                Layout.fillWidth: true
                Layout.leftMargin: 12
                Layout.rightMargin: 12
                Layout.bottomMargin: 24

                SectionHeader {
                    text: qsTr("Visits")
                    actionText: qsTr("+ Log visit")
                    onActionClicked: page.navigator.openForm(page.app.newForm("visits", page.customerId), qsTr("Log visit"))
                }
                Repeater {
                    model: page.visits
                    delegate: RecordRow {
                        required property string title
                        required property string subtitle
                        required property bool pending
                        required property bool conflicted
                        required property string recordId
                        objectName: "visit:" + title
                        rowTitle: title; rowSubtitle: subtitle; rowPending: pending; rowConflicted: conflicted
                        onClicked: page.navigator.openForm(page.app.editForm("visits", recordId), qsTr("Visit"))
                    }
                }
                SectionHeader {
                    text: qsTr("Orders")
                    actionText: qsTr("+ New order")
                    onActionClicked: page.navigator.openNewOrder(page.customerId)
                }
                Repeater {
                    model: page.orders
                    delegate: RecordRow {
                        required property string title
                        required property string subtitle
                        required property bool pending
                        required property bool conflicted
                        required property string recordId
                        objectName: "order:" + title
                        rowTitle: title; rowSubtitle: subtitle; rowPending: pending; rowConflicted: conflicted
                        onClicked: page.navigator.openOrder(recordId)
                    }
                }
                SectionHeader {
                    text: qsTr("Contacts")
                    actionText: qsTr("+ Add")
                    onActionClicked: page.navigator.openForm(page.app.newForm("contacts", page.customerId), qsTr("New contact"))
                }
                Repeater {
                    model: page.contacts
                    delegate: RecordRow {
                        required property string title
                        required property string subtitle
                        required property bool pending
                        required property bool conflicted
                        required property string recordId
                        objectName: "contact:" + title
                        rowTitle: title; rowSubtitle: subtitle; rowPending: pending; rowConflicted: conflicted
                        onClicked: page.navigator.openForm(page.app.editForm("contacts", recordId), qsTr("Contact"))
                    }
                }
                SectionHeader {
                    text: qsTr("Tickets")
                    actionText: qsTr("+ Open")
                    onActionClicked: page.navigator.openForm(page.app.newForm("tickets", page.customerId), qsTr("New ticket"))
                }
                Repeater {
                    model: page.tickets
                    delegate: RecordRow {
                        required property string title
                        required property string subtitle
                        required property bool pending
                        required property bool conflicted
                        required property string recordId
                        objectName: "ticket:" + title
                        rowTitle: title; rowSubtitle: subtitle; rowPending: pending; rowConflicted: conflicted
                        onClicked: page.navigator.openForm(page.app.editForm("tickets", recordId), qsTr("Ticket"))
                    }
                }
            }
        }
    }
}
