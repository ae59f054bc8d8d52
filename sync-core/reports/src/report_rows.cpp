#include "fieldsync/reports/report_rows.hpp"

#include <cstdio>
#include <sstream>

#include "fieldsync/core/csv.hpp"

namespace fieldsync::reports {
namespace {

std::string number(std::int64_t n) { return std::to_string(n); }

std::string one_decimal(std::optional<double> value, double scale) {
  if (!value) return "";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", *value * scale);
  return text;
}

std::string money_text(const FieldSchema& money, std::int64_t minor) { return format_value(money, Value(minor)); }

void add_group_rows(ReportRows& out, const std::string& key, const OrderGroup& group, const FieldSchema& money) {
  const std::vector<std::string> closing{number(group.potential_customers), number(group.closed_customers),
                                         one_decimal(group.closing_rate(), 100)};
  auto row = [&](const std::string& currency, const CurrencyTotals& t) {
    std::vector<std::string> cells{key,
                                   currency,
                                   number(t.orders),
                                   money_text(money, t.amount),
                                   number(t.cancelled_orders),
                                   money_text(money, t.cancelled_amount)};
    cells.insert(cells.end(), closing.begin(), closing.end());
    out.rows.push_back(std::move(cells));
  };
  if (group.currencies.empty()) row("", {});  // potential customers without orders
  for (const auto& [currency, totals] : group.currencies) row(currency, totals);
}

std::vector<std::string> ticket_cells(const std::string& month, const std::string& kind, const TicketCounts& c) {
  return {month,
          kind,
          number(c.total),
          number(c.open),
          number(c.resolved),
          number(c.closed),
          number(c.rejected),
          number(c.resolution.count),
          one_decimal(c.resolution.average_days(), 1),
          c.resolution.count ? number(c.resolution.max_days) : ""};
}

std::vector<std::string> follow_up_cells(const std::string& rep, const FollowUpCounts& c) {
  return {rep, number(c.follow_ups), number(c.done), number(c.overdue), number(c.due_today), number(c.upcoming),
          number(c.later)};
}

}  // namespace

ReportRows orders_rows(const OrdersReport& report, const FieldSchema& money) {
  ReportRows out{{std::string(grouping_name(report.grouping)), "currency", "orders", "amount",
                  "cancelled_orders", "cancelled_amount", "potential_customers", "closed_customers",
                  "closing_rate_percent"},
                 {}};
  for (const auto& group : report.groups) add_group_rows(out, group.key, group, money);
  add_group_rows(out, kAllRowsKey, report.total, money);
  return out;
}

ReportRows tickets_rows(const TicketsReport& report) {
  ReportRows out{{"month", "kind", "total", "open", "resolved", "closed", "rejected", "resolved_with_dates",
                  "average_days_to_resolve", "max_days_to_resolve"},
                 {}};
  for (const auto& row : report.by_month) out.rows.push_back(ticket_cells(row.month, row.kind, row.counts));
  for (const auto& row : report.totals) out.rows.push_back(ticket_cells(kAllRowsKey, row.kind, row.counts));
  out.rows.push_back(ticket_cells(kAllRowsKey, kAllRowsKey, report.all));
  return out;
}

ReportRows follow_ups_rows(const FollowUpsReport& report) {
  ReportRows out{{"rep", "follow_ups", "done", "overdue", "due_today", "upcoming_7_days", "later"}, {}};
  for (const auto& row : report.reps) out.rows.push_back(follow_up_cells(row.rep, row.counts));
  out.rows.push_back(follow_up_cells(kAllRowsKey, report.total));
  return out;
}

std::string csv_text(const ReportRows& rows) {
  std::ostringstream out;
  write_csv_row(out, rows.header);
  for (const auto& row : rows.rows) write_csv_row(out, row);
  return out.str();
}

}  // namespace fieldsync::reports
