#include "fieldsync/reports/follow_ups_report.hpp"

#include <map>

#include "report_dates.hpp"
#include "report_query.hpp"

namespace fieldsync::reports {
namespace {

constexpr std::int64_t kUpcomingDays = 7;

void count(FollowUpCounts& counts, bool done, const std::string& due, const std::string& today,
           const std::string& week_end) {
  ++counts.follow_ups;
  if (done) {
    ++counts.done;
  } else if (due < today) {  // YYYY-MM-DD compares as text
    ++counts.overdue;
  } else if (due == today) {
    ++counts.due_today;
  } else if (due <= week_end) {
    ++counts.upcoming;
  } else {
    ++counts.later;
  }
}

}  // namespace

FollowUpsReport follow_ups_report(Replica& replica, const std::string& today, const ReportFilter& filter) {
  FollowUpsReport report;
  report.today = today;
  const std::string week_end = add_days(today, kUpcomingDays);  // throws unless today is a date
  ReadSnapshot snapshot(replica);
  std::map<std::string, FollowUpRow> reps;
  // Done: another visit to the same customer on or after the follow-up date. Visits of a
  // deleted customer are no longer followed up.
  for_each_row(replica,
               "SELECT v.author, v.next_follow_up,"
               " EXISTS (SELECT 1 FROM visits w WHERE w.customer_id = v.customer_id AND w._deleted = 0"
               "         AND w.id <> v.id AND w.visited_on >= v.next_follow_up)"
               " FROM visits v LEFT JOIN customers c ON c.id = v.customer_id"
               " WHERE v._deleted = 0 AND COALESCE(v.next_follow_up, '') <> '' AND COALESCE(c._deleted, 0) = 0"
               " AND (?1 = '' OR c.territory = ?1) AND (?2 = '' OR v.author = ?2)",
               {filter.territory, filter.rep}, [&](const sqlite::Statement& r) {
                 const std::string rep = text_at(r, 0), due = text_at(r, 1);
                 const bool done = r.column_int(2) != 0;
                 FollowUpRow& row = reps[rep];
                 row.rep = rep;
                 count(row.counts, done, due, report.today, week_end);
                 count(report.total, done, due, report.today, week_end);
               });
  for (auto& [key, row] : reps) report.reps.push_back(std::move(row));
  return report;
}

}  // namespace fieldsync::reports
