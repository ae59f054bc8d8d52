// Live syncs against the production server (fieldsync::server::Server) on loopback:
// edits travel without being asked for, and a lost server is reconnected to.

#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "client_test_support.hpp"
#include "fieldsync/client/live_sync.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "test_server.hpp"

namespace fieldsync::client {
namespace {

using std::chrono::milliseconds;
using test::record_count;
using test::replica_states;

constexpr auto kDeadline = std::chrono::seconds(15);

FieldValues customer(const std::string& name) {
  return {{"name", Value(name)}, {"territory", Value(std::string("north"))}};
}

// Runs a LiveSync on its own thread (which then owns the replica) and lets the test wait
// for a condition on its status and replica, evaluated on that thread.
class LiveRunner {
 public:
  using Condition = std::function<bool(const LiveStatus&, const Replica&)>;

  LiveRunner(Replica& replica, const std::string& url, const std::string& token, LiveOptions options = {})
      : replica_(&replica) {
    options.on_status = [this](const LiveStatus& status) {
      std::lock_guard lock(mutex_);
      last_ = status;
      seen_.push_back(status);
      check();
    };
    live_.emplace(replica, url, token, std::move(options));
    thread_ = std::thread([this] {
      try {
        live_->run();
      } catch (const Error& e) {
        std::lock_guard lock(mutex_);
        error_ = e;
      }
      std::lock_guard lock(mutex_);
      finished_ = true;
      changed_.notify_all();
    });
  }
  ~LiveRunner() { stop(); }

  void stop() {
    if (!thread_.joinable()) return;
    live_->stop();
    thread_.join();
  }

  // Waits until `condition` holds (checked now and after every status), at most `timeout`.
  bool wait(Condition condition, std::chrono::milliseconds timeout = kDeadline) {
    std::unique_lock lock(mutex_);
    condition_ = std::move(condition);
    met_ = false;
    lock.unlock();
    live_->with_replica([this](Replica&) {
      std::lock_guard inner(mutex_);
      check();
    });
    lock.lock();
    changed_.wait_for(lock, timeout, [&] { return met_ || finished_; });
    condition_ = nullptr;
    return met_;
  }

  // The first status reported that satisfies `matches` (a quick retry may have replaced it
  // as the last one before the test thread looks).
  std::optional<LiveStatus> first_seen(const std::function<bool(const LiveStatus&)>& matches) {
    std::lock_guard lock(mutex_);
    for (const auto& status : seen_) {
      if (matches(status)) return status;
    }
    return std::nullopt;
  }

  bool wait_finished(std::chrono::milliseconds timeout = kDeadline) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return finished_; });
  }

  LiveSync& live() { return *live_; }
  std::optional<Error> error() {
    std::lock_guard lock(mutex_);
    return error_;
  }
  LiveStatus last() {
    std::lock_guard lock(mutex_);
    return last_;
  }

 private:
  void check() {  // with mutex_ held, on the sync thread
    if (condition_ && !met_ && condition_(last_, *replica_)) {
      met_ = true;
      changed_.notify_all();
    }
  }

  Replica* replica_;
  std::optional<LiveSync> live_;
  std::mutex mutex_;
  std::condition_variable changed_;
  LiveStatus last_;
  std::vector<LiveStatus> seen_;  // every status reported, in order
  Condition condition_;
  bool met_ = false;
  bool finished_ = false;
  std::optional<Error> error_;
  std::thread thread_;
};

bool caught_up(const LiveStatus& status, const Replica&) { return status.connected && status.caught_up; }

LiveOptions quick_retries() {
  LiveOptions options;
  options.backoff = BackoffOptions{milliseconds(20), milliseconds(200), 2.0, 0.5};
  return options;
}

class LiveSyncTest : public test::ServerFixture {};

// A customer handed to another territory while both reps are connected: without
// reconnecting, the rep who lost it drops it with its visit and the rep who gained it gets
// both; then both are live again.
TEST_F(LiveSyncTest, ItsStatusCallbackMayReadTheReplicaDuringABulkLoad) {
  constexpr std::size_t kRecords = 400;
  Replica office = test::open_replica(dir_, "office.db");
  office.transaction([&] {
    for (std::size_t i = 0; i < kRecords; ++i) office.create("customers", customer("Customer " + std::to_string(i)));
  });
  sync_once(office, server_.url(), token_);

  Replica phone = test::open_replica(dir_, "phone.db");
  LiveOptions options = quick_retries();
  options.sync.sync.bulk_pull_min = 1;  // the first sync is one bulk load, its pages stored on their own thread
  options.sync.sync.pull_batch = 50;
  std::size_t checked_mid_load = 0;
  std::size_t mismatches = 0;
  LiveRunner live(phone, server_.url(), token_, options);
  ASSERT_TRUE(live.wait([&](const LiveStatus& status, const Replica& r) {
    const std::size_t pulled = status.stats.pulled;
    if (pulled > 0 && pulled < kRecords) {
      // Every page handed to the store thread is stored before the callback runs.
      ++checked_mid_load;
      if (test::record_count(r) != pulled) ++mismatches;
    }
    return caught_up(status, r) && test::record_count(r) == kRecords;
  }));
  EXPECT_TRUE(live.last().stats.bulk_loaded);
  EXPECT_GT(checked_mid_load, 0u);
  EXPECT_EQ(mismatches, 0u);
}

TEST_F(LiveSyncTest, ATerritoryMoveReachesConnectedRepsAtOnce) {
  const std::string ana_token = server_.add_user("ana", server::Role::kRep, {"north"});
  const std::string bob_token = server_.add_user("bob", server::Role::kRep, {"east"});
  Replica office = test::open_replica(dir_, "office.db");
  const RecordId moved = office.create("customers", customer("Hotel Aurora"));
  const RecordId visit = office.create(
      "visits", {{"customer_id", Value(moved.to_string())}, {"summary", Value(std::string("Wants a quote"))}});
  sync_once(office, server_.url(), token_);

  Replica ana = test::open_replica(dir_, "ana.db");
  Replica bob = test::open_replica(dir_, "bob.db");
  LiveRunner live_ana(ana, server_.url(), ana_token, quick_retries());
  LiveRunner live_bob(bob, server_.url(), bob_token, quick_retries());
  ASSERT_TRUE(live_ana.wait([&](const LiveStatus& status, const Replica& r) {
    return caught_up(status, r) && r.get("visits", visit).has_value();
  }));
  ASSERT_TRUE(live_bob.wait(caught_up));

  office.update("customers", moved, {{"territory", Value(std::string("east"))}});
  sync_once(office, server_.url(), token_);

  auto gone = [&](const LiveStatus& status, const Replica& r) {
    return caught_up(status, r) && !r.get("customers", moved) && !r.get("visits", visit);
  };
  ASSERT_TRUE(live_ana.wait(gone)) << "Ana still holds the customer she lost";
  ASSERT_TRUE(live_bob.wait([&](const LiveStatus& status, const Replica& r) {
    return caught_up(status, r) && r.get("visits", visit).has_value();
  })) << "Bob never got the visit of the customer he gained";

  // Still live on the same connection: the next edit arrives without asking.
  office.update("customers", moved, {{"phone", Value(std::string("+49 30 1"))}});
  sync_once(office, server_.url(), token_);
  ASSERT_TRUE(live_bob.wait([&](const LiveStatus&, const Replica& r) {
    auto record = r.get("customers", moved);
    return record && record->value("phone") == Value(std::string("+49 30 1"));
  }));
  EXPECT_TRUE(live_ana.wait([](const LiveStatus& status, const Replica&) { return status.connections == 1; }));
  EXPECT_TRUE(live_bob.wait([](const LiveStatus& status, const Replica&) { return status.connections == 1; }));
}

TEST_F(LiveSyncTest, AnEditOnOneReplicaReachesTheOtherWithoutAsking) {
  Replica a = test::open_replica(dir_, "a.db");
  Replica b = test::open_replica(dir_, "b.db");
  LiveRunner live_a(a, server_.url(), token_);
  LiveRunner live_b(b, server_.url(), token_);
  ASSERT_TRUE(live_a.wait(caught_up));
  ASSERT_TRUE(live_b.wait(caught_up));

  auto id = live_a.live().with_replica([](Replica& r) { return r.create("customers", customer("Acme")); }).get();
  ASSERT_TRUE(live_b.wait([&](const LiveStatus&, const Replica& r) { return r.get("customers", id).has_value(); }))
      << "B never received A's edit";

  // An update goes the same way, and both end byte-identical.
  live_a.live().with_replica([&](Replica& r) { r.update("customers", id, {{"tier", Value(std::string("vip"))}}); }).get();
  ASSERT_TRUE(live_b.wait([&](const LiveStatus&, const Replica& r) {
    auto record = r.get("customers", id);
    return record && record->value("tier") == Value(std::string("vip"));
  }));
  ASSERT_TRUE(live_a.wait([](const LiveStatus&, const Replica& r) { return r.outbox_size() == 0; }));
  live_a.stop();
  live_b.stop();
  EXPECT_FALSE(live_a.error());
  EXPECT_FALSE(live_b.error());
  EXPECT_EQ(replica_states(a), replica_states(b));
}

TEST_F(LiveSyncTest, AnEditThroughTheAppsOwnConnectionGoesWhenNotified) {
  // The app's UI thread and the sync thread each hold a connection to the same file.
  Replica a_sync = test::open_replica(dir_, "a.db");
  Replica a_ui = test::open_replica(dir_, "a.db");
  Replica b = test::open_replica(dir_, "b.db");
  LiveRunner live_a(a_sync, server_.url(), token_);
  LiveRunner live_b(b, server_.url(), token_);
  ASSERT_TRUE(live_a.wait(caught_up));
  ASSERT_TRUE(live_b.wait(caught_up));

  auto id = a_ui.create("customers", customer("Entered in the app"));
  live_a.live().notify_local_change();
  ASSERT_TRUE(live_b.wait([&](const LiveStatus&, const Replica& r) { return r.get("customers", id).has_value(); }))
      << "the notified edit never reached B";
  ASSERT_TRUE(live_a.wait([](const LiveStatus&, const Replica& r) { return r.outbox_size() == 0; }));
}

TEST_F(LiveSyncTest, EditsMadeBeforeConnectingArePushedOnConnect) {
  Replica a = test::open_replica(dir_, "a.db");
  Replica b = test::open_replica(dir_, "b.db");
  a.create("customers", customer("Offline edit"));
  LiveRunner live_b(b, server_.url(), token_);
  ASSERT_TRUE(live_b.wait(caught_up));
  {
    LiveRunner live_a(a, server_.url(), token_);
    ASSERT_TRUE(live_a.wait([](const LiveStatus& s, const Replica& r) { return s.caught_up && r.outbox_size() == 0; }));
  }
  ASSERT_TRUE(live_b.wait([](const LiveStatus&, const Replica& r) { return record_count(r) == 1; }));
}

TEST_F(LiveSyncTest, ReconnectsAfterTheServerRestarts) {
  Replica a = test::open_replica(dir_, "a.db");
  Replica b = test::open_replica(dir_, "b.db");
  LiveRunner live_b(b, server_.url(), token_, quick_retries());
  ASSERT_TRUE(live_b.wait(caught_up));
  const auto port = server_.port();

  server_.stop();  // graceful, as on SIGTERM: the session gets Error shutting_down first
  ASSERT_TRUE(live_b.wait([](const LiveStatus& s, const Replica&) { return !s.connected && s.last_error; }));
  {
    // The first failure reported, not the last: a quick retry may already have met the
    // closed port ("connection refused") before this thread looks.
    const auto first = live_b.first_seen([](const LiveStatus& s) { return !s.connected && s.last_error; });
    ASSERT_TRUE(first);
    const LiveStatus& status = *first;
    ASSERT_TRUE(status.last_error);
    EXPECT_EQ(error_code_name(status.last_error->code()), error_code_name(ErrorCode::kShuttingDown))
        << status.last_error->what();
    EXPECT_GT(status.retry_in.count(), 0) << "a stopping server is retried, not given up on";
  }

  server_.start(port);  // the same data directory and port: a restarted process
  a.create("customers", customer("After the restart"));
  sync_once(a, server_.url(), token_);

  ASSERT_TRUE(live_b.wait([](const LiveStatus& s, const Replica& r) {
    return s.connected && s.caught_up && s.connections >= 2 && record_count(r) == 1;
  })) << "B did not reconnect and pull the edit made while it was away";
  live_b.stop();
  EXPECT_FALSE(live_b.error());
  EXPECT_EQ(replica_states(a), replica_states(b));
}

TEST_F(LiveSyncTest, KeepsRetryingWhileTheServerIsDownAndStopsOnRequest) {
  Replica b = test::open_replica(dir_, "b.db");
  const std::string url = server_.url();
  server_.stop();
  LiveRunner live_b(b, url, token_, quick_retries());
  ASSERT_TRUE(live_b.wait([](const LiveStatus& s, const Replica&) { return s.connections >= 3; }))
      << "the live sync gave up instead of retrying";
  live_b.stop();
  EXPECT_TRUE(live_b.wait_finished());
  EXPECT_FALSE(live_b.error()) << "a lost server is not an error that ends the live sync";
}

TEST_F(LiveSyncTest, ABadTokenEndsTheLiveSyncInsteadOfRetrying) {
  Replica b = test::open_replica(dir_, "b.db");
  LiveRunner live_b(b, server_.url(), "not-a-token", quick_retries());
  ASSERT_TRUE(live_b.wait_finished()) << "run() kept retrying a token that cannot work";
  auto error = live_b.error();
  ASSERT_TRUE(error);
  EXPECT_EQ(error_code_name(error->code()), error_code_name(ErrorCode::kUnauthenticated)) << error->what();
  EXPECT_EQ(live_b.last().connections, 1u);
}

// The token of a connected rep is revoked on the server: the live sync ends (no retry can
// cure it) within the server's account-check bound, instead of syncing on.
TEST_F(LiveSyncTest, ARevokedTokenEndsAConnectedLiveSync) {
  const std::string ana_token = server_.add_user("ana", server::Role::kRep, {"north"});
  Replica ana = test::open_replica(dir_, "ana.db");
  LiveRunner live_ana(ana, server_.url(), ana_token, quick_retries());
  ASSERT_TRUE(live_ana.wait(caught_up));

  const auto revoked_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(server_.store().revoke_token(ana_token.substr(4, ana_token.find('.', 4) - 4)));
  ASSERT_TRUE(live_ana.wait_finished(std::chrono::seconds(3))) << "still syncing with a revoked token";
  EXPECT_LE(std::chrono::steady_clock::now() - revoked_at, std::chrono::seconds(2));
  auto error = live_ana.error();
  ASSERT_TRUE(error);
  EXPECT_EQ(error_code_name(error->code()), error_code_name(ErrorCode::kUnauthenticated)) << error->what();
  EXPECT_NE(std::string(error->what()).find("revoked"), std::string::npos) << error->what();
}

// A connected rep given other territories: without reconnecting, the replica drops the
// records it no longer covers and gets those of its new territory, then is live again.
TEST_F(LiveSyncTest, ARepGivenOtherTerritoriesResyncsWhileConnected) {
  const std::string ana_token = server_.add_user("ana", server::Role::kRep, {"north"});
  Replica office = test::open_replica(dir_, "office.db");
  const RecordId north = office.create("customers", customer("Hotel Aurora"));
  const RecordId north_visit = office.create(
      "visits", {{"customer_id", Value(north.to_string())}, {"summary", Value(std::string("Wants a quote"))}});
  const RecordId east = office.create(
      "customers", {{"name", Value(std::string("Hotel Borealis"))}, {"territory", Value(std::string("east"))}});
  const RecordId east_visit = office.create(
      "visits", {{"customer_id", Value(east.to_string())}, {"summary", Value(std::string("Wants a quote"))}});
  sync_once(office, server_.url(), token_);

  Replica ana = test::open_replica(dir_, "ana.db");
  LiveRunner live_ana(ana, server_.url(), ana_token, quick_retries());
  ASSERT_TRUE(live_ana.wait([&](const LiveStatus& status, const Replica& r) {
    return caught_up(status, r) && r.get("visits", north_visit).has_value();
  }));

  server_.store().set_user_territories("ana", {"east"});
  ASSERT_TRUE(live_ana.wait([&](const LiveStatus& status, const Replica& r) {
    return caught_up(status, r) && !r.get("customers", north) && !r.get("visits", north_visit) &&
           r.get("customers", east) && r.get("visits", east_visit);
  })) << "the replica still holds the old territory, or lacks the new one";
  EXPECT_EQ(live_ana.last().connections, 1u) << "resynced on the same connection";
}

TEST_F(LiveSyncTest, StopBeforeRunReturnsAtOnce) {
  Replica b = test::open_replica(dir_, "b.db");
  LiveSync live(b, server_.url(), token_);
  live.stop();
  live.run();  // must return, not connect and stay
  SUCCEED();
}

}  // namespace
}  // namespace fieldsync::client
