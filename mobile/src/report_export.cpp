#include "report_export.hpp"

#include <QDir>
#include <QSaveFile>

#include "fieldsync/core/error.hpp"
#include "fieldsync/reports/report_rows.hpp"

namespace fieldsync::app {

QStringList exportable_reports() {
  return {QStringLiteral("orders-month"), QStringLiteral("orders-rep"), QStringLiteral("orders-territory"),
          QStringLiteral("orders-tier"),  QStringLiteral("tickets"),    QStringLiteral("follow-ups")};
}

QString export_report_csv(Replica& replica, const QString& report, const reports::ReportFilter& filter,
                          const QDate& today, const QString& dir) {
  reports::ReportRows rows;
  if (report.startsWith(QLatin1String("orders-"))) {
    const auto grouping = reports::parse_grouping(report.mid(7).toStdString());  // throws for another
    const FieldSchema& money = *replica.schema().require("orders").field("amount");
    rows = reports::orders_rows(reports::orders_report(replica, grouping, filter), money);
  } else if (report == QLatin1String("tickets")) {
    rows = reports::tickets_rows(reports::tickets_report(replica, filter));
  } else if (report == QLatin1String("follow-ups")) {
    rows = reports::follow_ups_rows(
        reports::follow_ups_report(replica, today.toString(Qt::ISODate).toStdString(), filter));
  } else {
    throw Error(ErrorCode::kInvalidArgument, "no report '" + report.toStdString() + "'");
  }
  if (!QDir().mkpath(dir)) throw Error(ErrorCode::kIo, "cannot make the folder " + dir.toStdString());
  const QString path = QDir(dir).filePath(report + QLatin1Char('-') + today.toString(Qt::ISODate) + QStringLiteral(".csv"));
  // Written whole or not at all: a half-written export would mislead the spreadsheet.
  QSaveFile file(path);
  const std::string text = reports::csv_text(rows);
  if (!file.open(QIODevice::WriteOnly) || file.write(text.data(), static_cast<qint64>(text.size())) < 0 ||
      !file.commit()) {
    throw Error(ErrorCode::kIo, "cannot write " + path.toStdString() + ": " + file.errorString().toStdString());
  }
  return path;
}

}  // namespace fieldsync::app
