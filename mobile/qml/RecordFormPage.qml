import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import FieldSync.App

// Any RecordForm: one input per field (a choice for enums), the form's message per field
// under it. The text stays in the form when a save fails, and in its draft across restarts.
// Fields the user's role may not change are read-only; a saved ticket shows its stage and
// next steps (LifecycleActions) above the fields.
Page {
    id: page
    property AppController app
    property var form  // a RecordForm (var: the typed property refused objects made by AppController)
    signal done()

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth

        ColumnLayout {
            width: parent.width
            spacing: 2

            Label {
                objectName: "formMessage"
                visible: text.length > 0
                text: page.form ? page.form.message : ""
                color: "#c62828"
                wrapMode: Label.Wrap
                Layout.fillWidth: true
                Layout.margins: 12
            }
            Label {
                visible: page.form && page.form.restoredDraft
                text: qsTr("Restored what you typed last time.")
                color: "#ef6c00"
                Layout.margins: 12
            }

            LifecycleActions {
                visible: page.form !== null && page.form.hasLifecycle && !page.form.isNew
                app: page.app
                collection: page.form ? page.form.collection : ""
                recordId: page.form && page.form.hasLifecycle ? page.form.recordId : ""
                Layout.leftMargin: 12
                Layout.rightMargin: 12
            }
            // A saved contact: call or write to them from their page.
            ContactActions {
                readonly property bool saved: page.form !== null && page.form.collection === "contacts" && !page.form.isNew
                app: page.app
                phone: saved ? page.form.value("phone") : ""
                email: saved ? page.form.value("email") : ""
                Layout.leftMargin: 12
                Layout.rightMargin: 12
            }

            Repeater {
                model: page.form ? page.form.fields : []
                delegate: ColumnLayout {
                    id: field
                    required property var modelData
                    readonly property string name: modelData.name
                    readonly property string error: page.form.errors[name] || ""
                    Layout.fillWidth: true
                    Layout.leftMargin: 12
                    Layout.rightMargin: 12
                    spacing: 0

                    Label {
                        objectName: "label:field:" + field.name
                        text: field.modelData.label + (field.modelData.required ? " *" : "")
                        color: field.error ? "#c62828" : "#616161"
                        font.pixelSize: 12
                    }
                    InputField {
                        objectName: "field:" + field.name
                        visible: field.modelData.type !== "enum" && field.modelData.type !== "reference"
                        Layout.fillWidth: true
                        readOnly: field.modelData.readOnly
                        placeholderText: field.modelData.type === "date" ? "YYYY-MM-DD"
                                         : field.modelData.type === "money" ? "1234.50" : ""
                        inputMethodHints: field.modelData.type === "date" ? Qt.ImhDate
                                          : field.modelData.type === "money" ? Qt.ImhFormattedNumbersOnly
                                          : field.modelData.type === "integer" ? Qt.ImhDigitsOnly : Qt.ImhNone
                        Component.onCompleted: text = page.form.value(field.name)
                        onTextEdited: page.form.setValue(field.name, text)
                    }
                    ChoiceBox {
                        objectName: "choice:" + field.name
                        visible: field.modelData.type === "enum"
                        Layout.fillWidth: true
                        enabled: !field.modelData.readOnly
                        // Shown in words ("VIP"), saved as the schema's value (vip).
                        model: [""].concat(field.modelData.optionWords)
                        Component.onCompleted: currentIndex = field.modelData.options.indexOf(page.form.value(field.name)) + 1
                        onActivated: page.form.setValue(field.name, currentIndex === 0 ? "" : field.modelData.options[currentIndex - 1])
                    }
                    // A link to one of the customer's records (a return's order, its line).
                    ChoiceBox {
                        objectName: "pick:" + field.name
                        visible: field.modelData.type === "reference"
                        Layout.fillWidth: true
                        enabled: !field.modelData.readOnly
                        model: [qsTr("(none)")].concat(field.modelData.options)
                        Component.onCompleted: currentIndex = Math.max(0, field.modelData.optionIds.indexOf(page.form.value(field.name)) + 1)
                        onActivated: page.form.setValue(field.name, currentIndex === 0 ? "" : field.modelData.optionIds[currentIndex - 1])
                    }
                    Label {
                        objectName: "note:" + field.name
                        visible: field.modelData.note.length > 0
                        text: field.modelData.note
                        color: "#616161"
                        font.pixelSize: 12
                    }
                    Label {
                        objectName: "error:" + field.name
                        visible: field.error.length > 0
                        text: field.error
                        color: "#c62828"
                        font.pixelSize: 12
                        wrapMode: Label.Wrap
                        Layout.fillWidth: true
                    }
                }
            }

            RowLayout {
                Layout.margins: 12
                Layout.fillWidth: true
                ActionButton {
                    objectName: "saveButton"
                    text: qsTr("Save")
                    primary: true
                    onClicked: if (page.form.save()) page.done()
                }
                ActionButton {
                    objectName: "discardButton"
                    text: qsTr("Discard")
                    onClicked: { page.form.discard(); page.done() }
                }
                Item { Layout.fillWidth: true }
                ActionButton {
                    objectName: "deleteButton"
                    visible: page.form ? page.form.removable : false
                    text: qsTr("Delete")
                    onClicked: confirmDelete.open()
                }
            }
        }
    }

    ConfirmDialog {
        id: confirmDelete
        message: qsTr("Delete this record? It is deleted on every phone and at the office when you sync.")
        onConfirmed: if (page.form.remove() === "") page.done()
    }
}
