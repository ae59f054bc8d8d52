// A pull from 0 by a replica that holds records names them by digest (Pull.held_digests):
// the server sends only the states that differ and names the others in Batch.unchanged.
// Through the WebSocket client and the production server on loopback.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client_test_support.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "fieldsync/core/state_digest.hpp"
#include "customers_on_server.hpp"
#include "test_server.hpp"

namespace fieldsync::client {
namespace {

using test::record_count;
using test::replica_states;

constexpr std::uint32_t kPage = 40;

class HeldStatesTest : public test::CustomersOnServer<200> {
 protected:
  // `bulk`: the pull from scratch is one bulk load (its pages on the store thread).
  static SyncOptions paged(bool bulk) {
    SyncOptions options;
    options.sync.pull_batch = kPage;
    options.sync.bulk_pull_min = bulk ? 1 : 0;
    return options;
  }

  // Pulls from 0 again (as after the server's store was restored) and checks the phone
  // then holds what the server does.
  ClientSyncStats redeliver(Replica& phone, const SyncOptions& options) {
    phone.set_setting("sync.checkpoint", "0");
    const auto stats = sync_once(phone, server_.url(), token_, options);
    EXPECT_EQ(replica_states(phone), replica_states(source_));
    return stats;
  }
};

TEST_F(HeldStatesTest, ARedeliveryReceivesNoStateTheReplicaHolds) {
  for (const bool bulk : {true, false}) {
    SCOPED_TRACE(bulk ? "bulk load" : "page by page");
    const std::string file = bulk ? "bulk.db" : "paged.db";
    Replica phone = test::open_replica(dir_, file);
    ASSERT_EQ(sync_once(phone, server_.url(), token_, paged(bulk)).pulled, kCustomers);

    const auto again = redeliver(phone, paged(bulk));
    EXPECT_EQ(again.pulled, 0u);
    EXPECT_EQ(again.unchanged, kCustomers);
    EXPECT_EQ(again.checkpoint, sync_once(source_, server_.url(), token_).checkpoint);
  }
}

TEST_F(HeldStatesTest, ARedeliveryTakesFewPagesAndStaysWithinTheMessageRate) {
  // Held states fill pages of their own size (16 times the records a page may carry), so a
  // phone redelivered a million records does not send a thousand pulls in a second and get
  // cut off by the rate limit. Here: 200 held states, pages of 40 records, 3 messages a second.
  Replica phone = test::open_replica(dir_, "phone.db");
  ASSERT_EQ(sync_once(phone, server_.url(), token_, paged(true)).pulled, kCustomers);
  server_.stop();
  server_.start(0, [](server::ServerConfig& config) { config.limits.max_messages_per_second = 3; });
  const auto again = redeliver(phone, paged(true));
  EXPECT_EQ(again.pulled, 0u);
  EXPECT_EQ(again.unchanged, kCustomers);
}

TEST_F(HeldStatesTest, WithoutNamingThemEveryStateComesAgain) {
  Replica phone = test::open_replica(dir_, "phone.db");
  sync_once(phone, server_.url(), token_, paged(true));
  SyncOptions options = paged(true);
  options.sync.name_held_states = false;
  const auto again = redeliver(phone, options);
  EXPECT_EQ(again.pulled, kCustomers);
  EXPECT_EQ(again.unchanged, 0u);
}

TEST_F(HeldStatesTest, StatesThatChangedSinceComeInFull) {
  Replica phone = test::open_replica(dir_, "phone.db");
  sync_once(phone, server_.url(), token_, paged(true));
  // Edited on the server's side since: the phone's copies of these three are stale.
  for (std::size_t i = 0; i < 3; ++i) {
    source_.update("customers", ids_[i * 7], {{"phone", Value("555-01" + std::to_string(i))}});
  }
  ASSERT_EQ(sync_once(source_, server_.url(), token_).pushed, 3u);

  const auto again = redeliver(phone, paged(true));
  EXPECT_EQ(again.pulled, 3u);
  EXPECT_EQ(again.unchanged, kCustomers - 3);
}

TEST_F(HeldStatesTest, AResyncKeepsWhatIsUnchangedAndForgetsWhatTheServerDoesNotHold) {
  for (const bool bulk : {true, false}) {
    SCOPED_TRACE(bulk ? "bulk load" : "page by page");
    Replica phone = test::open_replica(dir_, bulk ? "bulk.db" : "paged.db");
    sync_once(phone, server_.url(), token_, paged(bulk));
    Replica stranger = test::open_replica(dir_, bulk ? "stranger-bulk.db" : "stranger-paged.db");
    stranger.create("customers", {{"name", Value(std::string("Nobody"))}, {"territory", Value(std::string("north"))}});
    phone.merge(std::vector<RecordState>{stranger.outbox().at(0).state});  // held, never on the server
    source_.update("customers", ids_[bulk ? 1 : 2], {{"name", Value(std::string("Renamed"))}});
    sync_once(source_, server_.url(), token_);
    phone.set_setting("sync.resync", "1");  // as after the server collected tombstones

    const auto stats = sync_once(phone, server_.url(), token_, paged(bulk));
    EXPECT_TRUE(stats.resynced);
    EXPECT_EQ(stats.forgotten, 1u);
    EXPECT_EQ(stats.pulled, 1u);  // the renamed one
    EXPECT_EQ(stats.unchanged, kCustomers - 1);
    EXPECT_EQ(record_count(phone), kCustomers);
    EXPECT_EQ(replica_states(phone), replica_states(source_));
  }
}

TEST_F(HeldStatesTest, MoreThanAFrameHoldsAreNamedOverTheFollowingPulls) {
  Replica phone = test::open_replica(dir_, "phone.db");
  sync_once(phone, server_.url(), token_, paged(true));
  // Frames of 2 KiB hold 124 digests: the 200 held states take two pulls to name.
  server_.stop();
  server_.start(0, [](server::ServerConfig& config) {
    config.limits.max_frame_bytes = 2048;
    config.limits.send_queue_bytes = config.limits.max_frame_bytes + server::send_queue_reserve_bytes(config.limits);
  });
  SyncOptions options = paged(true);
  options.sync.pull_batch = 10;  // the second pull goes out before the server reaches record 125
  const auto again = redeliver(phone, options);
  EXPECT_EQ(again.pulled, 0u);
  EXPECT_EQ(again.unchanged, kCustomers);

  // A server that takes fewer in all: the rest come in full.
  server_.stop();
  server_.start(0, [](server::ServerConfig& config) { config.limits.max_held_digests = 50; });
  const auto capped = redeliver(phone, paged(true));
  EXPECT_EQ(capped.unchanged, 50u);
  EXPECT_EQ(capped.pulled, kCustomers - 50);
}

TEST_F(HeldStatesTest, TheServerNamesOnlyStatesInTheUsersScope) {
  // A phone of a northern rep that holds every customer (a buggy or hostile one, or a
  // database handed on): naming the southern ones tells it nothing of them.
  const std::string nora = server_.add_user("nora", server::Role::kRep, {"north"});
  Replica phone = test::open_replica(dir_, "phone.db");
  std::vector<RecordState> everything;
  for (const auto& record : source_.list("customers")) everything.push_back(record.state);
  phone.merge(everything);
  ASSERT_EQ(phone.held_state_digests(10 * kCustomers).size(), kCustomers * kStateDigestBytes);

  const auto stats = sync_once(phone, server_.url(), nora, paged(false));
  EXPECT_EQ(stats.pulled, 0u);
  EXPECT_EQ(stats.unchanged, kCustomers / 2);
}

TEST_F(HeldStatesTest, RecordsScopedThroughTheirParentAreNamedOnlyInTheParentsTerritory) {
  // Contacts have no territory of their own: they are in their customer's. The server
  // compares held rows by their stored digest without decoding them, so the scope's SQL
  // alone keeps the southern customers' contacts from being confirmed to a northern rep.
  for (const auto& customer : ids_) {
    source_.create("contacts", {{"customer_id", Value(customer.to_string())}, {"name", Value(std::string("Li"))}});
  }
  ASSERT_EQ(sync_once(source_, server_.url(), token_).pushed, kCustomers);
  const std::string nora = server_.add_user("nora", server::Role::kRep, {"north"});
  Replica phone = test::open_replica(dir_, "phone.db");
  std::vector<RecordState> everything;
  for (const char* collection : {"customers", "contacts"}) {
    for (const auto& record : source_.list(collection)) everything.push_back(record.state);
  }
  phone.merge(everything);

  const auto stats = sync_once(phone, server_.url(), nora, paged(false));
  EXPECT_EQ(stats.pulled, 0u);
  EXPECT_EQ(stats.unchanged, kCustomers);  // the northern half of each collection
}

}  // namespace
}  // namespace fieldsync::client
