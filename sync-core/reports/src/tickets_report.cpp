#include "fieldsync/reports/tickets_report.hpp"

#include <algorithm>
#include <map>

#include "report_dates.hpp"
#include "report_query.hpp"

namespace fieldsync::reports {
namespace {

void count(TicketCounts& counts, const std::string& status, std::optional<std::int64_t> days_to_resolve) {
  ++counts.total;
  if (status == "resolved") {
    ++counts.resolved;
  } else if (status == "closed") {
    ++counts.closed;
  } else if (status == "rejected") {
    ++counts.rejected;
  } else {
    ++counts.open;  // open, approved, in_progress
  }
  if (days_to_resolve) {
    ResolutionTime& r = counts.resolution;
    ++r.count;
    r.total_days += *days_to_resolve;
    r.max_days = std::max(r.max_days, *days_to_resolve);
  }
}

// Resolved or closed with both dates, resolved_on not before opened_on.
std::optional<std::int64_t> days_to_resolve(const std::string& status, const std::string& opened_on,
                                            const std::string& resolved_on) {
  if (status != "resolved" && status != "closed") return std::nullopt;
  const auto opened = day_number(opened_on);
  const auto resolved = day_number(resolved_on);
  if (!opened || !resolved || *resolved < *opened) return std::nullopt;
  return *resolved - *opened;
}

}  // namespace

std::optional<double> ResolutionTime::average_days() const {
  if (count == 0) return std::nullopt;
  return static_cast<double>(total_days) / static_cast<double>(count);
}

TicketsReport tickets_report(Replica& replica, const ReportFilter& filter) {
  const FieldSchema* kind_field = replica.schema().require("tickets").field("kind");
  std::vector<std::string> kinds = kind_field ? kind_field->values : std::vector<std::string>{};
  auto kind_rank = [&](const std::string& kind) {
    return static_cast<std::size_t>(std::find(kinds.begin(), kinds.end(), kind) - kinds.begin());
  };
  ReadSnapshot snapshot(replica);
  std::map<std::pair<std::string, std::size_t>, TicketRow> by_month;
  std::map<std::size_t, TicketRow> totals;
  for (std::size_t i = 0; i < kinds.size(); ++i) totals[i] = TicketRow{"", kinds[i], {}};
  TicketsReport report;
  for_each_row(replica,
               "SELECT t.kind, t.status, t.opened_on, t.resolved_on FROM tickets t"
               " LEFT JOIN customers c ON c.id = t.customer_id"
               " WHERE t._deleted = 0 AND (?1 = '' OR c.territory = ?1) AND (?2 = '' OR c.owner = ?2)",
               {filter.territory, filter.rep}, [&](const sqlite::Statement& r) {
                 const std::string kind = text_at(r, 0), status = text_at(r, 1), opened_on = text_at(r, 2);
                 const auto days = days_to_resolve(status, opened_on, text_at(r, 3));
                 const std::size_t rank = kind_rank(kind);
                 const std::string month = month_of(opened_on);
                 TicketRow& row = by_month[{month, rank}];
                 row.month = month;
                 row.kind = kind;
                 count(row.counts, status, days);
                 TicketRow& total = totals[rank];
                 total.kind = kind;
                 count(total.counts, status, days);
                 count(report.all, status, days);
               });
  for (auto& [key, row] : by_month) report.by_month.push_back(std::move(row));
  for (auto& [key, row] : totals) report.totals.push_back(std::move(row));
  return report;
}

}  // namespace fieldsync::reports
