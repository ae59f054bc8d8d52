#include "report_output.hpp"

namespace fieldsync::cli {
namespace {

using reports::FollowUpCounts;
using reports::OrderGroup;
using reports::TicketCounts;

nlohmann::json optional_json(std::optional<double> value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

std::string money_text(const FieldSchema& money, std::int64_t minor) { return format_value(money, Value(minor)); }

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

nlohmann::json follow_up_json(const std::string& rep, const FollowUpCounts& c) {
  return {{"rep", rep},          {"follow_ups", c.follow_ups}, {"done", c.done},   {"overdue", c.overdue},
          {"due_today", c.due_today}, {"upcoming", c.upcoming},     {"later", c.later}};
}

}  // namespace

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

nlohmann::json tickets_json(const reports::TicketsReport& report) {
  nlohmann::json by_month = nlohmann::json::array(), totals = nlohmann::json::array();
  for (const auto& row : report.by_month) by_month.push_back(ticket_json(row.month, row.kind, row.counts));
  for (const auto& row : report.totals) totals.push_back(ticket_json("", row.kind, row.counts));
  return {{"report", "tickets"},
          {"by_month", std::move(by_month)},
          {"totals", std::move(totals)},
          {"all", ticket_json("", "", report.all)}};
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
