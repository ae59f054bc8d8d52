#pragma once

#include <string>
#include <vector>

#include "fieldsync/reports/follow_ups_report.hpp"
#include "fieldsync/reports/orders_report.hpp"
#include "fieldsync/reports/tickets_report.hpp"

namespace fieldsync::reports {

// The reports as rows of text: one form for the CLI's table, for CSV from the CLI and for
// CSV exported by the app, so that the office's spreadsheet gets the same columns from
// either. Money is the exact decimal text ("1234.50"); a rate is a percentage with one
// decimal; a missing key is ""; totals are the rows keyed "(all)".
struct ReportRows {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

inline constexpr const char* kAllRowsKey = "(all)";

// `money` formats the amounts (the orders' amount field).
ReportRows orders_rows(const OrdersReport& report, const FieldSchema& money);
ReportRows tickets_rows(const TicketsReport& report);
ReportRows follow_ups_rows(const FollowUpsReport& report);

// RFC 4180 text: the header, then every row, CRLF line ends.
std::string csv_text(const ReportRows& rows);

}  // namespace fieldsync::reports
