#pragma once

#include <nlohmann/json.hpp>

#include "fieldsync/reports/follow_ups_report.hpp"
#include "fieldsync/reports/orders_report.hpp"
#include "fieldsync/reports/report_filter.hpp"
#include "fieldsync/reports/tickets_report.hpp"

namespace fieldsync::cli {

// The reports as JSON for `fieldsync report --json` (the rows for the table and CSV are the
// reports library's report_rows.hpp). Money is the exact decimal text ("1234.50"); a rate
// is a fraction; a missing key is "".

// `money` formats the amounts (the orders' amount field).
nlohmann::json orders_json(const reports::OrdersReport& report, const FieldSchema& money,
                           const reports::ReportFilter& filter);
nlohmann::json tickets_json(const reports::TicketsReport& report);
nlohmann::json follow_ups_json(const reports::FollowUpsReport& report);

}  // namespace fieldsync::cli
