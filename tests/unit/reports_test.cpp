// The report engine (fieldsync::reports) on a real replica file filled with the records of
// report_fixture.hpp; every expected figure is worked out by hand from that file's comments.

#include <gtest/gtest.h>

#include <cctype>

#include "fieldsync/core/order_numbers.hpp"
#include "fieldsync/reports/follow_ups_report.hpp"
#include "fieldsync/reports/orders_report.hpp"
#include "fieldsync/reports/tickets_report.hpp"
#include "fieldsync/test/expect_error.hpp"
#include "fieldsync/test/report_fixture.hpp"
#include "fieldsync/test/temp_dir.hpp"

namespace fieldsync {
namespace {

using reports::OrderGrouping;

// "key: orders/cancelled [CUR orders amount cancelled cancelled_amount]... closed/potential".
std::string render(const reports::OrderGroup& g) {
  std::string out = g.key + ": " + std::to_string(g.orders) + "/" + std::to_string(g.cancelled_orders);
  for (const auto& [currency, t] : g.currencies) {
    out += " [" + currency + " " + std::to_string(t.orders) + " " + std::to_string(t.amount) + " " +
           std::to_string(t.cancelled_orders) + " " + std::to_string(t.cancelled_amount) + "]";
  }
  return out + " " + std::to_string(g.closed_customers) + "/" + std::to_string(g.potential_customers);
}

std::vector<std::string> render(const reports::OrdersReport& report) {
  std::vector<std::string> out;
  for (const auto& g : report.groups) out.push_back(render(g));
  out.push_back("total " + render(report.total));
  return out;
}

std::string render(const reports::TicketRow& row) {
  const auto& c = row.counts;
  return row.month + " " + row.kind + ": " + std::to_string(c.total) + " open " + std::to_string(c.open) +
         " resolved " + std::to_string(c.resolved) + " closed " + std::to_string(c.closed) + " rejected " +
         std::to_string(c.rejected) + " days " + std::to_string(c.resolution.count) + "/" +
         std::to_string(c.resolution.total_days) + "/" + std::to_string(c.resolution.max_days);
}

std::string render(const reports::FollowUpRow& row) {
  const auto& c = row.counts;
  return row.rep + ": " + std::to_string(c.follow_ups) + " done " + std::to_string(c.done) + " overdue " +
         std::to_string(c.overdue) + " today " + std::to_string(c.due_today) + " upcoming " +
         std::to_string(c.upcoming) + " later " + std::to_string(c.later);
}

class ReportsTest : public ::testing::Test {
 protected:
  void SetUp() override { test::fill_report_fixture(replica_); }

  test::TempDir dir_;
  Replica replica_ = Replica::open(dir_.file("reports.db"), Schema::domain());
};

// The month is the order_date's, never the record id's (every record here was created
// today); cancelled orders are counted apart; currencies are never added together; an
// order's amount is the sum of its alive lines while it has any; deleted orders do not count.
TEST_F(ReportsTest, OrdersByMonthOfOrderDate) {
  EXPECT_EQ(render(reports::orders_report(replica_, OrderGrouping::kMonth)),
            (std::vector<std::string>{
                "2030-04: 1/0 [CNY 1 10000 0 0] 1/4",
                "2030-05: 2/1 [CNY 1 8000 1 5000] [USD 1 2000 0 0] 1/4",
                "2030-06: 3/1 [CNY 2 5500 1 3000] [USD 1 2100 0 0] 0/4",
                "total : 6/2 [CNY 4 23500 2 8000] [USD 2 4100 0 0] 2/4",
            }));
}

// anna's customers' orders stay in one row however many customers she owns.
TEST_F(ReportsTest, OrdersByRepTerritoryAndTier) {
  EXPECT_EQ(render(reports::orders_report(replica_, OrderGrouping::kRep)),
            (std::vector<std::string>{
                "anna: 2/1 [CNY 2 18000 1 5000] 1/2",
                "bruno: 4/1 [CNY 2 5500 1 3000] [USD 2 4100 0 0] 1/2",
                "total : 6/2 [CNY 4 23500 2 8000] [USD 2 4100 0 0] 2/4",
            }));
  EXPECT_EQ(render(reports::orders_report(replica_, OrderGrouping::kTerritory)),
            (std::vector<std::string>{
                "north: 3/1 [CNY 3 22000 1 5000] 1/2",
                "south: 3/1 [CNY 1 1500 1 3000] [USD 2 4100 0 0] 1/2",
                "total : 6/2 [CNY 4 23500 2 8000] [USD 2 4100 0 0] 2/4",
            }));
  EXPECT_EQ(render(reports::orders_report(replica_, OrderGrouping::kTier)),
            (std::vector<std::string>{
                "potential: 4/1 [CNY 3 19500 1 5000] [USD 1 2000 0 0] 2/4",
                "regular: 1/0 [CNY 1 4000 0 0] 0/0",
                "vip: 1/1 [CNY 0 0 1 3000] [USD 1 2100 0 0] 0/0",
                "total : 6/2 [CNY 4 23500 2 8000] [USD 2 4100 0 0] 2/4",
            }));
  const auto by_status = reports::orders_report(replica_, OrderGrouping::kStatus);
  std::vector<std::string> statuses;
  for (const auto& g : by_status.groups) statuses.push_back(g.key);
  EXPECT_EQ(statuses, (std::vector<std::string>{"received", "reviewed", "scheduled", "delivered", "cancelled"}));
  EXPECT_EQ(render(by_status.groups.back()), "cancelled: 0/2 [CNY 0 0 2 8000] 0/0");
}

TEST_F(ReportsTest, ClosingRate) {
  const auto report = reports::orders_report(replica_, OrderGrouping::kRep);
  ASSERT_TRUE(report.total.closing_rate());
  EXPECT_DOUBLE_EQ(*report.total.closing_rate(), 0.5);  // Acme and Cobalt of 4; Birch's only order was cancelled
  EXPECT_FALSE(reports::orders_report(replica_, OrderGrouping::kTier).groups[1].closing_rate()) << "regular: 0/0";
}

TEST_F(ReportsTest, OrdersFromToAndSlices) {
  reports::ReportFilter may;
  may.from = "2030-05-01";
  may.to = "2030-05-31";
  EXPECT_EQ(render(reports::orders_report(replica_, OrderGrouping::kMonth, may)),
            (std::vector<std::string>{
                "2030-05: 2/1 [CNY 1 8000 1 5000] [USD 1 2000 0 0] 2/4",
                "total : 2/1 [CNY 1 8000 1 5000] [USD 1 2000 0 0] 2/4",
            }));
  reports::ReportFilter anna;
  anna.rep = "anna";
  EXPECT_EQ(render(reports::orders_report(replica_, OrderGrouping::kTerritory, anna)),
            (std::vector<std::string>{
                "north: 2/1 [CNY 2 18000 1 5000] 1/2",
                "total : 2/1 [CNY 2 18000 1 5000] 1/2",
            }));
  reports::ReportFilter south;
  south.territory = "south";
  EXPECT_EQ(render(reports::orders_report(replica_, OrderGrouping::kRep, south)),
            (std::vector<std::string>{
                "bruno: 3/1 [CNY 1 1500 1 3000] [USD 2 4100 0 0] 1/2",
                "total : 3/1 [CNY 1 1500 1 3000] [USD 2 4100 0 0] 1/2",
            }));
  reports::ReportFilter bad;
  bad.from = "2030-13-01";
  EXPECT_NE(test::expect_error(ErrorCode::kInvalidArgument,
                               [&] { reports::orders_report(replica_, OrderGrouping::kMonth, bad); })
                .find("--from"),
            std::string::npos);
  EXPECT_NE(test::expect_error(ErrorCode::kInvalidArgument, [] { reports::parse_grouping("week"); }).find("month"),
            std::string::npos);
}

// A line added or deleted changes the order's amount: the schema's derived declaration.
TEST_F(ReportsTest, AnOrderWithoutLinesKeepsItsStoredAmount) {
  const auto before = reports::orders_report(replica_, OrderGrouping::kMonth).total.currencies.at("CNY").amount;
  const auto lines = replica_.list("order_lines");
  for (const auto& line : lines) replica_.remove("order_lines", line.state.id);
  // o2 falls back to its stored 99999 instead of its lines' 8000; o5 to its stored 0.
  const auto after = reports::orders_report(replica_, OrderGrouping::kMonth).total;
  EXPECT_EQ(after.currencies.at("CNY").amount, before - 8000 + 99999);
  EXPECT_EQ(after.currencies.at("USD").amount, 2000);
}

TEST_F(ReportsTest, Tickets) {
  const auto report = reports::tickets_report(replica_);
  std::vector<std::string> by_month, totals;
  for (const auto& row : report.by_month) by_month.push_back(render(row));
  for (const auto& row : report.totals) totals.push_back(render(row));
  EXPECT_EQ(by_month, (std::vector<std::string>{
                          "2030-05 return: 1 open 0 resolved 0 closed 0 rejected 1 days 0/0/0",
                          "2030-05 complaint: 2 open 0 resolved 1 closed 1 rejected 0 days 2/14/10",
                          "2030-06 return: 1 open 1 resolved 0 closed 0 rejected 0 days 0/0/0",
                          "2030-06 exchange: 1 open 0 resolved 1 closed 0 rejected 0 days 1/1/1",
                          "2030-06 complaint: 2 open 2 resolved 0 closed 0 rejected 0 days 0/0/0",
                      }));
  EXPECT_EQ(totals, (std::vector<std::string>{
                        " return: 2 open 1 resolved 0 closed 0 rejected 1 days 0/0/0",
                        " exchange: 1 open 0 resolved 1 closed 0 rejected 0 days 1/1/1",
                        " complaint: 4 open 2 resolved 1 closed 1 rejected 0 days 2/14/10",
                    }));
  EXPECT_EQ(render(reports::TicketRow{"", "all", report.all}),
            " all: 7 open 3 resolved 2 closed 1 rejected 1 days 3/15/10");
  EXPECT_DOUBLE_EQ(*report.all.resolution.average_days(), 5.0);
  EXPECT_DOUBLE_EQ(*report.totals[2].counts.resolution.average_days(), 7.0);
  EXPECT_FALSE(report.totals[0].counts.resolution.average_days());

  reports::ReportFilter north;
  north.territory = "north";  // c1 and c2's tickets
  EXPECT_EQ(reports::tickets_report(replica_, north).all.total, 3);
}

TEST_F(ReportsTest, FollowUpsPerRep) {
  const auto report = reports::follow_ups_report(replica_, test::kReportToday);
  std::vector<std::string> reps;
  for (const auto& row : report.reps) reps.push_back(render(row));
  EXPECT_EQ(reps, (std::vector<std::string>{
                      "anna: 3 done 1 overdue 1 today 0 upcoming 1 later 0",
                      "bruno: 4 done 1 overdue 1 today 1 upcoming 0 later 1",
                  }));
  EXPECT_EQ(render(reports::FollowUpRow{"all", report.total}), "all: 7 done 2 overdue 2 today 1 upcoming 1 later 1");

  // A week later anna's upcoming one is overdue and bruno's of today too.
  const auto later = reports::follow_ups_report(replica_, "2030-06-22");
  EXPECT_EQ(render(reports::FollowUpRow{"all", later.total}), "all: 7 done 2 overdue 4 today 0 upcoming 0 later 1");

  reports::ReportFilter bruno;
  bruno.rep = "bruno";
  const auto only_bruno = reports::follow_ups_report(replica_, test::kReportToday, bruno);
  ASSERT_EQ(only_bruno.reps.size(), 1u);
  EXPECT_EQ(only_bruno.reps[0].rep, "bruno");
  test::expect_error(ErrorCode::kInvalidArgument, [&] { reports::follow_ups_report(replica_, "15.06.2030"); });
}

TEST(OrderNumbersTest, EachReplicaNumbersItsOwnSeries) {
  test::TempDir dir;
  Replica one = Replica::open(dir.file("one.db"), Schema::domain());
  Replica two = Replica::open(dir.file("two.db"), Schema::domain());
  const std::string prefix = order_number_prefix(one.replica_id());
  ASSERT_EQ(prefix.size(), 7u);
  EXPECT_EQ(prefix.back(), '-');
  for (char c : prefix.substr(0, 6)) EXPECT_TRUE(std::isdigit(c) || (c >= 'A' && c <= 'F')) << prefix;
  EXPECT_EQ(take_order_number(one), prefix + "1");
  EXPECT_EQ(take_order_number(one), prefix + "2");
  EXPECT_EQ(take_order_number(two), order_number_prefix(two.replica_id()) + "1");

  // The series survives reopening, and a failed create gives its number back.
  const std::string path = dir.file("one.db");
  one = Replica::open(path, Schema::domain());
  EXPECT_THROW(one.transaction([&] {
    FieldValues values{{"status", Value(std::string("no such stage"))}};
    add_order_number(one, "orders", values);
    one.create("orders", values);
  }),
               Error);
  FieldValues values;
  add_order_number(one, "orders", values);
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(std::get<std::string>(values[0].second), prefix + "3");
  FieldValues given{{"order_number", Value(std::string("X-9"))}};
  add_order_number(one, "orders", given);
  EXPECT_EQ(std::get<std::string>(given[0].second), "X-9");
  FieldValues customer;
  add_order_number(one, "customers", customer);
  EXPECT_TRUE(customer.empty());
}

}  // namespace
}  // namespace fieldsync
