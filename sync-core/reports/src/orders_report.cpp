#include "fieldsync/reports/orders_report.hpp"

#include <algorithm>

#include "fieldsync/core/error.hpp"
#include "report_dates.hpp"
#include "report_query.hpp"

namespace fieldsync::reports {
namespace {

constexpr std::string_view kCancelled = "cancelled";
constexpr std::string_view kPotential = "potential";

struct GroupingName {
  OrderGrouping grouping;
  std::string_view name;
};
constexpr GroupingName kGroupings[] = {{OrderGrouping::kMonth, "month"},
                                       {OrderGrouping::kRep, "rep"},
                                       {OrderGrouping::kTerritory, "territory"},
                                       {OrderGrouping::kTier, "tier"},
                                       {OrderGrouping::kStatus, "status"}};

// One alive order as the report sees it.
struct OrderRow {
  std::string status, order_date, currency, territory, customer_id, owner, tier;
  std::int64_t amount = 0;
  bool cancelled() const { return status == kCancelled; }
};

struct CustomerRow {
  std::string id, owner, territory;
};

std::vector<OrderRow> load_orders(Replica& replica, const ReportFilter& filter) {
  const CollectionSchema& orders = replica.schema().require("orders");
  const FieldSchema* amount = orders.field("amount");
  const FieldSchema* currency = orders.field("currency");
  if (!amount || !currency) throw Error(ErrorCode::kUnknownField, "the orders collection has no amount or currency");
  const std::string sql =
      "SELECT o.status, o.order_date, o.currency, o.territory, o.customer_id, c.owner, c.tier, " +
      field_value_sql(*amount, "o") +
      " FROM orders o LEFT JOIN customers c ON c.id = o.customer_id"
      " WHERE o._deleted = 0 AND (?1 = '' OR o.order_date >= ?1) AND (?2 = '' OR o.order_date <= ?2)"
      " AND (?3 = '' OR o.territory = ?3) AND (?4 = '' OR c.owner = ?4)";
  std::vector<OrderRow> rows;
  for_each_row(replica, sql, {filter.from, filter.to, filter.territory, filter.rep}, [&](const sqlite::Statement& r) {
    OrderRow row{text_at(r, 0), text_at(r, 1), text_at(r, 2), text_at(r, 3), text_at(r, 4), text_at(r, 5),
                 text_at(r, 6), r.column_int(7)};
    if (row.currency.empty()) row.currency = currency->default_value;
    rows.push_back(std::move(row));
  });
  return rows;
}

std::vector<CustomerRow> load_potential_customers(Replica& replica, const ReportFilter& filter) {
  std::vector<CustomerRow> rows;
  for_each_row(replica,
               "SELECT id, owner, territory FROM customers WHERE _deleted = 0 AND tier = ?1"
               " AND (?2 = '' OR territory = ?2) AND (?3 = '' OR owner = ?3)",
               {std::string(kPotential), filter.territory, filter.rep},
               [&](const sqlite::Statement& r) { rows.push_back({text_at(r, 0), text_at(r, 1), text_at(r, 2)}); });
  return rows;
}

std::string key_of(OrderGrouping grouping, const OrderRow& order) {
  switch (grouping) {
    case OrderGrouping::kMonth: return month_of(order.order_date);
    case OrderGrouping::kRep: return order.owner;
    case OrderGrouping::kTerritory: return order.territory;
    case OrderGrouping::kTier: return order.tier;
    case OrderGrouping::kStatus: return order.status;
  }
  return {};
}

void add_order(OrderGroup& group, const OrderRow& order) {
  CurrencyTotals& totals = group.currencies[order.currency];
  if (order.cancelled()) {
    ++group.cancelled_orders;
    ++totals.cancelled_orders;
    totals.cancelled_amount += order.amount;
  } else {
    ++group.orders;
    ++totals.orders;
    totals.amount += order.amount;
  }
}

// The group a potential customer's closing counts in; nullopt: in none but the total.
std::optional<std::string> customer_key(OrderGrouping grouping, const CustomerRow& customer) {
  switch (grouping) {
    case OrderGrouping::kMonth: return std::nullopt;  // every month's denominator; see below
    case OrderGrouping::kRep: return customer.owner;
    case OrderGrouping::kTerritory: return customer.territory;
    case OrderGrouping::kTier: return std::string(kPotential);
    case OrderGrouping::kStatus: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::string_view grouping_name(OrderGrouping grouping) {
  for (const auto& g : kGroupings) {
    if (g.grouping == grouping) return g.name;
  }
  return "?";
}

OrderGrouping parse_grouping(std::string_view name) {
  std::string names;
  for (const auto& g : kGroupings) {
    if (g.name == name) return g.grouping;
    names += (names.empty() ? "" : ", ") + std::string(g.name);
  }
  throw Error(ErrorCode::kInvalidArgument, "cannot group orders by '" + std::string(name) + "': by one of " + names);
}

std::optional<double> OrderGroup::closing_rate() const {
  if (potential_customers == 0) return std::nullopt;
  return static_cast<double>(closed_customers) / static_cast<double>(potential_customers);
}

OrdersReport orders_report(Replica& replica, OrderGrouping grouping, const ReportFilter& filter) {
  require_date_or_empty(filter.from, "--from");
  require_date_or_empty(filter.to, "--to");
  ReadSnapshot snapshot(replica);
  const std::vector<OrderRow> orders = load_orders(replica, filter);
  const std::vector<CustomerRow> potential = load_potential_customers(replica, filter);

  OrdersReport report;
  report.grouping = grouping;
  std::map<std::string, OrderGroup> groups;
  auto group = [&](const std::string& key) -> OrderGroup& {
    OrderGroup& g = groups[key];
    g.key = key;
    return g;
  };
  // A customer is closed by its earliest order that is not cancelled.
  std::map<std::string, std::string> first_order_date;
  for (const auto& order : orders) {
    add_order(group(key_of(grouping, order)), order);
    add_order(report.total, order);
    if (order.cancelled()) continue;
    auto [it, inserted] = first_order_date.try_emplace(order.customer_id, order.order_date);
    if (!inserted && order.order_date < it->second) it->second = order.order_date;
  }
  for (const auto& customer : potential) {
    const auto first = first_order_date.find(customer.id);
    const bool closed = first != first_order_date.end();
    ++report.total.potential_customers;
    if (closed) ++report.total.closed_customers;
    if (grouping == OrderGrouping::kMonth) {
      if (closed) ++group(month_of(first->second)).closed_customers;
      continue;
    }
    if (auto key = customer_key(grouping, customer)) {
      OrderGroup& g = group(*key);
      ++g.potential_customers;
      if (closed) ++g.closed_customers;
    }
  }
  if (grouping == OrderGrouping::kMonth) {
    for (auto& [key, g] : groups) g.potential_customers = report.total.potential_customers;
  }
  for (auto& [key, g] : groups) report.groups.push_back(std::move(g));
  if (grouping == OrderGrouping::kStatus) {  // lifecycle order, unknown values last
    const FieldSchema* status = replica.schema().require("orders").field("status");
    auto rank = [&](const OrderGroup& g) {
      const auto stage = status ? status->stage_of(g.key) : std::nullopt;
      return stage ? *stage : std::size_t(-1);
    };
    std::stable_sort(report.groups.begin(), report.groups.end(),
                     [&](const OrderGroup& a, const OrderGroup& b) { return rank(a) < rank(b); });
  }
  return report;
}

}  // namespace fieldsync::reports
