import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import FieldSync.App

// The window: a page stack under a toolbar, the sync status always visible at the bottom.
// Navigation functions are called by pages, by the screenshot runner and by tests.
ApplicationWindow {
    id: window
    required property AppController app

    width: 400
    height: 800
    visible: true
    title: qsTr("FieldSync")
    Material.theme: Material.Light
    Material.primary: Material.Indigo
    Material.accent: Material.Teal

    function showHome() { stack.pop(null, StackView.Immediate) }
    function back() { stack.pop() }
    function openCustomer(id) { stack.push(customerPage, { customerId: id }) }
    function openOrder(id) { stack.push(orderPage, { orderId: id }) }
    function openReview() { stack.push(reviewPage) }
    function openReports() { stack.push(reportsPage) }
    function openWorklist() { stack.push(worklistPage) }
    function openSettings() { stack.push(settingsPage) }
    function openSignIn() {
        if (stack.currentItem && stack.currentItem.objectName === "signInPage") return
        stack.push(signInPage)
    }
    // A fieldsync://enrol link was opened (QR code, message, command line): sign in with it.
    Connections {
        target: window.app
        function onEnrolLinkChanged() { if (window.app.enrolLink.server) window.openSignIn() }
    }
    Component.onCompleted: if (window.app.enrolLink.server) window.openSignIn()
    function openHistory(collection, id, title) {
        stack.push(historyPage, { model: app.history(collection, id), title: title })
    }
    function openNewCustomer() { openForm(app.newForm("customers", ""), qsTr("New customer")) }
    function openNewOrder(customerId) {
        const form = app.newOrderForm(customerId)
        if (form) stack.push(orderFormPage, { form: form })
    }
    function openForm(form, title) {
        if (form) stack.push(recordFormPage, { form: form, title: title })
    }

    header: ToolBar {
        // Drawn here: the style's tool bar casts its shadow with a shader effect.
        background: Rectangle { color: window.Material.primary }
        RowLayout {
            anchors.fill: parent
            spacing: 0
            ToolButton {
                objectName: "backButton"
                text: "‹"
                Material.foreground: "white"
                font.pixelSize: 28
                visible: stack.depth > 1
                onClicked: stack.pop()
            }
            Label {
                text: stack.currentItem && stack.currentItem.title ? stack.currentItem.title : qsTr("Customers")
                elide: Label.ElideRight
                font.pixelSize: 20
                Layout.fillWidth: true
                Layout.leftMargin: stack.depth > 1 ? 0 : 16
                color: "white"
            }
            ToolButton {
                objectName: "reviewButton"
                Material.foreground: "white"
                visible: stack.depth === 1
                // A rep's replica holds only their own records: their conflicts, not a queue.
                text: (app.reviewer ? qsTr("Review") : qsTr("My conflicts"))
                      + (app.conflicts.count > 0 ? " (%1)".arg(app.conflicts.count) : "")
                onClicked: window.openReview()
            }
            ToolButton {
                objectName: "menuButton"
                visible: stack.depth === 1
                text: "⋮"
                Material.foreground: "white"
                font.pixelSize: 22
                onClicked: menu.open()
                AppMenu {
                    id: menu
                    objectName: "overflowMenu"
                    // Below the button, as a drop-down: the tool bar stays readable.
                    y: parent.height
                    MenuItem { objectName: "worklistMenuItem"; text: qsTr("Work lists"); onTriggered: window.openWorklist() }
                    MenuItem { text: qsTr("Reports"); onTriggered: window.openReports() }
                    MenuItem { text: qsTr("Settings"); onTriggered: window.openSettings() }
                }
            }
        }
    }

    StackView {
        id: stack
        objectName: "stack"
        anchors.fill: parent
        initialItem: HomePage { app: window.app; navigator: window }
    }

    footer: SyncStatusBar { app: window.app; onRefusedClicked: window.openSettings() }

    Component { id: customerPage; CustomerPage { app: window.app; navigator: window } }
    Component { id: orderPage; OrderPage { app: window.app; navigator: window } }
    Component { id: reviewPage; ReviewPage { app: window.app } }
    Component { id: reportsPage; ReportsPage { app: window.app } }
    Component { id: worklistPage; WorklistPage { app: window.app; navigator: window } }
    Component { id: settingsPage; SettingsPage { app: window.app; navigator: window } }
    Component { id: signInPage; SignInPage { app: window.app; onDone: window.showHome() } }
    Component { id: historyPage; HistoryPage {} }
    Component { id: recordFormPage; RecordFormPage { app: window.app; onDone: stack.pop() } }
    Component { id: orderFormPage; OrderFormPage { onDone: stack.pop() } }
}
