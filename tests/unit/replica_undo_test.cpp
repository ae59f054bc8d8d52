// Replica::undo_last_move: a status move taken back while it has not left the phone.

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "test_support.hpp"

namespace fieldsync {
namespace {

using test::throws_error;

constexpr std::uint64_t kT = 1'700'000'000'000;

std::string shown(const Replica& r, std::string_view collection, const RecordId& id, std::string_view field) {
  const auto record = r.get(collection, id);
  const Value& v = record->value(field);
  return is_null(v) ? std::string("<null>") : std::get<std::string>(v);
}

std::vector<std::pair<std::string, std::uint64_t>> outbox_of(const Replica& r) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (const auto& e : r.outbox()) out.emplace_back(e.state.id.to_string(), e.change);
  return out;
}

// A rep's phone holding orders the office sent (nothing pending), as after a sync.
class ReplicaUndoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Replica office = Replica::open(dir_.file("office.db"), Schema::domain(), ReplicaOptions{.clock = &clock_});
    const RecordId customer = office.create("customers", {{"name", std::string("Aurora")}, {"territory", std::string("north")}});
    for (const char* number : {"N-1", "N-2"}) {
      orders_.push_back(office.create("orders", {{"order_number", std::string(number)},
                                                 {"customer_id", customer.to_string()},
                                                 {"territory", std::string("north")}}));
      office.update("orders", orders_.back(), {{"status", std::string("reviewed")}});
    }
    phone_.merge(office.changes_since(0).states);
    phone_.set_setting(kSignedInRoleSetting, "rep");
    phone_.set_setting(kSignedInUserSetting, "rita");
  }

  test::TempDir dir_;
  ManualClock clock_{kT};
  Replica phone_ = Replica::open(dir_.file("phone.db"), Schema::domain(), ReplicaOptions{.clock = &clock_});
  std::vector<RecordId> orders_;
};

TEST_F(ReplicaUndoTest, UndoAfterAMoveRestoresTheRowAndTheOutbox) {
  const RecordId order = orders_[0];
  const auto before = phone_.state("orders", order);
  EXPECT_FALSE(phone_.can_undo_move("orders", order));  // nothing moved here yet
  EXPECT_TRUE(throws_error([&] { phone_.undo_last_move("orders", order); }, ErrorCode::kNotFound));

  phone_.update("orders", order, {{"status", std::string("scheduled")}});
  EXPECT_EQ(shown(phone_, "orders", order, "status"), "scheduled");
  EXPECT_EQ(phone_.outbox_size(), 1u);
  EXPECT_TRUE(phone_.can_undo_move("orders", order));

  const std::uint64_t seq = phone_.last_seq();
  phone_.undo_last_move("orders", order);
  EXPECT_EQ(shown(phone_, "orders", order, "status"), "reviewed");
  EXPECT_EQ(encode_state(*phone_.state("orders", order)), encode_state(*before));  // as it was, byte for byte
  EXPECT_EQ(phone_.outbox_size(), 0u);  // nothing was pending before the move
  EXPECT_FALSE(phone_.get("orders", order)->pending);
  EXPECT_GT(phone_.get("orders", order)->seq, seq);  // a change the views notice
  EXPECT_FALSE(phone_.can_undo_move("orders", order));  // one move back, not two

  // The next move takes a fresh dot: the undone one is never reused.
  phone_.update("orders", order, {{"status", std::string("scheduled")}});
  EXPECT_EQ(phone_.outbox().front().change, phone_.counter());
}

TEST_F(ReplicaUndoTest, UndoKeepsAnEditPendingBeforeTheMove) {
  const RecordId order = orders_[0];
  phone_.update("orders", order, {{"notes", std::string("call before 10")}});
  const auto pending = outbox_of(phone_);
  ASSERT_EQ(pending.size(), 1u);
  phone_.update("orders", order, {{"status", std::string("scheduled")}});
  phone_.undo_last_move("orders", order);
  EXPECT_EQ(outbox_of(phone_), pending);  // the earlier edit still waits, under its own change
  EXPECT_EQ(shown(phone_, "orders", order, "notes"), "call before 10");
  EXPECT_EQ(shown(phone_, "orders", order, "status"), "reviewed");
}

TEST_F(ReplicaUndoTest, UndoAfterTheMoveWasAcknowledgedIsRefused) {
  const RecordId order = orders_[0];
  phone_.update("orders", order, {{"status", std::string("scheduled")}});
  std::vector<OutboxAck> acks;
  for (const auto& e : phone_.outbox()) acks.push_back({e.state.collection, e.state.id, e.change});
  phone_.acknowledge(acks);
  EXPECT_FALSE(phone_.can_undo_move("orders", order));
  try {
    phone_.undo_last_move("orders", order);
    ADD_FAILURE() << "an acknowledged move was undone";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_NE(std::string(e.what()).find("sent"), std::string::npos) << e.what();
  }
  EXPECT_EQ(shown(phone_, "orders", order, "status"), "scheduled");
}

TEST_F(ReplicaUndoTest, AMoveReadForAPushCanNoLongerBeUndone) {
  const RecordId order = orders_[0];
  phone_.update("orders", order, {{"status", std::string("scheduled")}});
  // What the sync sends, read before its ack comes: the move may be on the server already.
  ASSERT_EQ(phone_.outbox_for_push().size(), 1u);
  EXPECT_FALSE(phone_.can_undo_move("orders", order));
  EXPECT_TRUE(throws_error([&] { phone_.undo_last_move("orders", order); }, ErrorCode::kNotFound));
  EXPECT_EQ(phone_.outbox_size(), 1u);
}

TEST_F(ReplicaUndoTest, AnEditAfterTheMoveSupersedesItsUndo) {
  const RecordId order = orders_[0];
  phone_.update("orders", order, {{"status", std::string("scheduled")}});
  phone_.update("orders", order, {{"notes", std::string("gate code 4711")}});
  EXPECT_FALSE(phone_.can_undo_move("orders", order));
  EXPECT_TRUE(throws_error([&] { phone_.undo_last_move("orders", order); }, ErrorCode::kNotFound));
  EXPECT_EQ(shown(phone_, "orders", order, "notes"), "gate code 4711");
  // An edit that moves nothing is no move to undo.
  EXPECT_FALSE(phone_.can_undo_move("orders", orders_[1]));
}

TEST_F(ReplicaUndoTest, UndoLeavesOtherRecordsAlone) {
  const RecordId first = orders_[0];
  const RecordId second = orders_[1];
  phone_.update("orders", first, {{"status", std::string("scheduled")}});
  phone_.update("orders", second, {{"status", std::string("scheduled")}});
  const auto second_state = encode_state(*phone_.state("orders", second));
  const std::uint64_t second_change = phone_.counter();

  phone_.undo_last_move("orders", first);
  EXPECT_EQ(shown(phone_, "orders", first, "status"), "reviewed");
  EXPECT_EQ(shown(phone_, "orders", second, "status"), "scheduled");
  EXPECT_EQ(encode_state(*phone_.state("orders", second)), second_state);
  EXPECT_EQ(outbox_of(phone_), (std::vector<std::pair<std::string, std::uint64_t>>{{second.to_string(), second_change}}));
  EXPECT_TRUE(phone_.can_undo_move("orders", second));
  phone_.undo_last_move("orders", second);
  EXPECT_EQ(phone_.outbox_size(), 0u);
}

}  // namespace
}  // namespace fieldsync
