// import and export through the real binary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

#include "cli_runner.hpp"
#include "fieldsync/core/csv.hpp"

namespace fieldsync::cli::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CliCsv : public ::testing::Test {
 protected:
  void SetUp() override { box_.init("a.db"); }

  CliResult fs(std::vector<std::string> args) const { return box_.run_db("a.db", std::move(args)); }

  std::size_t count(const std::string& collection) const {
    CliResult r = fs({"list", collection, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out).size();
  }

  CliSandbox box_;
};

TEST_F(CliCsv, ImportThenExportGivesTheSameValuesBack) {
  const std::string input =
      "id,name,tier,phone,address,territory\r\n"
      "0190a6f2-0001-7000-8000-00000000c001,Hoffmann Bäckerei,vip,+49 40 1201,\"Elbchaussee 12, Hamburg\",north\r\n"
      "0190a6f2-0002-7000-8000-00000000c002,\"Marzipan \"\"Haus am Markt\"\"\",,,\"Breite Straße 89\nLübeck\",north\r\n"
      "0190a6f2-0003-7000-8000-00000000c003,Alpenblick Hotel,potential,+49 8821 100,Zugspitzstraße 4,south\r\n";
  box_.write_file("in.csv", input);
  CliResult imported = fs({"import", "customers", box_.path("in.csv")});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_THAT(imported.out, HasSubstr("3 created"));
  // Not a terminal: no progress bar noise in logs.
  EXPECT_EQ(imported.err, "");

  CliResult exported = fs({"export", "customers", "--csv"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  auto rows = parse_csv(exported.out);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"id", "name", "tier", "industry", "phone", "email", "address",
                                                      "territory", "owner"}));
  std::map<std::string, std::vector<std::string>> by_id;
  for (std::size_t i = 1; i < rows.size(); ++i) by_id[rows[i].fields[0]] = rows[i].fields;
  const auto& marzipan = by_id.at("0190a6f2-0002-7000-8000-00000000c002");
  EXPECT_EQ(marzipan[1], "Marzipan \"Haus am Markt\"");
  EXPECT_EQ(marzipan[2], "potential") << "an empty cell on a new record takes the schema's default";
  EXPECT_EQ(marzipan[4], "") << "and a field without a default stays empty";
  EXPECT_EQ(marzipan[6], "Breite Straße 89\nLübeck");
  EXPECT_EQ(by_id.at("0190a6f2-0001-7000-8000-00000000c001")[6], "Elbchaussee 12, Hamburg");
  EXPECT_EQ(by_id.at("0190a6f2-0003-7000-8000-00000000c003")[7], "south");
}

TEST_F(CliCsv, ABadLineIsReportedAndNothingIsWritten) {
  // The record on line 2 spans two lines, so the bad row starts on line 4.
  box_.write_file("bad.csv",
                  "name,territory,tier\n"
                  "\"Two\nLines\",north,vip\n"
                  "Gruber,south,gold\n"
                  "Good,south,regular\n");
  CliResult r = fs({"import", "customers", box_.path("bad.csv")});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("line 4: field 'tier': 'gold'"));
  EXPECT_THAT(r.err, HasSubstr("nothing was imported"));
  EXPECT_EQ(count("customers"), 0u);
}

TEST_F(CliCsv, EveryBadRowIsReportedNotOnlyTheFirst) {
  box_.write_file("bad.csv",
                  "name,territory\n"
                  "Fine,north\n"
                  "NoTerritory,\n"
                  "TooMany,south,extra\n");
  CliResult r = fs({"import", "customers", box_.path("bad.csv")});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("line 3: field 'territory' is required"));
  EXPECT_THAT(r.err, HasSubstr("line 4: expected 2 values, found 3"));
  EXPECT_THAT(r.err, HasSubstr("2 bad rows"));
  EXPECT_EQ(count("customers"), 0u);
}

TEST_F(CliCsv, MalformedQuotingIsReportedWithItsLine) {
  box_.write_file("bad.csv", "name,territory\nFine,north\n\"Open,north\n");
  CliResult r = fs({"import", "customers", box_.path("bad.csv")});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("line 3: a quoted field is not closed"));
  EXPECT_EQ(count("customers"), 0u);
}

TEST_F(CliCsv, AnUnknownColumnIsNamed) {
  box_.write_file("bad.csv", "name,territry\nX,north\n");
  CliResult r = fs({"import", "customers", box_.path("bad.csv")});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("line 1:"));
  EXPECT_THAT(r.err, HasSubstr("'territry'"));
}

TEST_F(CliCsv, RowsWithAKnownIdUpdateOnlyTheirColumns) {
  box_.write_file("first.csv", "id,name,territory,phone\n0190a6f2-0001-7000-8000-00000000c001,Gruber,south,111\n");
  ASSERT_EQ(fs({"import", "customers", box_.path("first.csv")}).exit_code, 0);
  box_.write_file("second.csv", "id,phone\n0190a6f2-0001-7000-8000-00000000c001,222\n");
  CliResult r = fs({"import", "customers", box_.path("second.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("0 created, 1 updated"));
  auto record = nlohmann::json::parse(fs({"get", "customers", "0190a6f2-0001-7000-8000-00000000c001", "--json"}).out);
  EXPECT_EQ(record["values"]["phone"], "222");
  EXPECT_EQ(record["values"]["name"], "Gruber");
}

TEST_F(CliCsv, ACreateWithoutARequiredColumnIsRefused) {
  box_.write_file("bad.csv", "name\nNo territory column\n");
  CliResult r = fs({"import", "customers", box_.path("bad.csv")});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("line 2: field 'territory' is required"));
}

TEST_F(CliCsv, ImportsMoreRowsThanOneBatch) {
  std::string csv = "name,territory\n";
  for (int i = 0; i < 2500; ++i) csv += "Customer " + std::to_string(i) + (i % 2 ? ",north\n" : ",south\n");
  box_.write_file("many.csv", csv);
  CliResult r = fs({"import", "customers", box_.path("many.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count("customers"), 2500u);
}

TEST_F(CliCsv, ExportLeavesDeletedRecordsOut) {
  box_.write_file("in.csv", "id,name,territory\n0190a6f2-0001-7000-8000-00000000c001,Gone,north\n"
                            "0190a6f2-0001-7000-8000-00000000c002,Kept,north\n");
  ASSERT_EQ(fs({"import", "customers", box_.path("in.csv")}).exit_code, 0);
  ASSERT_EQ(fs({"delete", "customers", "0190a6f2-0001-7000-8000-00000000c001"}).exit_code, 0);
  CliResult r = fs({"export", "customers", "--csv"});
  EXPECT_THAT(r.out, HasSubstr("Kept"));
  EXPECT_THAT(r.out, Not(HasSubstr("Gone")));
}

}  // namespace
}  // namespace fieldsync::cli::test
