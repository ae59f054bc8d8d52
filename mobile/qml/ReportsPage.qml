import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import FieldSync.App

// Reports computed on the phone from its replica: works offline. A selector narrows every
// report to one territory or one rep.
Page {
    id: page
    required property AppController app
    readonly property ReportBuilder reports: app.reports
    title: qsTr("Reports")

    // The bars of a chart; reading ordersByMonth ties the binding to the reports' `changed`,
    // so the charts follow the slice and the replica.
    function counts(grouping) { return reports.ordersByMonth ? reports.orderCounts(grouping) : [] }

    component Row3: RowLayout {
        property string first
        property string second
        property string third
        Layout.fillWidth: true
        Label { text: parent.first; Layout.fillWidth: true }
        Label { text: parent.second; Layout.preferredWidth: 40; horizontalAlignment: Text.AlignRight }
        Label { text: parent.third; Layout.preferredWidth: 110; horizontalAlignment: Text.AlignRight; font.bold: true }
    }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        ColumnLayout {
            width: parent.width - 24
            x: 12
            ChoiceBox {
                objectName: "reportSlice"
                Layout.fillWidth: true
                Layout.topMargin: 8
                model: page.reports.slices
                textRole: "label"
                valueRole: "key"
                currentIndex: page.reports.slices.findIndex(s => s.key === page.reports.slice)
                onActivated: page.reports.slice = currentValue
            }
            SectionHeader { text: qsTr("Follow-ups") }
            Label {
                objectName: "followUpReport"
                text: qsTr("%1 overdue · %2 today · %3 in the next 7 days")
                      .arg(page.reports.followUps.overdue).arg(page.reports.followUps.today).arg(page.reports.followUps.upcoming)
                wrapMode: Label.Wrap
                Layout.fillWidth: true
            }
            SectionHeader { text: qsTr("Conversion of potential customers") }
            Label {
                objectName: "conversionReport"
                text: qsTr("%1 of %2 potential customers ordered (%3%)")
                      .arg(page.reports.conversion.converted).arg(page.reports.conversion.potential).arg(page.reports.conversion.percent)
                wrapMode: Label.Wrap
                Layout.fillWidth: true
            }
            ProgressBar { value: page.reports.conversion.percent / 100; Layout.fillWidth: true }
            SectionHeader { text: qsTr("Orders by status") }
            Repeater {
                model: page.reports.ordersByStatus
                delegate: Row3 {
                    required property var modelData
                    first: modelData.status.replace("_", " ")
                    second: modelData.count
                    third: modelData.amount
                }
            }
            // Charts first: orders per month, per rep and per tier in the slice shown.
            OrdersChart {
                objectName: "monthChart"
                title: qsTr("Orders by month")
                rows: page.counts("month")
                Layout.fillWidth: true
            }
            OrdersChart {
                objectName: "repChart"
                title: qsTr("Orders by rep")
                rows: page.counts("rep")
                Layout.fillWidth: true
            }
            OrdersChart {
                objectName: "tierChart"
                title: qsTr("Orders by tier")
                rows: page.counts("tier")
                Layout.fillWidth: true
            }
            SectionHeader { text: qsTr("Orders by month") }
            // By the month of each order's date; cancelled orders apart, never in the amounts.
            Repeater {
                model: page.reports.ordersByMonth
                delegate: ColumnLayout {
                    required property var modelData
                    Layout.fillWidth: true
                    Row3 {
                        first: modelData.month || qsTr("no date")
                        second: modelData.count
                        third: modelData.amount
                    }
                    Label {
                        visible: modelData.cancelledCount > 0
                        text: qsTr("cancelled: %1 · %2").arg(modelData.cancelledCount).arg(modelData.cancelledAmount)
                        opacity: 0.7
                        Layout.fillWidth: true
                    }
                }
            }
            // Into a spreadsheet: the same columns as `fieldsync report --csv`, for the slice shown.
            SectionHeader { text: qsTr("Export as CSV") }
            ComboBox {
                id: exportChoice
                objectName: "exportChoice"
                Layout.fillWidth: true
                model: page.reports.exports().map(r => page.reports.exportLabel(r))
            }
            ActionButton {
                objectName: "exportButton"
                text: qsTr("Export")
                onClicked: {
                    const result = page.reports.exportCsv(page.reports.exports()[exportChoice.currentIndex])
                    exportMessage.text = result.error ? result.error : qsTr("Saved to %1").arg(result.path)
                }
            }
            Label {
                id: exportMessage
                objectName: "exportMessage"
                visible: text.length > 0
                wrapMode: Label.Wrap
                Layout.fillWidth: true
            }
        }
    }
}
