#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fieldsync/core/replica.hpp"
#include "fieldsync/reports/report_filter.hpp"

namespace fieldsync::reports {

enum class OrderGrouping { kMonth, kRep, kTerritory, kTier, kStatus };

// "month", "rep", "territory", "tier", "status".
std::string_view grouping_name(OrderGrouping grouping);
// Reads a name as above; throws Error(kInvalidArgument) listing the names.
OrderGrouping parse_grouping(std::string_view name);

// Orders of one currency. Amounts in minor units, never summed across currencies.
struct CurrencyTotals {
  std::int64_t orders = 0;  // not cancelled
  std::int64_t amount = 0;
  std::int64_t cancelled_orders = 0;
  std::int64_t cancelled_amount = 0;
};

struct OrderGroup {
  // The month (YYYY-MM) of order_date, the customer's owner (the user name as given), the
  // order's territory, the customer's tier or the order's status; "" when the record has none.
  std::string key;
  std::int64_t orders = 0;            // not cancelled, all currencies
  std::int64_t cancelled_orders = 0;  // apart from the above
  std::map<std::string, CurrencyTotals> currencies;  // by currency code
  // Closing rate: potential customers with at least one order that is not cancelled, over
  // all potential customers. By month: those whose first such order is in that month, over
  // all potential customers (so the months add up to the total). By status: not computed (0/0).
  std::int64_t potential_customers = 0;
  std::int64_t closed_customers = 0;
  // closed / potential in [0, 1]; nullopt without potential customers.
  std::optional<double> closing_rate() const;
};

struct OrdersReport {
  OrderGrouping grouping = OrderGrouping::kMonth;
  std::vector<OrderGroup> groups;  // by key; statuses in lifecycle order
  OrderGroup total;                // key "", everything the filter lets through
};

// The orders of the replica, narrowed by `filter`, grouped. Deleted orders and lines do
// not count. An order's amount is the sum of its lines while it has any, as the schema's
// `derived` declaration of the amount field says, else its stored amount (NULL is 0).
// An order without a currency counts in the currency field's schema default.
OrdersReport orders_report(Replica& replica, OrderGrouping grouping, const ReportFilter& filter = {});

}  // namespace fieldsync::reports
