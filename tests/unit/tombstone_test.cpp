// Tombstone collection and forgetting records (DESIGN: Change log and sync, tombstones):
// what goes, and everything that must stay.
#include <gtest/gtest.h>

#include <algorithm>

#include "fieldsync/core/replica.hpp"
#include "test_support.hpp"

namespace fieldsync {
namespace {

Replica memory_replica() { return Replica::open(":memory:", Schema::domain()); }

RecordId add_customer(Replica& replica, const std::string& name) {
  return replica.create("customers", {{"name", Value(name)}, {"territory", Value("north")}});
}

// Takes every state `from` holds, as the server takes pushes (a server never has an outbox).
void send(const Replica& from, Replica& to) { to.merge(from.changes_since(0).states); }

void acknowledge_all(Replica& replica) {
  std::vector<OutboxAck> acks;
  for (const auto& entry : replica.outbox()) acks.push_back({entry.state.collection, entry.state.id, entry.change});
  replica.acknowledge(acks);
}

TEST(TombstoneTest, CollectsDeletedRecordsUpToTheSequenceOnly) {
  Replica phone = memory_replica();
  const RecordId first = add_customer(phone, "First");
  const RecordId second = add_customer(phone, "Second");
  const RecordId alive = add_customer(phone, "Alive");
  phone.remove("customers", first);
  Replica server = memory_replica();
  send(phone, server);
  const std::uint64_t first_deleted = server.get("customers", first)->seq;
  phone.remove("customers", second);
  send(phone, server);
  const std::uint64_t second_deleted = server.get("customers", second)->seq;
  ASSERT_LT(first_deleted, second_deleted);

  const CollectedTombstones once = server.collect_tombstones(first_deleted);
  EXPECT_EQ(once.records, 1u);
  EXPECT_EQ(once.max_seq, first_deleted);
  EXPECT_FALSE(server.get("customers", first));
  ASSERT_TRUE(server.get("customers", second));
  EXPECT_TRUE(server.get("customers", second)->deleted());

  const CollectedTombstones twice = server.collect_tombstones(server.last_seq());
  EXPECT_EQ(twice.records, 1u);
  EXPECT_EQ(twice.max_seq, second_deleted);
  EXPECT_FALSE(server.get("customers", second));
  ASSERT_TRUE(server.get("customers", alive));
  EXPECT_FALSE(server.get("customers", alive)->deleted());
  EXPECT_EQ(server.collect_tombstones(server.last_seq()).records, 0u);
  EXPECT_EQ(server.integrity_check(), "ok");
}

TEST(TombstoneTest, ADeleteWaitingInTheOutboxIsNotCollected) {
  Replica phone = memory_replica();
  const RecordId id = add_customer(phone, "Gone Soon");
  phone.remove("customers", id);
  EXPECT_EQ(phone.collect_tombstones(phone.last_seq()).records, 0u);
  ASSERT_TRUE(phone.get("customers", id));

  acknowledge_all(phone);
  EXPECT_EQ(phone.collect_tombstones(phone.last_seq()).records, 1u);
  EXPECT_FALSE(phone.get("customers", id));
}

TEST(TombstoneTest, ARecordEditedConcurrentlyWithItsDeleteIsNoTombstone) {
  Replica ana = memory_replica();
  const RecordId id = add_customer(ana, "Disputed");
  Replica bob = memory_replica();
  send(ana, bob);
  ana.remove("customers", id);
  bob.update("customers", id, {{"phone", Value("+44 2")}});  // offline, never saw the delete

  Replica server = memory_replica();
  send(ana, server);
  send(bob, server);
  ASSERT_FALSE(server.get("customers", id)->deleted()) << "alive beats a concurrent delete";
  EXPECT_EQ(server.collect_tombstones(server.last_seq()).records, 0u);
  EXPECT_TRUE(server.get("customers", id));
}

TEST(TombstoneTest, ForgetKeepsRecordsWithAPendingEditOrARefusalOnShow) {
  Replica phone = memory_replica();
  const RecordId plain = add_customer(phone, "Plain");
  const RecordId refused = add_customer(phone, "Refused");
  const RecordId edited = add_customer(phone, "Edited");
  acknowledge_all(phone);
  phone.record_rejection("customers", refused, ErrorCode::kForbidden, "not your territory");
  phone.update("customers", edited, {{"phone", Value("+44 3")}});

  const std::vector<RecordId> all{plain, refused, edited};
  EXPECT_EQ(phone.forget("customers", all), 1u);
  EXPECT_FALSE(phone.get("customers", plain));
  EXPECT_TRUE(phone.get("customers", refused));
  EXPECT_TRUE(phone.get("customers", edited));
  EXPECT_EQ(phone.outbox_size(), 1u) << "forgetting queues nothing";
  EXPECT_EQ(phone.forget("customers", all), 0u);
}

TEST(TombstoneTest, RecordIdsListsEveryRecordDeletedOnesIncludedInIdOrder) {
  Replica phone = memory_replica();
  const RecordId a = add_customer(phone, "A");
  const RecordId b = add_customer(phone, "B");
  phone.remove("customers", a);
  std::vector<RecordId> expected{a, b};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(phone.record_ids("customers"), expected);
  EXPECT_TRUE(phone.record_ids("orders").empty());
  EXPECT_TRUE(test::throws_error([&] { phone.record_ids("nope"); }, ErrorCode::kUnknownCollection));
}

// The price of collecting: a state of a collected record that arrives later is a new
// record. The server only collects what every replica it waits for has pulled, and the
// others resync, so this is a replica's edit concurrent with the delete: alive wins anyway.
TEST(TombstoneTest, AStateArrivingAfterItsTombstoneWasCollectedIsMergedAsNew) {
  Replica ana = memory_replica();
  const RecordId id = add_customer(ana, "Back Again");
  Replica late = memory_replica();
  send(ana, late);
  late.update("customers", id, {{"phone", Value("+44 4")}});
  ana.remove("customers", id);
  Replica server = memory_replica();
  send(ana, server);
  ASSERT_EQ(server.collect_tombstones(server.last_seq()).records, 1u);

  send(late, server);
  auto record = server.get("customers", id);
  ASSERT_TRUE(record);
  EXPECT_FALSE(record->deleted());
  EXPECT_EQ(std::get<std::string>(record->value("phone")), "+44 4");
}

}  // namespace
}  // namespace fieldsync
