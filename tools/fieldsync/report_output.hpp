#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "fieldsync/reports/follow_ups_report.hpp"
#include "fieldsync/reports/orders_report.hpp"
#include "fieldsync/reports/tickets_report.hpp"

namespace fieldsync::cli {

// The reports as rows of text (one form for the table and for CSV) and as JSON. Money is
// the exact decimal text ("1234.50"); a rate is a percentage with one decimal in rows and
// a fraction in JSON; a missing key is "" (the table shows "(none)"); totals are the rows
// keyed "(all)".
struct ReportRows {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

inline constexpr const char* kAllRowsKey = "(all)";

// `money` formats the amounts (the orders' amount field).
ReportRows orders_rows(const reports::OrdersReport& report, const FieldSchema& money);
nlohmann::json orders_json(const reports::OrdersReport& report, const FieldSchema& money,
                           const reports::ReportFilter& filter);

ReportRows tickets_rows(const reports::TicketsReport& report);
nlohmann::json tickets_json(const reports::TicketsReport& report);

ReportRows follow_ups_rows(const reports::FollowUpsReport& report);
nlohmann::json follow_ups_json(const reports::FollowUpsReport& report);

}  // namespace fieldsync::cli
