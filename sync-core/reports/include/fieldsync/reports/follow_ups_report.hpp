#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fieldsync/core/replica.hpp"
#include "fieldsync/reports/report_filter.hpp"

namespace fieldsync::reports {

// A follow-up is an alive visit with a next_follow_up date. It is
// - done when another alive visit to the same customer happened on or after that date;
// - otherwise overdue when the date is before today, due today, upcoming within the next
//   7 days, or later.
// Each follow-up is in exactly one of these, so they add up to `follow_ups`.
struct FollowUpCounts {
  std::int64_t follow_ups = 0;
  std::int64_t done = 0;
  std::int64_t overdue = 0;
  std::int64_t due_today = 0;
  std::int64_t upcoming = 0;  // in 1 to 7 days
  std::int64_t later = 0;
};

struct FollowUpRow {
  std::string rep;  // the visit's author, the user name as given ("" when none)
  FollowUpCounts counts;
};

struct FollowUpsReport {
  std::string today;             // YYYY-MM-DD the report was computed for
  std::vector<FollowUpRow> reps;  // by rep
  FollowUpCounts total;
};

// `today` is YYYY-MM-DD. The filter's rep is the visit's author; its territory the
// customer's. Throws Error(kInvalidArgument) for a malformed date.
FollowUpsReport follow_ups_report(Replica& replica, const std::string& today, const ReportFilter& filter = {});

}  // namespace fieldsync::reports
