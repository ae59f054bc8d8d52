#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fieldsync/core/replica.hpp"
#include "fieldsync/reports/report_filter.hpp"

namespace fieldsync::reports {

// Days from opened_on to resolved_on of tickets that have both (resolved_on not before
// opened_on).
struct ResolutionTime {
  std::int64_t count = 0;
  std::int64_t total_days = 0;
  std::int64_t max_days = 0;
  std::optional<double> average_days() const;  // nullopt when count is 0
};

struct TicketCounts {
  std::int64_t total = 0;
  std::int64_t open = 0;  // open, approved or in_progress: not yet resolved or rejected
  std::int64_t resolved = 0;
  std::int64_t closed = 0;
  std::int64_t rejected = 0;
  ResolutionTime resolution;
};

struct TicketRow {
  std::string month;  // YYYY-MM of opened_on ("" when none); "" also in totals
  std::string kind;   // complaint, return, exchange ("" when none)
  TicketCounts counts;
};

struct TicketsReport {
  std::vector<TicketRow> by_month;  // by month, then kind in the schema's order
  std::vector<TicketRow> totals;    // per kind over every month, in the schema's order
  TicketCounts all;                 // every kind, every month
};

// The replica's alive tickets, narrowed by the filter's territory and rep (the ticket's
// customer's territory and owner).
TicketsReport tickets_report(Replica& replica, const ReportFilter& filter = {});

}  // namespace fieldsync::reports
