// export-changes, merge-changes, conflicts, resolve and dump between replicas.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

#include "cli_runner.hpp"
#include "fieldsync/record.pb.h"

namespace fieldsync::cli::test {
namespace {

using ::testing::HasSubstr;

class CliSyncFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    a_id_ = box_.init("a.db");
    b_id_ = box_.init("b.db");
  }

  CliResult ok(const std::string& db, std::vector<std::string> args) const {
    CliResult r = box_.run_db(db, std::move(args));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  }

  std::string put(const std::string& db, std::vector<std::string> args) const {
    args.insert(args.begin(), "put");
    std::string out = ok(db, args).out;
    return out.substr(0, out.find('\n'));
  }

  // Sends every change of `from` to `to`, as a file.
  CliResult send(const std::string& from, const std::string& to) const {
    const std::string file = box_.path(from + "-to-" + to + ".fsc");
    ok(from, {"export-changes", "--out", file});
    return ok(to, {"merge-changes", file});
  }

  std::string dump(const std::string& db) const { return ok(db, {"dump"}).out; }

  nlohmann::json conflicts(const std::string& db) const {
    return nlohmann::json::parse(ok(db, {"conflicts", "--json"}).out);
  }

  CliSandbox box_;
  std::string a_id_;
  std::string b_id_;
};

TEST_F(CliSyncFiles, ConcurrentEditsConvergeAndTheConflictIsSettledEverywhere) {
  const std::string id = put("a.db", {"customers", "name=Gruber", "territory=south", "phone=1"});
  put("b.db", {"customers", "name=Only on B", "territory=north"});
  send("a.db", "b.db");
  // Offline on both: the same field (a conflict) and different fields (both kept).
  put("a.db", {"customers", id, "phone=111", "email=a@example.com"});
  put("b.db", {"customers", id, "phone=222", "address=Marktplatz 1"});
  CliResult merged = send("a.db", "b.db");
  EXPECT_THAT(merged.out, HasSubstr("conflicts opened 1"));
  send("b.db", "a.db");

  const std::string a_dump = dump("a.db");
  EXPECT_EQ(a_dump, dump("b.db"));
  auto records = nlohmann::json::parse(a_dump);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(a_dump.find("pending"), std::string::npos);

  for (const char* db : {"a.db", "b.db"}) {
    auto open = conflicts(db);
    ASSERT_EQ(open.size(), 1u) << db;
    EXPECT_EQ(open[0]["id"], id);
    EXPECT_EQ(open[0]["field"], "phone");
    ASSERT_EQ(open[0]["siblings"].size(), 2u);
    std::set<std::string> authors{open[0]["siblings"][0]["replica"], open[0]["siblings"][1]["replica"]};
    EXPECT_EQ(authors, (std::set<std::string>{a_id_, b_id_}));
    auto record = nlohmann::json::parse(ok(db, {"get", "customers", id, "--json"}).out);
    EXPECT_EQ(record["values"]["email"], "a@example.com");
    EXPECT_EQ(record["values"]["address"], "Marktplatz 1");
    EXPECT_EQ(record["conflicts"], nlohmann::json::array({"phone"}));
  }
  CliResult readable = ok("a.db", {"conflicts"});
  EXPECT_THAT(readable.out, HasSubstr("\"111\""));
  EXPECT_THAT(readable.out, HasSubstr("\"222\""));
  EXPECT_THAT(readable.out, HasSubstr("by device " + b_id_.substr(0, 8))) << "no directory without a server: devices";

  CliResult resolved = ok("b.db", {"resolve", "customers", id, "phone", "111"});
  EXPECT_THAT(resolved.out, HasSubstr("replaces 2"));
  send("b.db", "a.db");
  EXPECT_EQ(conflicts("a.db").size(), 0u);
  EXPECT_EQ(conflicts("b.db").size(), 0u);
  EXPECT_EQ(ok("a.db", {"get", "customers", id, "--field", "phone"}).out, "111\n");
  EXPECT_EQ(dump("a.db"), dump("b.db"));
}

TEST_F(CliSyncFiles, ADeleteRacingAnEditStaysAliveUntilASupervisorConfirmsTheDelete) {
  const std::string id = put("a.db", {"customers", "name=Gruber", "territory=south"});
  send("a.db", "b.db");
  ok("a.db", {"delete", "customers", id});
  put("b.db", {"customers", id, "phone=123"});
  send("a.db", "b.db");
  send("b.db", "a.db");
  for (const char* db : {"a.db", "b.db"}) {
    auto open = conflicts(db);
    ASSERT_EQ(open.size(), 1u) << db;
    EXPECT_EQ(open[0]["field"], "_deleted");
    EXPECT_EQ(open[0]["shown"], false);  // the offline edit keeps the record alive
  }
  ok("a.db", {"resolve", "customers", id, "_deleted", "true"});
  send("a.db", "b.db");
  EXPECT_EQ(conflicts("b.db").size(), 0u);
  EXPECT_EQ(nlohmann::json::parse(ok("b.db", {"list", "customers", "--json"}).out).size(), 0u);
  EXPECT_EQ(dump("a.db"), dump("b.db"));
}

TEST_F(CliSyncFiles, ResolveRefusesAFieldWithoutAConflict) {
  const std::string id = put("a.db", {"customers", "name=Gruber", "territory=south"});
  CliResult r = box_.run_db("a.db", {"resolve", "customers", id, "name", "Other"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("no open conflict"));
}

TEST_F(CliSyncFiles, TheCheckpointExportsOnlyLaterChanges) {
  put("a.db", {"customers", "name=One", "territory=south"});
  auto first = nlohmann::json::parse(ok("a.db", {"export-changes", "--out", box_.path("1.fsc"), "--json"}).out);
  EXPECT_EQ(first["records"], 1);
  const std::string since = std::to_string(first["to_seq"].get<std::uint64_t>());
  auto none = nlohmann::json::parse(ok("a.db", {"export-changes", "--out", box_.path("2.fsc"), "--since", since, "--json"}).out);
  EXPECT_EQ(none["records"], 0);
  put("a.db", {"customers", "name=Two", "territory=south"});
  auto one = nlohmann::json::parse(ok("a.db", {"export-changes", "--out", box_.path("3.fsc"), "--since", since, "--json"}).out);
  EXPECT_EQ(one["records"], 1);
}

TEST_F(CliSyncFiles, MergingTheSameFileTwiceChangesNothing) {
  put("a.db", {"customers", "name=One", "territory=south"});
  send("a.db", "b.db");
  const std::string before = dump("b.db");
  CliResult again = ok("b.db", {"merge-changes", box_.path("a.db-to-b.db.fsc"), "--json"});
  EXPECT_EQ(nlohmann::json::parse(again.out)["unchanged"], 1);
  EXPECT_EQ(dump("b.db"), before);
}

TEST_F(CliSyncFiles, BadChangeFilesGiveAClearErrorAndChangeNothing) {
  for (int i = 0; i < 5; ++i) put("a.db", {"customers", "name=Customer " + std::to_string(i), "territory=south"});
  ok("a.db", {"export-changes", "--out", box_.path("good.fsc")});
  const std::string good = box_.read_file("good.fsc");
  ASSERT_GT(good.size(), 100u);
  box_.write_file("truncated.fsc", good.substr(0, good.size() - 7));
  std::string flipped = good;
  flipped[flipped.size() / 2] = static_cast<char>(0xFF);
  flipped[flipped.size() / 2 + 1] = static_cast<char>(0xFF);
  box_.write_file("flipped.fsc", flipped);
  box_.write_file("empty.fsc", "");
  box_.write_file("text.fsc", "id,name\n1,2\n");
  const std::string before = dump("b.db");

  const std::vector<std::pair<std::string, std::string>> cases = {
      {"truncated.fsc", "corrupt or truncated"},
      {"empty.fsc", "not a change file"},
      {"text.fsc", "change file"},
      {"missing.fsc", "cannot open"},
  };
  for (const auto& [file, message] : cases) {
    CliResult r = box_.run_db("b.db", {"merge-changes", box_.path(file)});
    EXPECT_EQ(r.exit_code, 1) << file;
    EXPECT_THAT(r.err, HasSubstr("error: ")) << file;
    EXPECT_THAT(r.err, HasSubstr(message)) << file << ": " << r.err;
  }
  // A flipped byte may or may not still parse; whatever happens, never a crash. A file that
  // parses but holds a record spoilt by it merges the rest and names the one it rejected.
  CliResult r = box_.run_db("b.db", {"merge-changes", box_.path("flipped.fsc")});
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.exit_code << r.err;
  if (r.exit_code == 1 && r.out.find("rejected record #") == std::string::npos) {
    EXPECT_EQ(dump("b.db"), before) << r.out << r.err;
  }
}

TEST_F(CliSyncFiles, AnUnknownFormatVersionIsRefused) {
  put("a.db", {"customers", "name=One", "territory=south"});
  ok("a.db", {"export-changes", "--out", box_.path("good.fsc")});
  proto::ChangeFile file;
  ASSERT_TRUE(file.ParseFromString(box_.read_file("good.fsc")));
  EXPECT_EQ(file.format_version(), 1u);
  file.set_format_version(2);
  box_.write_file("v2.fsc", file.SerializeAsString());
  CliResult r = box_.run_db("b.db", {"merge-changes", box_.path("v2.fsc")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("format_version 2"));
  EXPECT_EQ(nlohmann::json::parse(dump("b.db")).size(), 0u);
}

TEST_F(CliSyncFiles, BadRecordsAreRejectedWithAReasonAndTheRestMerged) {
  put("a.db", {"customers", "name=One", "territory=south"});
  put("a.db", {"customers", "name=Two", "territory=south"});
  ok("a.db", {"export-changes", "--out", box_.path("good.fsc")});
  proto::ChangeFile file;
  ASSERT_TRUE(file.ParseFromString(box_.read_file("good.fsc")));
  ASSERT_EQ(file.records_size(), 2);
  // Records travel as serialised RecordStates: edit them through the message.
  auto edit_record = [&](int index, auto&& change) {
    proto::RecordState record;
    ASSERT_TRUE(record.ParseFromString(file.records(index)));
    change(record);
    *file.mutable_records(index) = record.SerializeAsString();
  };
  edit_record(0, [](proto::RecordState& r) { r.set_collection("invoices"); });  // unknown collection
  *file.add_records() = file.records(1);
  edit_record(2, [](proto::RecordState& r) { r.set_id("short"); });  // does not decode
  box_.write_file("mixed.fsc", file.SerializeAsString());

  CliResult r = box_.run_db("b.db", {"merge-changes", box_.path("mixed.fsc")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("inserted 1"));
  EXPECT_THAT(r.out, HasSubstr("rejected record #0"));
  EXPECT_THAT(r.out, HasSubstr("invoices"));
  EXPECT_THAT(r.out, HasSubstr("rejected record #2"));
  EXPECT_THAT(r.err, HasSubstr("2 of 3 records were rejected"));
  EXPECT_EQ(nlohmann::json::parse(dump("b.db")).size(), 1u);
}

TEST_F(CliSyncFiles, DumpIsSortedAndHoldsDeletedRecords) {
  const std::string id = put("a.db", {"customers", "name=Gone", "territory=south"});
  put("a.db", {"orders", "order_number=A-1", "customer_id=" + id, "territory=south", "amount=10"});
  put("a.db", {"contacts", "customer_id=" + id, "name=Eva"});
  ok("a.db", {"delete", "customers", id});
  auto records = nlohmann::json::parse(dump("a.db"));
  ASSERT_EQ(records.size(), 3u);
  // Schema order (customers, contacts, orders), not alphabetical.
  EXPECT_EQ(records[0]["collection"], "customers");
  EXPECT_EQ(records[0]["values"]["_deleted"], true);
  EXPECT_EQ(records[1]["collection"], "contacts");
  EXPECT_EQ(records[2]["collection"], "orders");
  EXPECT_EQ(records[2]["values"]["amount"], "10.00");
  EXPECT_FALSE(records[0].contains("pending"));
}

}  // namespace
}  // namespace fieldsync::cli::test
