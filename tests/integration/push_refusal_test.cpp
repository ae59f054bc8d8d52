// Bad records through the real client path: an app whose schema is ahead of the server's
// (a new collection, a new field, a field whose type changed, an enum value the server
// does not know) pushes them mixed with valid records. The server refuses each bad record
// in the ack with a code and a reason; the valid ones of the same pushes are accepted and
// nothing accepted is lost.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fieldsync/client/sync_once.hpp"
#include "fieldsync/domain_schema_text.hpp"
#include "server_fixture.hpp"
#include "system_support.hpp"

namespace fieldsync::testing {
namespace {

// Replaces the one occurrence of `what` in `text`; fails the test if it is not there once.
void replace_once(std::string& text, const std::string& what, const std::string& with) {
  const auto at = text.find(what);
  ASSERT_NE(at, std::string::npos) << "the domain schema no longer has: " << what;
  ASSERT_EQ(text.find(what, at + 1), std::string::npos) << "more than one: " << what;
  text.replace(at, what.size(), with);
}

// The domain schema as a newer app might have it.
Schema newer_app_schema() {
  std::string text(domain_schema_text());
  // visits.mood: a field the server does not know.
  replace_once(text, R"(fields { name: "next_follow_up" type: DATE indexed: true })",
               R"(fields { name: "next_follow_up" type: DATE indexed: true }
                  fields { name: "mood" type: TEXT max_length: 20 })");
  // tickets.description: text on the server, an integer here.
  replace_once(text, R"(fields { name: "description" type: TEXT max_length: 4000 })",
               R"(fields { name: "description" type: INTEGER })");
  // customers.tier: one more enum value.
  replace_once(text, R"(values: ["vip", "potential", "regular"])", R"(values: ["vip", "potential", "regular", "gold"])");
  // invoices: a collection the server does not know.
  text += R"(
collections {
  name: "invoices"
  territory_field: "territory"
  fields { name: "number" type: TEXT required: true }
  fields { name: "territory" type: TEXT required: true }
})";
  return Schema::from_text(text);
}

struct Expected {
  std::string collection;
  RecordId id;
  ErrorCode code;
  std::string reason_mentions;
};

TEST_F(ServerTest, BadRecordsInAPushAreRefusedOneByOneAndTheValidOnesAreKept) {
  const Schema newer = newer_app_schema();
  ScratchDir dir;
  Replica app = Replica::open(dir.file("newer-app.db"), newer);

  // Valid and bad records interleaved, so that a refusal pinned on the wrong index shows.
  std::vector<RecordId> valid;
  std::vector<Expected> bad;
  auto north = [](const std::string& name) -> FieldValues {
    return {{"name", Value(name)}, {"territory", Value(std::string("north"))}};
  };
  const RecordId acme = app.create("customers", north("Acme"));
  valid.push_back(acme);
  bad.push_back({"invoices", app.create("invoices", {{"number", Value(std::string("INV-1"))},
                                                     {"territory", Value(std::string("north"))}}),
                 ErrorCode::kUnknownCollection, "invoices"});
  valid.push_back(app.create("orders", {{"order_number", Value(std::string("SO-1"))},
                                        {"customer_id", Value(acme.to_string())},
                                        {"territory", Value(std::string("north"))},
                                        {"amount", Value(std::int64_t{12345})}}));
  bad.push_back({"visits", app.create("visits", {{"customer_id", Value(acme.to_string())},
                                                 {"mood", Value(std::string("sunny"))}}),
                 ErrorCode::kUnknownField, "mood"});
  valid.push_back(app.create("visits", {{"customer_id", Value(acme.to_string())},
                                        {"summary", Value(std::string("went well"))}}));
  bad.push_back({"tickets", app.create("tickets", {{"customer_id", Value(acme.to_string())},
                                                   {"kind", Value(std::string("complaint"))},
                                                   {"description", Value(std::int64_t{42})}}),
                 ErrorCode::kInvalidValue, "description"});
  valid.push_back(app.create("contacts", {{"customer_id", Value(acme.to_string())},
                                          {"name", Value(std::string("Jo"))}}));
  auto gold = north("Goldie");
  gold.emplace_back("tier", Value(std::string("gold")));
  bad.push_back({"customers", app.create("customers", gold), ErrorCode::kInvalidValue, "tier"});
  valid.push_back(app.create("customers", north("Zenith")));

  client::SyncOptions options;
  options.sync.push_batch = 3;  // refusals land in several pushes: indexes are per push
  const auto stats = client::sync_once(app, "ws://127.0.0.1:" + std::to_string(port()) + "/sync", sue_token_, options);
  EXPECT_EQ(stats.rejected, bad.size());
  EXPECT_EQ(app.outbox_size(), 0u) << "refused records leave the outbox (kept as refusals)";

  // Each refusal came back for the right record, with its code and a reason naming it.
  const auto refusals = app.rejections();
  ASSERT_EQ(refusals.size(), bad.size());
  for (const auto& expected : bad) {
    SCOPED_TRACE(expected.collection + " " + expected.id.to_string());
    auto it = std::find_if(refusals.begin(), refusals.end(), [&](const PushRejection& r) {
      return r.collection == expected.collection && r.id == expected.id;
    });
    ASSERT_NE(it, refusals.end()) << "no refusal for this record";
    EXPECT_EQ(error_code_name(it->code), error_code_name(expected.code)) << it->reason;
    EXPECT_NE(it->reason.find(expected.reason_mentions), std::string::npos) << it->reason;
    EXPECT_FALSE(server_->store().get(expected.collection, expected.id)) << "a refused record was stored";
    auto history = server_->store().history(expected.collection, expected.id);
    if (expected.code != ErrorCode::kUnknownCollection) {
      ASSERT_FALSE(history.empty()) << "the refusal is not in the audit log";
      EXPECT_EQ(history.back().action, "refused");
    }
  }

  // Every valid record is on the server exactly as the app holds it, and a fresh replica
  // of the server's own schema gets them and nothing else.
  for (const auto& id : valid) {
    bool found = false;
    for (const auto& collection : {"customers", "orders", "visits", "contacts"}) {
      auto mine = app.get(collection, id);
      if (!mine) continue;
      found = true;
      auto stored = server_->store().get(collection, id);
      ASSERT_TRUE(stored) << collection << " " << id.to_string() << " was lost";
      EXPECT_EQ(encode_state(*stored), encode_state(mine->state));
      EXPECT_FALSE(mine->pending);
    }
    EXPECT_TRUE(found);
  }
  Replica fresh = Replica::open(dir.file("fresh.db"), Schema::domain());
  client::sync_once(fresh, "ws://127.0.0.1:" + std::to_string(port()) + "/sync", sue_token_);
  const std::vector<std::string> shared = {"customers", "orders", "visits", "contacts", "tickets"};
  const StateDump received = dump_replica(fresh, shared);
  EXPECT_EQ(received.size(), valid.size());
  StateDump app_valid = dump_replica(app, shared);
  for (const auto& expected : bad) app_valid.erase({expected.collection, expected.id.to_string()});
  EXPECT_EQ(first_difference(app_valid, received), "");

  // A second sync sends nothing again and changes nothing.
  const auto again = client::sync_once(app, "ws://127.0.0.1:" + std::to_string(port()) + "/sync", sue_token_);
  EXPECT_EQ(again.pushed, 0u);
  EXPECT_EQ(again.rejected, 0u);
}

}  // namespace
}  // namespace fieldsync::testing
