#include "report_output.hpp"

#include <cstdio>

namespace fieldsync::cli {
namespace {

using reports::CurrencyTotals;
using reports::FollowUpCounts;
using reports::OrderGroup;
using reports::TicketCounts;

std::string number(std::int64_t n) { return std::to_string(n); }

std::string one_decimal(std::optional<double> value, double scale) {
  if (!value) return "";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", *value * scale);
  return text;
}

nlohmann::json optional_json(std::optional<double> value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
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

nlohmann::json group_json(const OrderGroup& group, const FieldSchema& money) {
  nlohmann::json currencies = nlohmann::json::object();
  for (const auto& [currency, t] : group.currencies) {
    currencies[currency] = {{"orders", t.orders},
                            {"amount", money_text(money, t.amount)},
                            {"cancelled_orders", t.cancelled_orders},
                            {"cancelled_amount", money_text(money, t.cancelled_amount)}};
  }
  return {{"key", group.key},
          {"orders", group.orders},
          {"cancelled_orders", group.cancelled_orders},
          {"currencies", std::move(currencies)},
          {"potential_customers", group.potential_customers},
          {"closed_customers", group.closed_customers},
          {"closing_rate", optional_json(group.closing_rate())}};
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

nlohmann::json ticket_json(const std::string& month, const std::string& kind, const TicketCounts& c) {
  return {{"month", month},
          {"kind", kind},
          {"total", c.total},
          {"open", c.open},
          {"resolved", c.resolved},
          {"closed", c.closed},
          {"rejected", c.rejected},
          {"days_to_resolve",
           {{"count", c.resolution.count},
            {"average", optional_json(c.resolution.average_days())},
            {"max", c.resolution.count ? nlohmann::json(c.resolution.max_days) : nlohmann::json(nullptr)}}}};
}

std::vector<std::string> follow_up_cells(const std::string& rep, const FollowUpCounts& c) {
  return {rep, number(c.follow_ups), number(c.done), number(c.overdue), number(c.due_today), number(c.upcoming),
          number(c.later)};
}

nlohmann::json follow_up_json(const std::string& rep, const FollowUpCounts& c) {
  return {{"rep", rep},          {"follow_ups", c.follow_ups}, {"done", c.done},   {"overdue", c.overdue},
          {"due_today", c.due_today}, {"upcoming", c.upcoming},     {"later", c.later}};
}

}  // namespace

ReportRows orders_rows(const reports::OrdersReport& report, const FieldSchema& money) {
  ReportRows out{{std::string(reports::grouping_name(report.grouping)), "currency", "orders", "amount",
                  "cancelled_orders", "cancelled_amount", "potential_customers", "closed_customers",
                  "closing_rate_percent"},
                 {}};
  for (const auto& group : report.groups) add_group_rows(out, group.key, group, money);
  add_group_rows(out, kAllRowsKey, report.total, money);
  return out;
}

nlohmann::json orders_json(const reports::OrdersReport& report, const FieldSchema& money,
                           const reports::ReportFilter& filter) {
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& group : report.groups) groups.push_back(group_json(group, money));
  return {{"report", "orders"},
          {"by", reports::grouping_name(report.grouping)},
          {"from", filter.from},
          {"to", filter.to},
          {"groups", std::move(groups)},
          {"total", group_json(report.total, money)}};
}

ReportRows tickets_rows(const reports::TicketsReport& report) {
  ReportRows out{{"month", "kind", "total", "open", "resolved", "closed", "rejected", "resolved_with_dates",
                  "average_days_to_resolve", "max_days_to_resolve"},
                 {}};
  for (const auto& row : report.by_month) out.rows.push_back(ticket_cells(row.month, row.kind, row.counts));
  for (const auto& row : report.totals) out.rows.push_back(ticket_cells(kAllRowsKey, row.kind, row.counts));
  out.rows.push_back(ticket_cells(kAllRowsKey, kAllRowsKey, report.all));
  return out;
}

nlohmann::json tickets_json(const reports::TicketsReport& report) {
  nlohmann::json by_month = nlohmann::json::array(), totals = nlohmann::json::array();
  for (const auto& row : report.by_month) by_month.push_back(ticket_json(row.month, row.kind, row.counts));
  for (const auto& row : report.totals) totals.push_back(ticket_json("", row.kind, row.counts));
  return {{"report", "tickets"},
          {"by_month", std::move(by_month)},
          {"totals", std::move(totals)},
          {"all", ticket_json("", "", report.all)}};
}

ReportRows follow_ups_rows(const reports::FollowUpsReport& report) {
  ReportRows out{{"rep", "follow_ups", "done", "overdue", "due_today", "upcoming_7_days", "later"}, {}};
  for (const auto& row : report.reps) out.rows.push_back(follow_up_cells(row.rep, row.counts));
  out.rows.push_back(follow_up_cells(kAllRowsKey, report.total));
  return out;
}

nlohmann::json follow_ups_json(const reports::FollowUpsReport& report) {
  nlohmann::json reps = nlohmann::json::array();
  for (const auto& row : report.reps) reps.push_back(follow_up_json(row.rep, row.counts));
  return {{"report", "follow-ups"},
          {"today", report.today},
          {"reps", std::move(reps)},
          {"total", follow_up_json("", report.total)}};
}

}  // namespace fieldsync::cli
