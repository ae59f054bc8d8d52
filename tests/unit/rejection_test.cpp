// Refusals kept on the phone (Replica::record_rejection, rejections) and dismissing one
// once the user has seen why (dismiss_rejection): the record returns to the server's copy,
// leaves the outbox, or disappears if the server holds none; nothing else changes.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "fieldsync/core/replica.hpp"
#include "test_support.hpp"

namespace fieldsync {
namespace {

using test::throws_error;

Value text(const std::string& s) { return Value(s); }

// The phone's side of a push: the outbox leaves (as ClientSync acknowledges an ack).
void acknowledge_all(Replica& replica) {
  std::vector<OutboxAck> acks;
  for (const auto& entry : replica.outbox()) acks.push_back({entry.state.collection, entry.state.id, entry.change});
  replica.acknowledge(acks);
}

bool queued(const Replica& replica, const RecordId& id) {
  for (const auto& entry : replica.outbox()) {
    if (entry.state.id == id) return true;
  }
  return false;
}

// A phone that synced a north customer with a stand-in server (a replica that merged it),
// and then moved it south, which the server refused: the server's copy is still north.
class RejectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    customer_ = phone_.create("customers", {{"name", text("Nordwind")}, {"territory", text("north")}});
    other_ = phone_.create("customers", {{"name", text("Other")}, {"territory", text("north")}});
    server_.merge(phone_.changes_since(0).states);
    acknowledge_all(phone_);
    phone_.update("customers", customer_, {{"territory", text("south")}, {"phone", text("555")}});
    phone_.update("customers", other_, {{"phone", text("123")}});  // a pending edit of another record
    server_copy_ = *server_.state("customers", customer_);
  }

  // What ClientSync does with such a refusal: kept with the server's copy, out of the outbox.
  void refuse(const RecordId& id, ErrorCode code, const ServerCopy& server) {
    phone_.transaction([&] {
      phone_.record_rejection("customers", id, code, "outside your scope", server);
      std::vector<OutboxAck> ack{{"customers", id, phone_.counter()}};
      if (code != ErrorCode::kUnverifiedHistory) phone_.acknowledge(ack);
    });
  }

  Replica phone_ = Replica::open(":memory:", Schema::domain());
  Replica server_ = Replica::open(":memory:", Schema::domain());
  RecordId customer_;
  RecordId other_;
  RecordState server_copy_;
};

TEST_F(RejectionTest, DismissingReturnsTheRecordToTheServersCopy) {
  refuse(customer_, ErrorCode::kForbidden, ServerCopy{true, server_copy_});
  ASSERT_EQ(phone_.rejections().size(), 1u);
  EXPECT_EQ(phone_.rejections()[0].server.state, server_copy_);
  EXPECT_EQ(phone_.get("customers", customer_)->value("territory"), text("south")) << "the refused write stays until dismissed";
  const std::uint64_t seq_before = phone_.last_seq();
  const std::uint64_t counter_before = phone_.counter();

  EXPECT_EQ(phone_.dismiss_rejection("customers", customer_), Dismissal::kReverted);

  EXPECT_TRUE(phone_.rejections().empty());
  const auto record = phone_.get("customers", customer_);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->state, server_copy_);
  EXPECT_EQ(record->value("territory"), text("north"));
  EXPECT_EQ(record->value("phone"), Value{});
  EXPECT_FALSE(record->pending);
  EXPECT_GT(record->seq, seq_before) << "a change the app and change files see";
  // The user's other record and its pending edit are untouched.
  EXPECT_TRUE(queued(phone_, other_));
  EXPECT_EQ(phone_.get("customers", other_)->value("phone"), text("123"));
  EXPECT_EQ(phone_.outbox_size(), 1u);
  // The next write takes a new dot: the dismissed one is never written again.
  phone_.update("customers", customer_, {{"phone", text("777")}});
  EXPECT_GT(phone_.counter(), counter_before);
  EXPECT_EQ(phone_.get("customers", customer_)->value("territory"), text("north"));
}

TEST_F(RejectionTest, DismissingAlsoDropsEditsMadeAfterTheRefusal) {
  refuse(customer_, ErrorCode::kForbidden, ServerCopy{true, server_copy_});
  phone_.update("customers", customer_, {{"name", text("Nordwind GmbH")}});
  ASSERT_TRUE(queued(phone_, customer_));
  EXPECT_EQ(phone_.dismiss_rejection("customers", customer_), Dismissal::kReverted);
  EXPECT_FALSE(queued(phone_, customer_));
  EXPECT_EQ(phone_.state("customers", customer_), server_copy_);
}

TEST_F(RejectionTest, ARefusedCreationDisappears) {
  const RecordId created = phone_.create("customers", {{"name", text("Sudhaus")}, {"territory", text("south")}});
  refuse(created, ErrorCode::kForbidden, ServerCopy{true, std::nullopt});
  EXPECT_EQ(phone_.dismiss_rejection("customers", created), Dismissal::kRemoved);
  EXPECT_FALSE(phone_.state("customers", created));
  EXPECT_FALSE(queued(phone_, created));
  EXPECT_TRUE(phone_.rejections().empty());
  const auto ids = phone_.record_ids("customers");
  EXPECT_EQ(std::find(ids.begin(), ids.end(), created), ids.end()) << "no tombstone is left either";
  EXPECT_TRUE(phone_.get("customers", customer_)) << "other records stay";
}

TEST_F(RejectionTest, WithoutTheServersCopyTheLocalRecordIsKept) {
  refuse(customer_, ErrorCode::kForbidden, ServerCopy{});
  const RecordState local = *phone_.state("customers", customer_);
  EXPECT_EQ(phone_.dismiss_rejection("customers", customer_), Dismissal::kKept);
  EXPECT_TRUE(phone_.rejections().empty());
  EXPECT_EQ(phone_.state("customers", customer_), local);
}

TEST_F(RejectionTest, StatesFromTheServerSinceAreFoldedIntoItsCopy) {
  refuse(customer_, ErrorCode::kForbidden, ServerCopy{true, server_copy_});
  // The office edits the record on the server; the phone pulls it (merged into its copy too).
  Replica office = Replica::open(":memory:", Schema::domain());
  office.merge(server_.changes_since(0).states);
  office.update("customers", customer_, {{"email", text("info@nordwind.example")}});
  server_.merge(office.changes_since(0).states);
  const RecordState pulled = *server_.state("customers", customer_);
  phone_.merge(std::vector<RecordState>{pulled});
  phone_.note_server_states(std::vector<RecordState>{pulled});

  EXPECT_EQ(phone_.rejections()[0].server.state, pulled);
  EXPECT_EQ(phone_.dismiss_rejection("customers", customer_), Dismissal::kReverted);
  EXPECT_EQ(phone_.state("customers", customer_), pulled) << "the phone is where the server is, not behind it";
  EXPECT_EQ(phone_.get("customers", customer_)->value("email"), text("info@nordwind.example"));
}

TEST_F(RejectionTest, ServerStatesOfRecordsWithoutACopyChangeNothing) {
  refuse(customer_, ErrorCode::kForbidden, ServerCopy{});
  phone_.note_server_states(std::vector<RecordState>{server_copy_});
  EXPECT_FALSE(phone_.rejections()[0].server.known) << "a copy not known is not made up from one state";
}

TEST_F(RejectionTest, AnUnverifiedHistoryRefusalIsNotDismissable) {
  refuse(customer_, ErrorCode::kUnverifiedHistory, ServerCopy{});
  const RecordState local = *phone_.state("customers", customer_);
  EXPECT_TRUE(throws_error([&] { phone_.dismiss_rejection("customers", customer_); }, ErrorCode::kInvalidArgument,
                           "stays queued"));
  EXPECT_EQ(phone_.rejections().size(), 1u);
  EXPECT_TRUE(queued(phone_, customer_));
  EXPECT_EQ(phone_.state("customers", customer_), local);
}

TEST_F(RejectionTest, DismissingWhatWasNotRefusedIsNotFound) {
  EXPECT_TRUE(throws_error([&] { phone_.dismiss_rejection("customers", other_); }, ErrorCode::kNotFound, "no refusal"));
  EXPECT_TRUE(throws_error([&] { phone_.dismiss_rejection("nothing", other_); }, ErrorCode::kUnknownCollection));
  EXPECT_TRUE(queued(phone_, other_));
}

TEST(RejectionStorageTest, TheServersCopyIsKeptInTheFile) {
  test::TempDir dir;
  const std::string path = dir.file("phone.db");
  RecordId id;
  RecordState copy;
  {
    Replica phone = Replica::open(path, Schema::domain());
    id = phone.create("customers", {{"name", text("Nordwind")}, {"territory", text("north")}});
    copy = *phone.state("customers", id);
    phone.update("customers", id, {{"territory", text("south")}});
    phone.record_rejection("customers", id, ErrorCode::kForbidden, "outside your scope", ServerCopy{true, copy});
  }
  Replica phone = Replica::open(path, Schema::domain());
  ASSERT_EQ(phone.rejections().size(), 1u);
  EXPECT_TRUE(phone.rejections()[0].server.known);
  EXPECT_EQ(phone.rejections()[0].server.state, copy);
  EXPECT_EQ(phone.dismiss_rejection("customers", id), Dismissal::kReverted);
  EXPECT_EQ(phone.state("customers", id), copy);
}

}  // namespace
}  // namespace fieldsync
