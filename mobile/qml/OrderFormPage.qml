import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import FieldSync.App

// A new order: products from the catalogue with quantities; amounts computed as you type.
Page {
    id: page
    property var form  // an OrderForm
    signal done()
    // Says for whom: the rep may have several customers' pages open in a day.
    title: page.form && page.form.customerName ? qsTr("New order for %1").arg(page.form.customerName) : qsTr("New order")

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth

        ColumnLayout {
            width: parent.width - 24
            x: 12
            spacing: 6

            Label {
                objectName: "orderMessage"
                visible: text.length > 0
                text: page.form.message
                color: "#c62828"
                wrapMode: Label.Wrap
                Layout.fillWidth: true
                Layout.topMargin: 8
            }
            SectionHeader { text: qsTr("Add a product") }
            ChoiceBox {
                id: product
                objectName: "productChoice"
                Layout.fillWidth: true
                model: page.form.products
                textRole: "name"
                valueRole: "id"
                delegate: ItemDelegate {
                    required property var modelData
                    width: ListView.view.width
                    text: modelData.name + "  ·  " + modelData.price + " " + modelData.currency
                }
            }
            RowLayout {
                Layout.fillWidth: true
                Label { objectName: "label:quantityField"; text: qsTr("Quantity"); color: "#616161"; font.pixelSize: 12 }
                InputField {
                    id: quantity
                    objectName: "quantityField"
                    text: "1"
                    inputMethodHints: Qt.ImhDigitsOnly
                    Layout.preferredWidth: 80
                }
                ActionButton {
                    objectName: "addLineButton"
                    text: qsTr("Add line")
                    enabled: product.currentIndex >= 0
                    onClicked: page.form.addLine(product.currentValue, quantity.text)
                }
            }

            SectionHeader { text: qsTr("Lines") }
            Repeater {
                model: page.form.lines
                delegate: RowLayout {
                    required property var modelData
                    required property int index
                    Layout.fillWidth: true
                    ColumnLayout {
                        spacing: 0
                        Layout.fillWidth: true
                        Label { text: modelData.name; elide: Label.ElideRight; Layout.fillWidth: true }
                        Label {
                            text: modelData.amount ? qsTr("× %1 = %2").arg(modelData.unitPrice).arg(modelData.amount)
                                                   : qsTr("quantity must be a whole number")
                            color: modelData.amount ? "#616161" : "#c62828"
                        }
                    }
                    InputField {
                        objectName: "lineQuantity:" + index
                        text: modelData.quantity
                        inputMethodHints: Qt.ImhDigitsOnly
                        Layout.preferredWidth: 64
                        onTextEdited: page.form.setQuantity(index, text)
                    }
                    ToolButton { text: "✕"; onClicked: page.form.removeLine(index) }
                }
            }
            Label {
                objectName: "orderTotal"
                text: qsTr("Total: %1 %2").arg(page.form.total).arg(page.form.currency)
                font.pixelSize: 18
                font.bold: true
            }
            Label { objectName: "label:dueDateField"; text: qsTr("Due date"); color: "#616161"; font.pixelSize: 12 }
            InputField {
                objectName: "dueDateField"
                placeholderText: qsTr("Due date (YYYY-MM-DD)")
                text: page.form.dueDate
                Layout.fillWidth: true
                onTextEdited: page.form.dueDate = text
            }
            Label { objectName: "label:notesField"; text: qsTr("Notes"); color: "#616161"; font.pixelSize: 12 }
            TextArea {
                objectName: "notesField"
                placeholderText: qsTr("Notes")
                text: page.form.notes
                wrapMode: TextArea.Wrap
                Layout.fillWidth: true
                onTextChanged: if (text !== page.form.notes) page.form.notes = text
            }
            RowLayout {
                ActionButton {
                    objectName: "saveOrderButton"
                    text: qsTr("Save order")
                    primary: true
                    onClicked: if (page.form.save()) page.done()
                }
                ActionButton {
                    text: qsTr("Discard")
                    onClicked: { page.form.discard(); page.done() }
                }
            }
        }
    }
}
