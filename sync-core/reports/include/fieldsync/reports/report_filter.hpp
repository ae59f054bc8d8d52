#pragma once

#include <string>

namespace fieldsync::reports {

// What a report is narrowed to. Empty members narrow nothing.
struct ReportFilter {
  // Orders whose order_date lies in [from, to] (YYYY-MM-DD, both included); the orders
  // report and its closing rate only.
  std::string from;
  std::string to;
  // One territory: an order's own `territory`, a customer's, a visit's or ticket's customer's.
  std::string territory;
  // One rep by user name: a customer's `owner` (its orders and tickets follow it), a visit's
  // `author`.
  std::string rep;
};

}  // namespace fieldsync::reports
