// Store calls off the I/O threads, and live fan-out read from the store by sequence: a
// slow store call holds up no other session, and commits made through another Store
// object on the same data (another server sharing the database) reach live phones.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/server/server.hpp"
#include "fieldsync/server/sqlite_store.hpp"
#include "forwarding_store.hpp"
#include "server_fixture.hpp"
#include "test_client.hpp"

namespace fieldsync::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// Slows the next pull from 0 down, and lets the test fire the commit signal by hand, as a
// store shared with another server does for that server's commits.
class ControlledStore final : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;

  // The next changes_since from 0 sleeps `delay` first; the future is ready once it began.
  std::future<void> slow_next_full_pull(std::chrono::milliseconds delay) {
    std::lock_guard lock(mutex_);
    delay_ = delay;
    entered_ = std::promise<void>();
    return entered_.get_future();
  }

  using server::Store::changes_since;
  server::ChangePage changes_since(std::uint64_t after_seq, std::size_t limit, const server::ReadScope& scope,
                                   const ReadCheck& visible, const HeldStates& held) override {
    std::chrono::milliseconds delay{0};
    {
      std::lock_guard lock(mutex_);
      if (after_seq == 0 && delay_.count() > 0) {
        delay = std::exchange(delay_, std::chrono::milliseconds{0});
        entered_.set_value();
      }
    }
    std::this_thread::sleep_for(delay);
    return inner().changes_since(after_seq, limit, scope, visible, held);
  }

  // Listeners are registered here (signal_commit) and with the inner store (its commits).
  server::CommitSubscription on_commit(std::function<void()> listener) override {
    auto inner_subscription = std::make_shared<server::CommitSubscription>(inner().on_commit(listener));
    std::lock_guard lock(mutex_);
    const std::uint64_t id = next_listener_++;
    listeners_.emplace(id, std::move(listener));
    return server::CommitSubscription([this, id, inner_subscription] {
      inner_subscription->reset();
      std::lock_guard unregister(mutex_);
      listeners_.erase(id);
    });
  }

  void signal_commit() {
    std::lock_guard lock(mutex_);
    for (const auto& [id, listener] : listeners_) listener();
  }

  std::size_t listeners() {
    std::lock_guard lock(mutex_);
    return listeners_.size();
  }

 private:
  std::mutex mutex_;
  std::chrono::milliseconds delay_{0};
  std::promise<void> entered_;
  std::map<std::uint64_t, std::function<void()>> listeners_;
  std::uint64_t next_listener_ = 1;
};

// Commits a new customer through `store` directly, as another server sharing the database
// would: a device of sue's of its own, registered and pushed.
RecordId commit_elsewhere(server::Store& store, const std::string& name, const std::string& territory) {
  Replica device = Replica::open(":memory:", Schema::domain());
  const RecordId id = device.create("customers", {{"name", Value(name)}, {"territory", Value(territory)}});
  std::vector<RecordState> states;
  for (const auto& entry : device.outbox()) states.push_back(entry.state);
  const server::ReplicaCheck check = store.register_replica(device.replica_id(), 0, "", 0, "sue");
  const server::PushContext context{"sue", device.replica_id(), now_ms(), check.epoch};
  const server::PushResult result = store.push(context, states, [](const RecordState&, const RecordState*) {
    return std::optional<server::PushRefusal>{};
  });
  EXPECT_TRUE(result.refused.empty());
  EXPECT_EQ(result.committed.size(), 1u);
  return id;
}

class StoreWorkersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    data_dir_ = std::filesystem::temp_directory_path() /
                ("fieldsync-workers-" + std::to_string(random()) + "-" + std::to_string(random()));
  }

  void TearDown() override {
    server_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(data_dir_, ignored);
  }

  // One I/O thread: before store calls left the I/O threads, any slow call stalled every
  // session. `adjust` changes the test defaults.
  void start(const std::function<void(server::ServerConfig&)>& adjust = {}) {
    server::ServerConfig config;
    config.address = "127.0.0.1";
    config.port = 0;
    config.data_dir = data_dir_;
    config.threads = 1;
    config.store_threads = 4;
    config.durable = false;
    config.log_level = "warn";
    if (adjust) adjust(config);
    auto store = std::make_unique<ControlledStore>(
        server::open_sqlite_store(data_dir_, Schema::domain(), system_clock_, false));
    store_ = store.get();
    server_ = std::make_unique<server::Server>(config, std::move(store));
    server_->start();
    server_->store().add_user({"ana", server::Role::kRep, {"north"}});
    server_->store().add_user({"sue", server::Role::kSupervisor, {}});
    ana_token_ = server_->store().issue_token("ana", 3'600'000, now_ms()).token;
    sue_token_ = server_->store().issue_token("sue", 3'600'000, now_ms()).token;
  }

  std::uint16_t port() const { return server_->port(); }

  SystemClock system_clock_;
  std::filesystem::path data_dir_;
  std::unique_ptr<server::Server> server_;
  ControlledStore* store_ = nullptr;
  std::string ana_token_;
  std::string sue_token_;
};

TEST_F(StoreWorkersTest, ASlowPullHoldsUpNoOtherSession) {
  start();
  // Something to pull, so that only the slowed pull reads from 0 while the test measures.
  Device seed;
  seed.add_customer("Seed GmbH", "north");
  {
    TestClient writer(port(), sue_token_);
    ASSERT_TRUE(writer.hello(seed.id(), seed.counter()).has_welcome());
    ASSERT_TRUE(writer.request(seed.push_outbox()).has_ack());
  }
  Device pinger_device, watcher_device, pusher_device, slow_device;
  TestClient pinger(port(), ana_token_);
  TestClient watcher(port(), sue_token_);
  TestClient pusher(port(), sue_token_);
  TestClient slow(port(), sue_token_);
  ASSERT_TRUE(pinger.hello(pinger_device.id()).has_welcome());
  ASSERT_TRUE(watcher.hello(watcher_device.id()).has_welcome());
  ASSERT_TRUE(pusher.hello(pusher_device.id()).has_welcome());
  ASSERT_TRUE(slow.hello(slow_device.id()).has_welcome());
  proto::Envelope caught_up = watcher.pull(server_->store().head());
  ASSERT_FALSE(caught_up.batch().more());  // live from here

  constexpr auto kSlow = std::chrono::milliseconds(2000);
  std::future<void> entered = store_->slow_next_full_pull(kSlow);
  proto::Envelope pull = envelope();
  pull.set_request_id(99);
  pull.mutable_pull()->set_after_seq(0);
  const auto pulled_at = Clock::now();
  slow.send(pull);
  ASSERT_EQ(entered.wait_for(3s), std::future_status::ready) << "the slow pull never reached the store";

  // A ping answered while the pull sleeps in the store.
  const auto pinged_at = Clock::now();
  proto::Envelope ping = envelope();
  ping.mutable_ping();
  proto::Envelope pong = pinger.request(ping, 3s);
  const auto ping_ms = since(pinged_at);
  ASSERT_TRUE(pong.has_pong()) << pong.DebugString();

  // A push acked, and its live batch at another session, meanwhile too.
  const auto pushed_at = Clock::now();
  const RecordId customer = pusher_device.add_customer("Meanwhile AG", "north");
  proto::Envelope ack = pusher.request(pusher_device.push_outbox(), 3s);
  ASSERT_TRUE(ack.has_ack()) << ack.DebugString();
  proto::Envelope live = watcher.receive(3s);
  const auto live_ms = since(pushed_at);
  ASSERT_TRUE(live.has_batch()) << live.DebugString();
  EXPECT_EQ(record_ids(live.batch()), std::vector<std::string>{customer.to_string()});
  EXPECT_EQ(live.batch().to_seq(), ack.ack().server_seq());

  EXPECT_LT(ping_ms.count(), 1000) << "the ping waited for another session's store call";
  EXPECT_LT(live_ms.count(), 1000) << "the push and its live batch waited for another session's store call";
  const auto answered_before_pull_ms = since(pulled_at);
  EXPECT_LT(answered_before_pull_ms, kSlow) << "measured after the slow call ended: it did not overlap";

  // The slow pull still gets its answer, after its two seconds.
  proto::Envelope page = slow.receive(5s);
  ASSERT_TRUE(page.has_batch()) << page.DebugString();
  EXPECT_EQ(page.request_id(), 99u);
  EXPECT_GE(since(pulled_at), kSlow);
  EXPECT_EQ(page.batch().records_size(), 2);
}

TEST_F(StoreWorkersTest, ASessionReadsNothingMoreWhileItsStoreWorkIsPending) {
  start();
  Device device;
  TestClient slow(port(), sue_token_);
  ASSERT_TRUE(slow.hello(device.id()).has_welcome());
  std::future<void> entered = store_->slow_next_full_pull(std::chrono::milliseconds(1000));
  proto::Envelope pull = envelope();
  pull.set_request_id(7);
  pull.mutable_pull()->set_after_seq(0);
  slow.send(pull);
  ASSERT_EQ(entered.wait_for(3s), std::future_status::ready);
  // Sent behind the pull: answered after it, in order.
  proto::Envelope ping = envelope();
  ping.set_request_id(8);
  ping.mutable_ping();
  slow.send(ping);
  proto::Envelope first = slow.receive(5s);
  proto::Envelope second = slow.receive(5s);
  EXPECT_EQ(first.request_id(), 7u);
  EXPECT_TRUE(first.has_batch());
  EXPECT_EQ(second.request_id(), 8u);
  EXPECT_TRUE(second.has_pong());
}

TEST_F(StoreWorkersTest, ACommitThroughAnotherStoreObjectReachesLivePhonesOnItsSignal) {
  // No periodic look within the test: only the signal can bring the commit.
  start([](server::ServerConfig& config) { config.limits.account_check_interval = std::chrono::seconds(60); });
  auto other = server::open_sqlite_store(data_dir_, Schema::domain(), system_clock_, false);
  Device sue_device, ana_device, probe_device;
  TestClient sue(port(), sue_token_);
  TestClient ana(port(), ana_token_);
  TestClient probe(port(), sue_token_);  // a receive that times out ends its connection
  ASSERT_TRUE(sue.hello(sue_device.id()).has_welcome());
  ASSERT_TRUE(ana.hello(ana_device.id()).has_welcome());
  ASSERT_TRUE(probe.hello(probe_device.id()).has_welcome());
  ASSERT_FALSE(sue.pull(0).batch().more());
  ASSERT_FALSE(ana.pull(0).batch().more());
  ASSERT_FALSE(probe.pull(0).batch().more());
  ASSERT_EQ(store_->listeners(), 1u) << "the server does not listen to the store's commit signal";

  const RecordId north = commit_elsewhere(*other, "Remote Nord", "north");
  EXPECT_THROW(probe.receive(300ms), std::exception) << "a live batch without a signal or a local push";
  store_->signal_commit();
  proto::Envelope to_sue = sue.receive(3s);
  ASSERT_TRUE(to_sue.has_batch()) << to_sue.DebugString();
  EXPECT_EQ(record_ids(to_sue.batch()), std::vector<std::string>{north.to_string()});
  EXPECT_EQ(to_sue.batch().to_seq(), other->head());
  proto::Envelope to_ana = ana.receive(3s);
  EXPECT_EQ(record_ids(to_ana.batch()), std::vector<std::string>{north.to_string()});

  // Outside ana's territory: sue gets it, ana nothing (her next batch below is the local
  // push alone).
  const RecordId south = commit_elsewhere(*other, "Remote Süd", "south");
  store_->signal_commit();
  to_sue = sue.receive(3s);
  EXPECT_EQ(record_ids(to_sue.batch()), std::vector<std::string>{south.to_string()});

  // A local push after them: ana's batch carries only it, and reaches the head.
  Device office;
  TestClient pusher(port(), sue_token_);
  ASSERT_TRUE(pusher.hello(office.id()).has_welcome());
  const RecordId local = office.add_customer("Lokal KG", "north");
  proto::Envelope ack = pusher.request(office.push_outbox());
  ASSERT_TRUE(ack.has_ack());
  to_ana = ana.receive(3s);
  EXPECT_EQ(record_ids(to_ana.batch()), std::vector<std::string>{local.to_string()});
  EXPECT_EQ(to_ana.batch().to_seq(), ack.ack().server_seq());
}

TEST_F(StoreWorkersTest, ALostSignalCostsLatencyNotData) {
  start([](server::ServerConfig& config) { config.limits.account_check_interval = std::chrono::milliseconds(200); });
  auto other = server::open_sqlite_store(data_dir_, Schema::domain(), system_clock_, false);
  Device device;
  TestClient sue(port(), sue_token_);
  ASSERT_TRUE(sue.hello(device.id()).has_welcome());
  ASSERT_FALSE(sue.pull(0).batch().more());
  const RecordId id = commit_elsewhere(*other, "Unsignalled", "north");  // nobody signals
  proto::Envelope live = sue.receive(3s);
  ASSERT_TRUE(live.has_batch()) << live.DebugString();
  EXPECT_EQ(record_ids(live.batch()), std::vector<std::string>{id.to_string()});
  EXPECT_EQ(live.batch().to_seq(), other->head());
}

// Two writers at once (local pushes and another store object, its signals sometimes lost)
// and a live phone that applies what it is sent: it ends with every record, its batches'
// to_seq only ever grows, and the last one is the head.
TEST_F(StoreWorkersTest, LiveBatchesFromTwoWritersLeaveNothingOut) {
  start([](server::ServerConfig& config) { config.limits.account_check_interval = std::chrono::milliseconds(300); });
  auto other = server::open_sqlite_store(data_dir_, Schema::domain(), system_clock_, false);
  Device watcher_device;
  TestClient watcher(port(), sue_token_);
  ASSERT_TRUE(watcher.hello(watcher_device.id()).has_welcome());
  ASSERT_FALSE(watcher.pull(0).batch().more());

  constexpr int kEach = 25;
  std::set<std::string> expected;
  std::mutex expected_mutex;
  std::thread elsewhere([&] {
    for (int i = 0; i < kEach; ++i) {
      const RecordId id = commit_elsewhere(*other, "Remote " + std::to_string(i), "north");
      {
        std::lock_guard lock(expected_mutex);
        expected.insert(id.to_string());
      }
      if (i % 3 != 0) store_->signal_commit();  // every third signal lost
    }
  });
  for (int i = 0; i < kEach; ++i) {
    Device phone;
    TestClient local(port(), sue_token_);
    ASSERT_TRUE(local.hello(phone.id()).has_welcome());
    const RecordId id = phone.add_customer("Local " + std::to_string(i), "north");
    ASSERT_TRUE(local.request(phone.push_outbox()).has_ack());
    std::lock_guard lock(expected_mutex);
    expected.insert(id.to_string());
  }
  elsewhere.join();
  const std::uint64_t head = server_->store().head();

  std::set<std::string> received;
  std::uint64_t last_to_seq = 0;
  while (last_to_seq < head) {
    proto::Envelope live = watcher.receive(5s);
    ASSERT_TRUE(live.has_batch()) << live.DebugString();
    EXPECT_GT(live.batch().to_seq(), last_to_seq) << "to_seq went back or stood still";
    last_to_seq = live.batch().to_seq();
    for (const auto& id : record_ids(live.batch())) received.insert(id);
  }
  EXPECT_EQ(last_to_seq, head);
  EXPECT_EQ(received, expected);
}

TEST(SqliteStoreCommitSignalTest, FiresAfterEachCommitUntilTheSubscriptionGoes) {
  std::random_device random;
  const auto dir = std::filesystem::temp_directory_path() / ("fieldsync-signal-" + std::to_string(random()));
  SystemClock clock;
  {
    auto store = server::open_sqlite_store(dir, Schema::domain(), clock, false);
    store->add_user({"sue", server::Role::kSupervisor, {}});
    std::atomic<int> signals{0};
    server::Store* raw = store.get();
    server::CommitSubscription subscription = store->on_commit([&] { ++signals; });
    commit_elsewhere(*store, "First", "north");
    EXPECT_EQ(signals.load(), 1);
    commit_elsewhere(*store, "Second", "north");
    EXPECT_EQ(signals.load(), 2);
    // A push that commits nothing (a refused record) is no commit to look at.
    Replica device = Replica::open(":memory:", Schema::domain());
    device.create("customers", {{"name", Value("Refused")}, {"territory", Value("north")}});
    std::vector<RecordState> states;
    for (const auto& entry : device.outbox()) states.push_back(entry.state);
    const auto check = raw->register_replica(device.replica_id(), 0, "", 0, "sue");
    raw->push({"sue", device.replica_id(), now_ms(), check.epoch}, states,
              [](const RecordState&, const RecordState*) {
                return std::optional<server::PushRefusal>(server::PushRefusal{0, ErrorCode::kForbidden, "no"});
              });
    EXPECT_EQ(signals.load(), 2);
    subscription.reset();
    commit_elsewhere(*store, "Third", "north");
    EXPECT_EQ(signals.load(), 2) << "called after its subscription went";
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

}  // namespace
}  // namespace fieldsync::testing
