// Tombstone collection on a real server with real replicas (DESIGN: tombstones): deleted
// records go once every replica seen within the horizon has pulled their delete; a replica
// away for longer pushes its edits, then resyncs from scratch and forgets what is gone.
#include <algorithm>
#include <set>

#include "fieldsync/client/sync_once.hpp"
#include "server_fixture.hpp"

namespace fieldsync::testing {
namespace {

constexpr std::uint64_t kDay = 24ULL * 3600 * 1000;

class TombstoneCollectionTest : public ServerTest {
 protected:
  void SetUp() override {
    clock_ = &clock_source_;  // replicas and server share it: no skew, and time can jump
    ServerTest::SetUp();
  }

  Replica phone(const std::string& name) {
    ReplicaOptions options;
    options.clock = &clock_source_;
    return Replica::open((data_dir_ / (name + ".db")).string(), Schema::domain(), options);
  }

  ClientSyncStats sync(Replica& replica, const std::string& token) {
    return client::sync_once(replica, "ws://127.0.0.1:" + std::to_string(port()) + "/sync", token);
  }

  // A replica's checkpoint reaches the server with its next request: a round of syncs
  // after the one that pulled.
  // Ana edits the phone number offline while Sue deletes the record; 40 days on, after Sue
  // has pulled past her delete, the server collects the tombstone.
  void edit_while_its_delete_is_collected(Replica& ana, Replica& sue, const RecordId& id, const char* phone) {
    ana.update("customers", id, {{"phone", Value(phone)}});
    sue.remove("customers", id);
    sync(sue, sue_token_);
    clock_source_.advance(40 * kDay);
    sync_twice(sue, sue_token_);
    ASSERT_EQ(server_->collect_tombstones().records, 1u);
  }

  void sync_twice(Replica& replica, const std::string& token) {
    sync(replica, token);
    sync(replica, token);
  }

  std::set<RecordId> ids_on_server() {
    std::set<RecordId> ids;
    auto page = server_->store().changes_since(0, 1'000'000, {}, [](const RecordState&) { return true; });
    for (const auto& state : page.states) ids.insert(state.id);
    return ids;
  }

  static std::set<RecordId> ids_on(const Replica& replica) {
    std::set<RecordId> ids;
    for (const auto& collection : replica.schema().collections()) {
      for (const auto& id : replica.record_ids(collection.name)) ids.insert(id);
    }
    return ids;
  }

  RecordId add_customer(Replica& replica, const std::string& name) {
    return replica.create("customers", {{"name", Value(name)}, {"territory", Value("north")}});
  }

  // A customer Ana made and both Ana and Sue hold.
  RecordId customer_both_hold(Replica& ana, Replica& sue, const std::string& name) {
    const RecordId id = add_customer(ana, name);
    sync(ana, ana_token_);
    sync(sue, sue_token_);
    return id;
  }

  ManualClock clock_source_;
};

TEST_F(TombstoneCollectionTest, ATombstoneStaysUntilEveryReplicaWithinTheHorizonHasPulledIt) {
  Replica ana = phone("ana");
  Replica sue = phone("sue");
  const RecordId gone = customer_both_hold(ana, sue, "Closed Down");
  sue.remove("customers", gone);
  sync(sue, sue_token_);

  // Ana has not pulled the delete: her last checkpoint is from before it.
  EXPECT_EQ(server_->collect_tombstones().records, 0u);
  ASSERT_TRUE(server_->store().get("customers", gone));

  sync_twice(ana, ana_token_);
  EXPECT_EQ(server_->collect_tombstones().records, 0u) << "Sue has not told her checkpoint since";
  sync(sue, sue_token_);
  const server::TombstoneCollection done = server_->collect_tombstones();
  EXPECT_EQ(done.records, 1u);
  EXPECT_EQ(done.replicas_waited_for, 2u);
  EXPECT_FALSE(server_->store().get("customers", gone));
  EXPECT_EQ(server_->store().collected_seq(), done.collected_seq);
  EXPECT_GT(done.collected_seq, 0u);

  // Both had pulled past it: their next syncs are ordinary ones.
  EXPECT_FALSE(sync(ana, ana_token_).resynced);
  EXPECT_FALSE(sync(sue, sue_token_).resynced);
  EXPECT_TRUE(ana.get("customers", gone)->deleted()) << "a replica keeps its own tombstone";
}

TEST_F(TombstoneCollectionTest, AReplicaAwayLongerThanTheHorizonPushesItsEditsThenResyncsFromScratch) {
  Replica ana = phone("ana");
  Replica sue = phone("sue");
  Replica tablet = phone("tablet");  // Sue's second device, left in a drawer
  const RecordId gone = add_customer(ana, "Closed Down");
  const RecordId kept = add_customer(ana, "Still Trading");
  sync(ana, ana_token_);
  sync(sue, sue_token_);
  sync(tablet, sue_token_);

  // Offline on the tablet: an edit and a new customer, never pushed.
  tablet.update("customers", kept, {{"phone", Value("+44 7")}});
  const RecordId created_offline = add_customer(tablet, "Met At The Fair");

  sue.remove("customers", gone);
  sync(sue, sue_token_);
  sync_twice(ana, ana_token_);
  clock_source_.advance(40 * kDay);  // the tablet drops out of the 30-day horizon
  sync_twice(ana, ana_token_);
  sync_twice(sue, sue_token_);
  const server::TombstoneCollection done = server_->collect_tombstones();
  ASSERT_EQ(done.records, 1u);
  EXPECT_EQ(done.replicas_waited_for, 2u) << "the tablet is not waited for";

  const ClientSyncStats stats = sync(tablet, sue_token_);
  EXPECT_TRUE(stats.resynced);
  EXPECT_EQ(stats.forgotten, 1u);
  EXPECT_EQ(stats.pushed, 2u) << "its edits went up first";
  EXPECT_EQ(tablet.outbox_size(), 0u);
  EXPECT_FALSE(tablet.get("customers", gone)) << "the delete it never saw is not resurrected";
  EXPECT_EQ(ids_on(tablet), ids_on_server());
  for (const RecordId& id : ids_on_server()) {
    EXPECT_EQ(tablet.state("customers", id), server_->store().get("customers", id)) << id.to_string();
  }
  auto on_server = server_->store().get("customers", kept);
  ASSERT_TRUE(on_server);
  EXPECT_TRUE(server_->store().get("customers", created_offline));

  // Everyone converges on the tablet's edits; the next tablet sync is an ordinary one.
  sync(ana, ana_token_);
  EXPECT_EQ(std::get<std::string>(ana.get("customers", kept)->value("phone")), "+44 7");
  EXPECT_TRUE(ana.get("customers", created_offline));
  const ClientSyncStats again = sync(tablet, sue_token_);
  EXPECT_FALSE(again.resynced);
  EXPECT_EQ(again.forgotten, 0u);
  EXPECT_EQ(tablet.integrity_check(), "ok");
}

// The price of collecting: the server no longer knows the delete an offline edit raced.
TEST_F(TombstoneCollectionTest, AnEditConcurrentWithACollectedDeleteKeepsTheRecordAlive) {
  Replica ana = phone("ana");
  Replica sue = phone("sue");
  const RecordId disputed = customer_both_hold(ana, sue, "Disputed");
  ASSERT_NO_FATAL_FAILURE(edit_while_its_delete_is_collected(ana, sue, disputed, "+44 8"));

  const ClientSyncStats stats = sync(ana, ana_token_);
  EXPECT_TRUE(stats.resynced);
  auto record = ana.get("customers", disputed);
  ASSERT_TRUE(record) << "alive beats a concurrent delete, collected or not";
  EXPECT_FALSE(record->deleted());
  EXPECT_EQ(std::get<std::string>(record->value("phone")), "+44 8");
  EXPECT_EQ(ana.state("customers", disputed), server_->store().get("customers", disputed));

  // Sue kept her tombstone: merged with Ana's edit it shows the same values, and the
  // delete against the edit as a conflict on `_deleted` for her to review (the server,
  // which forgot the delete, has none). Settling it is a write that both sides converge on.
  sync(sue, sue_token_);
  auto on_sue = sue.get("customers", disputed);
  ASSERT_TRUE(on_sue);
  EXPECT_EQ(on_sue->values, record->values);
  const auto conflicts = sue.conflicts();
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0].field, std::string(kDeletedField));
  sue.update("customers", disputed, {{"phone", Value("+44 8")}});
  sync(sue, sue_token_);
  sync(ana, ana_token_);
  EXPECT_EQ(sue.state("customers", disputed), ana.state("customers", disputed));
  EXPECT_EQ(sue.state("customers", disputed), server_->store().get("customers", disputed));
  EXPECT_TRUE(sue.conflicts().empty());
}

// An offline edit of a record another replica wrote, whose delete was collected meanwhile:
// the edit carries writes the server no longer holds (the server guards causality), so it
// is refused and stays on the phone, queued and shown as a refusal, through the resync.
TEST_F(TombstoneCollectionTest, AnEditOfAnotherReplicasRecordWhoseDeleteWasCollectedStaysOnThePhone) {
  Replica ana = phone("ana");
  Replica sue = phone("sue");
  const RecordId theirs = add_customer(sue, "Sue's Customer");
  sync(sue, sue_token_);
  sync(ana, ana_token_);
  ASSERT_NO_FATAL_FAILURE(edit_while_its_delete_is_collected(ana, sue, theirs, "+44 9"));

  const ClientSyncStats stats = sync(ana, ana_token_);
  EXPECT_TRUE(stats.resynced);
  EXPECT_EQ(stats.rejected, 1u);
  EXPECT_EQ(stats.held_back, 1u);
  EXPECT_FALSE(server_->store().get("customers", theirs));
  auto kept = ana.get("customers", theirs);
  ASSERT_TRUE(kept) << "the edit is not lost with the resync";
  EXPECT_EQ(std::get<std::string>(kept->value("phone")), "+44 9");
  EXPECT_EQ(ana.outbox_size(), 1u);
  ASSERT_EQ(ana.rejections().size(), 1u);
  EXPECT_EQ(ana.rejections()[0].code, ErrorCode::kUnverifiedHistory);
  // Every later sync tries again, once, and finishes.
  const ClientSyncStats again = sync(ana, ana_token_);
  EXPECT_EQ(again.rejected, 1u);
  EXPECT_TRUE(ana.get("customers", theirs));
}

// A resync interrupted by a crash or a lost connection left its mark in the replica's
// settings, and its checkpoint somewhere past collected_seq: the next sync starts it over.
TEST_F(TombstoneCollectionTest, AnUnfinishedResyncStartsOverAtTheNextSync) {
  Replica ana = phone("ana");
  const RecordId kept = add_customer(ana, "On The Server");
  sync(ana, ana_token_);
  // A record the server never had, merged in (not an edit: nothing to push).
  Replica elsewhere = Replica::open(":memory:", Schema::domain());
  const RecordId stray = add_customer(elsewhere, "Stray");
  ana.merge(elsewhere.changes_since(0).states);
  ana.set_setting("sync.resync", "1");

  const ClientSyncStats stats = sync(ana, ana_token_);
  EXPECT_TRUE(stats.resynced);
  EXPECT_EQ(stats.forgotten, 1u);
  EXPECT_FALSE(ana.get("customers", stray));
  EXPECT_TRUE(ana.get("customers", kept));
  EXPECT_FALSE(sync(ana, ana_token_).resynced) << "the mark is cleared with the last page";
}

}  // namespace
}  // namespace fieldsync::testing
