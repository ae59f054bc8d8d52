// `fieldsync report` through the real binary, on a replica filled with the records of
// report_fixture.hpp: the CSV and JSON outputs are parsed and every figure checked against
// the hand-computed values in that file's comments. Also: `put orders` numbers a new order.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

#include "cli_runner.hpp"
#include "fieldsync/core/csv.hpp"
#include "fieldsync/core/order_numbers.hpp"
#include "fieldsync/test/report_fixture.hpp"

namespace fieldsync::cli::test {
namespace {

class CliReports : public ::testing::Test {
 protected:
  void SetUp() override {
    Replica replica = Replica::open(box_.path("r.db"), Schema::domain());
    fieldsync::test::fill_report_fixture(replica);
  }

  CliResult fs(std::vector<std::string> args) const { return box_.run_db("r.db", std::move(args)); }

  // The CSV rows of a report, keyed by their first columns joined with '|'.
  std::map<std::string, std::map<std::string, std::string>> csv(std::vector<std::string> args,
                                                                std::size_t key_columns) const {
    args.push_back("--csv");
    const CliResult r = fs(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto rows = parse_csv(r.out);
    std::map<std::string, std::map<std::string, std::string>> out;
    if (rows.empty()) return out;
    const auto& header = rows.front().fields;
    for (std::size_t i = 1; i < rows.size(); ++i) {
      EXPECT_EQ(rows[i].fields.size(), header.size());
      std::string key;
      for (std::size_t k = 0; k < key_columns; ++k) key += (k ? "|" : "") + rows[i].fields[k];
      for (std::size_t c = 0; c < header.size() && c < rows[i].fields.size(); ++c) {
        out[key][header[c]] = rows[i].fields[c];
      }
    }
    return out;
  }

  nlohmann::json json(std::vector<std::string> args) const {
    args.push_back("--json");
    const CliResult r = fs(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }

  CliSandbox box_;
};

TEST_F(CliReports, OrdersByMonthAsCsv) {
  auto rows = csv({"report", "orders", "--by", "month"}, 2);
  ASSERT_EQ(rows.size(), 7u);  // 04 CNY, 05 CNY+USD, 06 CNY+USD, (all) CNY+USD
  EXPECT_EQ(rows["2030-04|CNY"]["amount"], "100.00");
  EXPECT_EQ(rows["2030-05|CNY"]["orders"], "1");
  EXPECT_EQ(rows["2030-05|CNY"]["amount"], "80.00");  // its lines, not its stored 999.99
  EXPECT_EQ(rows["2030-05|CNY"]["cancelled_orders"], "1");
  EXPECT_EQ(rows["2030-05|CNY"]["cancelled_amount"], "50.00");
  EXPECT_EQ(rows["2030-05|USD"]["amount"], "20.00");
  EXPECT_EQ(rows["2030-06|CNY"]["orders"], "2");
  EXPECT_EQ(rows["2030-06|CNY"]["amount"], "55.00");
  EXPECT_EQ(rows["2030-06|CNY"]["cancelled_amount"], "30.00");
  EXPECT_EQ(rows["2030-06|USD"]["amount"], "21.00");
  EXPECT_EQ(rows["2030-06|USD"]["closing_rate_percent"], "0.0");
  EXPECT_EQ(rows["2030-05|USD"]["closed_customers"], "1");
  EXPECT_EQ(rows["2030-05|USD"]["potential_customers"], "4");
  EXPECT_EQ(rows["(all)|CNY"]["amount"], "235.00");
  EXPECT_EQ(rows["(all)|CNY"]["cancelled_amount"], "80.00");
  EXPECT_EQ(rows["(all)|USD"]["amount"], "41.00");
  EXPECT_EQ(rows["(all)|USD"]["closing_rate_percent"], "50.0");
}

TEST_F(CliReports, OrdersByRepAsJson) {
  const auto report = json({"report", "orders", "--by", "rep"});
  EXPECT_EQ(report["by"], "rep");
  ASSERT_EQ(report["groups"].size(), 2u);  // anna is one rep, whatever customers she owns
  const auto& anna = report["groups"][0];
  EXPECT_EQ(anna["key"], "anna");
  EXPECT_EQ(anna["orders"], 2);
  EXPECT_EQ(anna["cancelled_orders"], 1);
  EXPECT_EQ(anna["currencies"]["CNY"]["amount"], "180.00");
  EXPECT_EQ(anna["currencies"]["CNY"]["cancelled_amount"], "50.00");
  EXPECT_FALSE(anna["currencies"].contains("USD"));
  EXPECT_DOUBLE_EQ(anna["closing_rate"].get<double>(), 0.5);
  const auto& bruno = report["groups"][1];
  EXPECT_EQ(bruno["key"], "bruno");
  EXPECT_EQ(bruno["orders"], 4);
  EXPECT_EQ(bruno["currencies"]["CNY"]["amount"], "55.00");
  EXPECT_EQ(bruno["currencies"]["USD"]["amount"], "41.00");
  EXPECT_EQ(report["total"]["currencies"]["CNY"]["amount"], "235.00");
  EXPECT_EQ(report["total"]["closed_customers"], 2);
  EXPECT_EQ(report["total"]["potential_customers"], 4);

  const auto tiers = json({"report", "orders", "--by", "tier", "--from", "2030-06-01", "--to", "2030-06-30"});
  ASSERT_EQ(tiers["groups"].size(), 3u);
  EXPECT_EQ(tiers["groups"][0]["key"], "potential");
  EXPECT_EQ(tiers["groups"][0]["currencies"]["CNY"]["amount"], "15.00");
  EXPECT_EQ(tiers["groups"][1]["key"], "regular");
  EXPECT_TRUE(tiers["groups"][1]["closing_rate"].is_null());
  EXPECT_EQ(tiers["groups"][2]["currencies"]["USD"]["amount"], "21.00");
  EXPECT_EQ(tiers["groups"][2]["cancelled_orders"], 1);
}

TEST_F(CliReports, TicketsAndFollowUps) {
  auto tickets = csv({"report", "tickets"}, 2);
  EXPECT_EQ(tickets["2030-05|complaint"]["resolved"], "1");
  EXPECT_EQ(tickets["2030-05|complaint"]["closed"], "1");
  EXPECT_EQ(tickets["2030-05|complaint"]["average_days_to_resolve"], "7.0");
  EXPECT_EQ(tickets["2030-05|complaint"]["max_days_to_resolve"], "10");
  EXPECT_EQ(tickets["(all)|return"]["rejected"], "1");
  EXPECT_EQ(tickets["(all)|return"]["open"], "1");
  EXPECT_EQ(tickets["(all)|(all)"]["total"], "7");
  EXPECT_EQ(tickets["(all)|(all)"]["average_days_to_resolve"], "5.0");
  const auto tickets_json = json({"report", "tickets"});
  EXPECT_EQ(tickets_json["all"]["days_to_resolve"]["count"], 3);
  EXPECT_EQ(tickets_json["all"]["open"], 3);

  auto follow_ups = csv({"report", "follow-ups", "--today", "2030-06-15"}, 1);
  EXPECT_EQ(follow_ups["anna"]["done"], "1");
  EXPECT_EQ(follow_ups["anna"]["overdue"], "1");
  EXPECT_EQ(follow_ups["anna"]["upcoming_7_days"], "1");
  EXPECT_EQ(follow_ups["bruno"]["due_today"], "1");
  EXPECT_EQ(follow_ups["bruno"]["later"], "1");
  EXPECT_EQ(follow_ups["(all)"]["follow_ups"], "7");
  const auto fj = json({"report", "follow-ups", "--today", "2030-06-15", "--rep", "anna"});
  ASSERT_EQ(fj["reps"].size(), 1u);
  EXPECT_EQ(fj["total"]["overdue"], 1);
}

TEST_F(CliReports, TableAndBadArguments) {
  const CliResult table = fs({"report", "orders", "--by", "territory"});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("north"), std::string::npos);
  EXPECT_NE(table.out.find("cancelled_amount"), std::string::npos);

  const CliResult by = fs({"report", "orders", "--by", "week"});
  EXPECT_EQ(by.exit_code, 1);
  EXPECT_NE(by.err.find("cannot group orders by 'week'"), std::string::npos) << by.err;
  const CliResult from = fs({"report", "orders", "--from", "2030-02-30"});
  EXPECT_EQ(from.exit_code, 1);
  EXPECT_NE(from.err.find("--from"), std::string::npos) << from.err;
  const CliResult both = fs({"report", "tickets", "--csv", "--json"});
  EXPECT_EQ(both.exit_code, 1);
}

TEST_F(CliReports, PutNumbersANewOrderInTheReplicasSeries) {
  const std::string id = box_.init("n.db");
  auto put = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "put");
    const CliResult r = box_.run_db("n.db", args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  };
  const std::string customer = put({"customers", "name=Acme", "territory=north"});
  const std::vector<std::string> order{"customer_id=" + customer, "territory=north", "order_date=2030-06-01",
                                       "status=received"};
  auto put_order = [&](std::vector<std::string> extra) {
    extra.insert(extra.begin(), "orders");
    extra.insert(extra.end(), order.begin(), order.end());
    return put(extra);
  };
  const std::string first = put_order({});
  const std::string second = put_order({});
  const std::string given = put_order({"order_number=K-7"});
  auto number = [&](const std::string& order_id) {
    const CliResult r = box_.run_db("n.db", {"get", "orders", order_id, "--json"});
    return nlohmann::json::parse(r.out)["values"]["order_number"].get<std::string>();
  };
  const std::string prefix = order_number_prefix(*Uuid::parse(id));
  EXPECT_EQ(number(first), prefix + "1");
  EXPECT_EQ(number(second), prefix + "2");
  EXPECT_EQ(number(given), "K-7");
}

}  // namespace
}  // namespace fieldsync::cli::test
