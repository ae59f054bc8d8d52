// report orders|tickets|follow-ups: the sales reports of the replica (fieldsync::reports),
// as a table, CSV or JSON.
#include <ctime>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "fieldsync/reports/report_rows.hpp"
#include "json_output.hpp"
#include "report_output.hpp"
#include "text_table.hpp"

namespace fieldsync::cli {
namespace {

struct ReportOptions {
  bool csv = false;
  std::string by = "month";
  std::string today;  // follow-ups; default: the local date
  reports::ReportFilter filter;
};

std::string local_today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &local);
  return text;
}

void print(const Context& context, const ReportOptions& options, const reports::ReportRows& rows, const nlohmann::json& json) {
  if (context.json && options.csv) throw Error(ErrorCode::kInvalidArgument, "choose one output format: --csv or --json");
  if (context.json) {
    std::cout << to_pretty_json(json);
    return;
  }
  if (options.csv) {
    std::cout << reports::csv_text(rows);  // what the app exports too
    return;
  }
  TextTable table(rows.header);
  for (auto row : rows.rows) {
    if (row.front().empty()) row.front() = "(none)";
    table.add_row(std::move(row));
  }
  table.print(std::cout);
}

void run_orders(const Context& context, const ReportOptions& options) {
  const reports::OrderGrouping grouping = reports::parse_grouping(options.by);
  Replica replica = context.open_existing();
  const auto report = reports::orders_report(replica, grouping, options.filter);
  const FieldSchema* money = replica.schema().require("orders").field("amount");
  if (!money) throw Error(ErrorCode::kUnknownField, "the orders collection has no amount field");
  print(context, options, reports::orders_rows(report, *money), orders_json(report, *money, options.filter));
}

void run_tickets(const Context& context, const ReportOptions& options) {
  Replica replica = context.open_existing();
  const auto report = reports::tickets_report(replica, options.filter);
  print(context, options, reports::tickets_rows(report), tickets_json(report));
}

void run_follow_ups(const Context& context, const ReportOptions& options) {
  Replica replica = context.open_existing();
  const auto report =
      reports::follow_ups_report(replica, options.today.empty() ? local_today() : options.today, options.filter);
  print(context, options, reports::follow_ups_rows(report), follow_ups_json(report));
}

CLI::App* add_report(CLI::App& report, const char* name, const char* description,
                     const std::shared_ptr<ReportOptions>& options) {
  auto* command = report.add_subcommand(name, description);
  command->fallthrough();  // --json and --db may follow
  command->add_flag("--csv", options->csv, "As RFC 4180 CSV, totals in the rows keyed (all)");
  command->add_option("--territory", options->filter.territory, "Only this territory");
  command->add_option("--rep", options->filter.rep, "Only this rep (user name)");
  return command;
}

}  // namespace

void add_report_commands(CLI::App& app, const Context& context) {
  auto* report = app.add_subcommand("report", "Sales reports of the replica: orders, tickets, follow-ups");
  report->require_subcommand(1);
  report->fallthrough();

  auto orders = std::make_shared<ReportOptions>();
  auto* orders_cmd = add_report(*report, "orders", "Orders, amounts per currency, cancelled apart, closing rate", orders);
  orders_cmd->add_option("--by", orders->by, "Group by month (of order_date), rep, territory, tier or status")
      ->capture_default_str();
  orders_cmd->add_option("--from", orders->filter.from, "First order_date (YYYY-MM-DD)");
  orders_cmd->add_option("--to", orders->filter.to, "Last order_date (YYYY-MM-DD)");
  orders_cmd->callback([&context, orders] { run_orders(context, *orders); });

  auto tickets = std::make_shared<ReportOptions>();
  auto* tickets_cmd =
      add_report(*report, "tickets", "Complaints, returns, exchanges by status and days to resolve", tickets);
  tickets_cmd->callback([&context, tickets] { run_tickets(context, *tickets); });

  auto follow_ups = std::make_shared<ReportOptions>();
  auto* follow_ups_cmd = add_report(*report, "follow-ups", "Follow-ups per rep: done, overdue, due", follow_ups);
  follow_ups_cmd->add_option("--today", follow_ups->today, "The day to judge by (YYYY-MM-DD; default: today)");
  follow_ups_cmd->callback([&context, follow_ups] { run_follow_ups(context, *follow_ups); });
}

}  // namespace fieldsync::cli
