import QtQuick
import QtCharts

// Orders per group as bars (Qt Charts), for a manager who would rather look than read.
// `rows`: [{key, count}] from ReportBuilder.orderCounts().
ChartView {
    id: chart
    property var rows: []
    readonly property var keys: rows.map(r => r.key)
    readonly property var counts: rows.map(r => r.count)
    implicitHeight: 220
    antialiasing: true
    legend.visible: false
    backgroundRoundness: 0
    margins { left: 0; right: 0; top: 0; bottom: 0 }

    BarSeries {
        axisX: BarCategoryAxis { categories: chart.keys }
        axisY: ValueAxis {
            min: 0
            max: Math.max(1, Math.max(...chart.counts))
            tickCount: Math.min(6, Math.max(2, Math.max(...chart.counts) + 1))
            labelFormat: "%d"
        }
        BarSet { objectName: "bars"; values: chart.counts; color: "#00897b" }
    }
}
