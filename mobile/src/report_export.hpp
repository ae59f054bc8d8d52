#pragma once

#include <QDate>
#include <QString>

#include "fieldsync/core/replica.hpp"
#include "fieldsync/reports/report_filter.hpp"

namespace fieldsync::app {

// The reports a manager takes into a spreadsheet: "orders-month", "orders-rep",
// "orders-territory", "orders-tier", "tickets", "follow-ups".
QStringList exportable_reports();

// Writes the report as CSV into `dir` (made if missing), in the columns `fieldsync report
// --csv` prints (the reports library's rows, one writer), named
// "<report>-<today>.csv", and returns the file's path. Throws Error: an unknown report
// (kInvalidArgument), a file that cannot be written (kIo).
QString export_report_csv(Replica& replica, const QString& report, const reports::ReportFilter& filter,
                          const QDate& today, const QString& dir);

}  // namespace fieldsync::app
