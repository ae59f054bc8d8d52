// A first sync as one bulk load (ClientSyncOptions::bulk_pull_min), through the WebSocket
// client and the production server on loopback: what it stores, what a second connection
// reads while it loads, and what an interrupted load leaves.

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "client_test_support.hpp"
#include "fieldsync/core/sqlite.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "customers_on_server.hpp"
#include "test_server.hpp"

namespace fieldsync::client {
namespace {

using test::record_count;
using test::replica_states;

constexpr std::uint32_t kPage = 50;

class FirstSyncTest : public test::CustomersOnServer<400> {
 protected:
  static SyncOptions bulk_options(std::uint64_t bulk_min = 1) {
    SyncOptions options;
    options.sync.pull_batch = kPage;  // the pull takes several pages
    options.sync.bulk_pull_min = bulk_min;
    return options;
  }
};

TEST_F(FirstSyncTest, IsOneLoadThatAReaderSeesOnlyWhenItEnds) {
  Replica phone = test::open_replica(dir_, "phone.db");
  Replica reader = test::open_replica(dir_, "phone.db");  // the app's UI connection
  std::size_t reads_during_load = 0;
  SyncOptions options = bulk_options();
  options.on_progress = [&](const ClientSync& sync) {
    if (sync.stats().pulled == 0 || sync.stats().pulled >= kCustomers) return;
    // Mid-load, while the load's own thread stores pages: the reader sees the last commit.
    EXPECT_EQ(record_count(reader), 0u);
    EXPECT_EQ(reader.setting("sync.checkpoint"), std::nullopt);
    ++reads_during_load;
  };
  const auto stats = sync_once(phone, server_.url(), token_, options);
  EXPECT_TRUE(stats.bulk_loaded);
  EXPECT_EQ(stats.pulled, kCustomers);
  EXPECT_GE(reads_during_load, kCustomers / kPage - 1);
  EXPECT_FALSE(phone.bulk_load_active());
  EXPECT_EQ(record_count(reader), kCustomers);
  EXPECT_EQ(replica_states(reader), replica_states(source_));
  EXPECT_EQ(phone.integrity_check(), "ok");

  // The same as a sync that commits page by page, and nothing left to pull.
  Replica paged = test::open_replica(dir_, "paged.db");
  const auto paged_stats = sync_once(paged, server_.url(), token_, bulk_options(0));
  EXPECT_FALSE(paged_stats.bulk_loaded);
  EXPECT_EQ(replica_states(paged), replica_states(phone));
  const auto again = sync_once(phone, server_.url(), token_, bulk_options());
  EXPECT_EQ(again.pulled, 0u);
  EXPECT_FALSE(again.bulk_loaded);
}

TEST_F(FirstSyncTest, PagesStoredOnTheConnectionsThreadAreInTheLoadingConnectionUntilTheEnd) {
  Replica phone = test::open_replica(dir_, "phone.db");
  Replica reader = test::open_replica(dir_, "phone.db");
  std::size_t reads_during_load = 0;
  SyncOptions options = bulk_options();
  options.sync.bulk_store_thread = false;  // so that the loading connection may be read here
  options.on_progress = [&](const ClientSync& sync) {
    if (sync.stats().pulled == 0 || sync.stats().pulled >= kCustomers) return;
    EXPECT_TRUE(phone.bulk_load_active());
    EXPECT_EQ(record_count(phone), sync.stats().pulled);
    EXPECT_EQ(record_count(reader), 0u);
    ++reads_during_load;
  };
  const auto stats = sync_once(phone, server_.url(), token_, options);
  EXPECT_TRUE(stats.bulk_loaded);
  EXPECT_GE(reads_during_load, kCustomers / kPage - 1);
  EXPECT_EQ(replica_states(reader), replica_states(source_));
}

TEST_F(FirstSyncTest, AResyncOfAHeldReplicaIsOneLoadThatForgetsWhatTheServerDoesNotHold) {
  Replica phone = test::open_replica(dir_, "phone.db");
  sync_once(phone, server_.url(), token_, bulk_options());
  // A record the server never had, held as pulled (not in the outbox): a resync drops it.
  Replica stranger = test::open_replica(dir_, "stranger.db");
  stranger.create("customers", {{"name", Value(std::string("Nobody"))}, {"territory", Value(std::string("north"))}});
  phone.merge(std::vector<RecordState>{stranger.outbox().at(0).state});
  ASSERT_EQ(record_count(phone), kCustomers + 1);
  phone.set_setting("sync.resync", "1");  // as after the server collected tombstones

  SyncOptions options = bulk_options();
  options.sync.bulk_store_thread = false;  // so that the tally may be read between pages
  // Held states fill pages 16 times the records a page may carry: pages of 10 records, so
  // that the 400 held ones still take several.
  options.sync.pull_batch = 10;
  std::size_t tallied_mid_load = 0;
  options.on_progress = [&](const ClientSync& sync) {
    // Every record comes back unchanged (Batch.unchanged): tallied by its digest.
    const std::size_t brought = sync.stats().pulled + sync.stats().unchanged;
    if (brought == 0 || brought >= kCustomers) return;
    sqlite::Statement count(phone.database().handle(), "SELECT count(*) FROM temp.fs_pull_tally");
    count.step();
    EXPECT_EQ(static_cast<std::size_t>(count.column_int(0)), brought) << "tallied on disk as it goes";
    ++tallied_mid_load;
  };
  const auto stats = sync_once(phone, server_.url(), token_, options);
  EXPECT_TRUE(stats.resynced);
  EXPECT_TRUE(stats.bulk_loaded);
  EXPECT_EQ(stats.forgotten, 1u);
  EXPECT_GT(tallied_mid_load, 0u);
  EXPECT_EQ(replica_states(phone), replica_states(source_));

  // The same with the pages stored on the load's own thread.
  Replica other = test::open_replica(dir_, "other.db");
  sync_once(other, server_.url(), token_, bulk_options());
  other.merge(std::vector<RecordState>{stranger.outbox().at(0).state});
  other.set_setting("sync.resync", "1");
  const auto threaded = sync_once(other, server_.url(), token_, bulk_options());
  EXPECT_TRUE(threaded.resynced);
  EXPECT_EQ(threaded.forgotten, 1u);
  EXPECT_EQ(replica_states(other), replica_states(source_));
}

TEST_F(FirstSyncTest, BelowTheThresholdPagesCommitOneByOne) {
  Replica phone = test::open_replica(dir_, "phone.db");
  const auto stats = sync_once(phone, server_.url(), token_, bulk_options(kCustomers + 1));
  EXPECT_FALSE(stats.bulk_loaded);
  EXPECT_EQ(replica_states(phone), replica_states(source_));
}

TEST_F(FirstSyncTest, AnInterruptedLoadLeavesNothingAndTheNextSyncCompletesIt) {
  {
    Replica phone = test::open_replica(dir_, "phone.db");
    SyncOptions options = bulk_options();
    // The connection is lost half-way: the server goes down (gracefully, as on SIGTERM).
    options.on_progress = [&](const ClientSync& sync) {
      if (sync.stats().pulled >= kCustomers / 2 && server_.running()) server_.stop();
    };
    EXPECT_THROW(sync_once(phone, server_.url(), token_, options), Error);
    EXPECT_FALSE(server_.running());
    EXPECT_FALSE(phone.bulk_load_active());
    EXPECT_EQ(record_count(phone), 0u);
  }
  server_.start();
  Replica phone = test::open_replica(dir_, "phone.db");
  EXPECT_EQ(phone.integrity_check(), "ok");
  EXPECT_EQ(record_count(phone), 0u);
  EXPECT_EQ(phone.setting("sync.checkpoint"), std::nullopt);
  EXPECT_EQ(phone.last_seq(), 0u);

  const auto stats = sync_once(phone, server_.url(), token_, bulk_options());
  EXPECT_TRUE(stats.bulk_loaded);
  EXPECT_EQ(stats.pulled, kCustomers);
  EXPECT_EQ(phone.last_seq(), kCustomers) << "no record stored twice";
  EXPECT_EQ(replica_states(phone), replica_states(source_));
}

}  // namespace
}  // namespace fieldsync::client
