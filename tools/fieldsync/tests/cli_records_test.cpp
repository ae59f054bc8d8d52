// put, get, list, delete and the global error handling, through the real binary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <regex>

#include "cli_runner.hpp"

namespace fieldsync::cli::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

class CliRecords : public ::testing::Test {
 protected:
  void SetUp() override { replica_id_ = box_.init("a.db"); }

  CliResult fs(std::vector<std::string> args) const { return box_.run_db("a.db", std::move(args)); }

  std::string put(std::vector<std::string> args) const {
    args.insert(args.begin(), "put");
    CliResult r = fs(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return trimmed(r.out);
  }

  nlohmann::json json(std::vector<std::string> args) const {
    args.push_back("--json");
    CliResult r = fs(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }

  CliSandbox box_;
  std::string replica_id_;
};

const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

TEST_F(CliRecords, InitPrintsTheSameReplicaIdEveryTime) {
  EXPECT_TRUE(std::regex_match(replica_id_, kUuid)) << replica_id_;
  EXPECT_EQ(box_.init("a.db"), replica_id_);
  EXPECT_NE(box_.init("b.db"), replica_id_);
}

TEST_F(CliRecords, PutThenGetRoundTripsEveryType) {
  const std::string customer = put({"customers", "name=Hoffmann Bäckerei", "territory=north", "tier=vip"});
  ASSERT_TRUE(std::regex_match(customer, kUuid)) << customer;
  const std::string order = put({"orders", "order_number=A-1001", "customer_id=" + customer, "status=received",
                                 "amount=1234.5", "due_date=2026-03-31", "territory=north", "notes=a, \"quoted\" note"});

  auto record = json({"get", "orders", order});
  EXPECT_EQ(record["id"], order);
  EXPECT_EQ(record["values"]["order_number"], "A-1001");
  EXPECT_EQ(record["values"]["customer_id"], customer);
  EXPECT_EQ(record["values"]["amount"], "1234.50");
  EXPECT_EQ(record["values"]["due_date"], "2026-03-31");
  EXPECT_EQ(record["values"]["notes"], "a, \"quoted\" note");
  EXPECT_EQ(record["values"]["currency"], "CNY") << "the schema's default, filled in on create";
  EXPECT_EQ(record["pending"], true);
  EXPECT_EQ(record["deleted"], false);
  EXPECT_EQ(record["version_vector"][replica_id_], 2);
  ASSERT_EQ(record["siblings"]["status"].size(), 1u);
  EXPECT_EQ(record["siblings"]["status"][0]["replica"], replica_id_);
  EXPECT_EQ(record["siblings"]["status"][0]["counter"], 2);

  CliResult text = fs({"get", "customers", customer});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("Hoffmann Bäckerei"));
  EXPECT_THAT(text.out, HasSubstr("pending sync: yes"));
}

TEST_F(CliRecords, PutWithAnIdUpdatesOnlyTheGivenFieldsAndEmptyMeansNull) {
  const std::string id = put({"customers", "name=Café Isartal", "territory=south", "email=cafe@example.com"});
  EXPECT_EQ(put({"customers", id, "phone=+49 89 7788", "email="}), id);

  auto record = json({"get", "customers", id});
  EXPECT_EQ(record["values"]["name"], "Café Isartal");
  EXPECT_EQ(record["values"]["phone"], "+49 89 7788");
  EXPECT_EQ(record["values"]["email"], nullptr);

  CliResult field = fs({"get", "customers", id, "--field", "phone"});
  EXPECT_EQ(field.out, "+49 89 7788\n");
}

TEST_F(CliRecords, PutWithAnUnknownIdCreatesTheRecordUnderThatId) {
  const std::string id = "0190a6f2-0001-7000-8000-00000000beef";
  EXPECT_EQ(put({"customers", id, "name=Given Id", "territory=north"}), id);
  EXPECT_EQ(json({"get", "customers", id})["values"]["name"], "Given Id");
}

TEST_F(CliRecords, AnInvalidValueNamesTheFieldAndWritesNothing) {
  CliResult r = fs({"put", "customers", "name=X", "territory=north", "tier=gold"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, StartsWith("error: "));
  EXPECT_THAT(r.err, HasSubstr("'tier'"));
  EXPECT_THAT(r.err, HasSubstr("vip, potential, regular"));
  EXPECT_EQ(json({"list", "customers"}).size(), 0u);
}

TEST_F(CliRecords, AnUnknownFieldIsNamed) {
  CliResult r = fs({"put", "customers", "name=X", "territory=north", "phon=123"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("no field 'phon'"));
  EXPECT_EQ(json({"list", "customers"}).size(), 0u);
}

TEST_F(CliRecords, AMissingRequiredFieldIsNamed) {
  CliResult r = fs({"put", "customers", "name=X"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("'territory'"));
}

TEST_F(CliRecords, BadArgumentsAreErrorsNotCrashes) {
  const std::string id = put({"customers", "name=X", "territory=north"});
  const std::vector<std::vector<std::string>> bad = {
      {"get", "customers", "not-a-uuid"},
      {"get", "customers", "00000000-0000-0000-0000-000000000000"},
      {"get", "customerz", id},
      {"get", "customers", "0190a6f2-0001-7000-8000-000000000404"},
      {"put", "orders", "amount=12.345"},
      {"put", "customers", id, "=x"},
      {"put", "customers", id, "_deleted=true"},
      {"put", "customers", id, "name=A", "name=B"},
      {"list", "customers", "--order-by", "nope"},
      {"list", "customers", "--where", "tier"},
      {"list", "customers", "--limit", "-1"},
      {"delete", "customers", "0190a6f2-0001-7000-8000-000000000404"},
      {"export-changes", "--out", box_.path("x.fsc"), "--since", "-1"},
  };
  for (const auto& args : bad) {
    CliResult r = fs(args);
    EXPECT_EQ(r.exit_code, 1) << args.front() << ' ' << args.back() << ": " << r.err;
    EXPECT_THAT(r.err, StartsWith("error: ")) << args.back();
  }
}

TEST_F(CliRecords, UsageErrorsExitWithTwo) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"init"}, {"--db", box_.path("a.db")}, {"--db", box_.path("a.db"), "bogus"},
           {"--db", box_.path("a.db"), "get", "customers"}, {"--db", box_.path("a.db"), "list", "customers", "--limit", "x"}}) {
    CliResult r = box_.run(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, StartsWith("error: "));
  }
}

TEST_F(CliRecords, CommandsOtherThanInitNeverCreateAReplica) {
  CliResult r = box_.run_db("typo.db", {"list", "customers"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("no replica at"));
  EXPECT_FALSE(std::filesystem::exists(box_.path("typo.db")));
}

TEST_F(CliRecords, ListFiltersSortsAndLimits) {
  put({"customers", "name=Bravo", "territory=south", "tier=vip", "industry=retail"});
  put({"customers", "name=Alpha", "territory=south", "tier=vip", "industry=retail"});
  put({"customers", "name=Charlie", "territory=south"});
  put({"customers", "name=Delta", "territory=north", "tier=vip", "industry=retail"});

  auto names = [](const nlohmann::json& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r["values"]["name"]);
    return out;
  };
  EXPECT_EQ(names(json({"list", "customers", "--where", "territory=south", "--where", "tier=vip", "--order-by", "name"})),
            (std::vector<std::string>{"Alpha", "Bravo"}));
  EXPECT_EQ(names(json({"list", "customers", "--order-by", "name", "--desc", "--limit", "2"})),
            (std::vector<std::string>{"Delta", "Charlie"}));
  EXPECT_EQ(names(json({"list", "customers", "--where", "industry="})), (std::vector<std::string>{"Charlie"}));
  EXPECT_EQ(names(json({"list", "customers", "--where", "tier=potential"})), (std::vector<std::string>{"Charlie"}))
      << "a customer created without a tier gets the schema's default";

  CliResult table = fs({"list", "customers", "--where", "territory=north"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("Delta"));
  EXPECT_THAT(table.out, ::testing::Not(HasSubstr("Alpha")));
  EXPECT_THAT(table.out, HasSubstr("(1 record)"));
}

TEST_F(CliRecords, DeletedRecordsLeaveTheListButNotTheDatabase) {
  const std::string id = put({"customers", "name=Gone", "territory=north"});
  CliResult r = fs({"delete", "customers", id});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json({"list", "customers"}).size(), 0u);
  auto all = json({"list", "customers", "--include-deleted"});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["deleted"], true);
  CliResult edit = fs({"put", "customers", id, "name=Back"});
  EXPECT_EQ(edit.exit_code, 1);
  EXPECT_THAT(edit.err, HasSubstr("was deleted"));
}

TEST_F(CliRecords, SchemaListsCollectionsAndFieldTypes) {
  CliResult r = fs({"schema"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("customers"));
  EXPECT_THAT(r.out, HasSubstr("amount"));
  EXPECT_THAT(r.out, HasSubstr("money"));
  auto schema = json({"schema"});
  EXPECT_EQ(schema["collections"][0]["name"], "customers");
}

}  // namespace
}  // namespace fieldsync::cli::test
