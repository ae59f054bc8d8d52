// Regression tests for server bugs found by review: the replica registry's time stamps,
// and a session released inside the SyncService's lock.

#include <chrono>
#include <future>
#include <memory>
#include <optional>

#include <gtest/gtest.h>

#include "fieldsync/core/sqlite.hpp"
#include "fieldsync/server/sqlite_store.hpp"
#include "fieldsync/server/sync_service.hpp"
#include "server_fixture.hpp"
#include "system_support.hpp"

namespace fieldsync::testing {
namespace {

using namespace std::chrono_literals;

// srv_replicas.first_seen_ms / last_seen_ms of one replica, read from the server's file.
std::pair<std::int64_t, std::int64_t> seen_ms(const std::filesystem::path& data_dir, const ReplicaId& replica) {
  Replica db = Replica::open((data_dir / "fieldsync-server.db").string(), Schema::domain());
  auto& s = db.database().cached("SELECT first_seen_ms, last_seen_ms FROM srv_replicas WHERE replica_id = ?1");
  sqlite::ResetGuard reset(s);
  s.bind(1, replica.to_string());
  if (!s.step()) return {-1, -1};
  return {s.column_int(0), s.column_int(1)};
}

TEST(ServerRegressionTest, TheReplicaRegistryStampsWallClockTimeFromTheInjectedClock) {
  ScratchDir dir;
  // A server clock a little ahead of the device (within the skew bound), moved by hand.
  ManualClock clock(now_ms() + 12'345);
  server::ServerConfig config;
  config.address = "127.0.0.1";
  config.port = 0;
  config.data_dir = dir.path();
  config.durable = false;
  server::Server server(config, &clock);
  server.start();
  server.store().add_user({"sue", server::Role::kSupervisor, {}});
  const std::string token = server.store().issue_token("sue", 3'600'000, clock.now_ms()).token;

  Device device;
  const std::uint64_t first = clock.now_ms();
  std::string epoch;
  {
    TestClient client(server.port(), token);
    auto welcome = client.hello(device.id());
    ASSERT_TRUE(welcome.has_welcome());
    epoch = welcome.welcome().replica_epoch();
  }
  clock.advance(60'000);
  {
    TestClient client(server.port(), token);
    ASSERT_TRUE(client.hello(device.id(), 0, 0, epoch).has_welcome());
  }
  auto [first_seen, last_seen] = seen_ms(dir.path(), device.id());
  EXPECT_EQ(first_seen, static_cast<std::int64_t>(first));
  EXPECT_EQ(last_seen, static_cast<std::int64_t>(first + 60'000));
}

// A sink whose owner lets go of it during deliver(): the SyncService's own reference is
// then the last one. Its destructor does what a session's does, disconnect(), but from
// another thread and with a timeout, so that a destructor run under the service's lock
// shows as a timeout instead of a deadlock.
class LastReferenceSink final : public server::SessionSink {
 public:
  LastReferenceSink(server::SyncService& service, std::shared_ptr<server::SessionSink>& owner,
                    std::optional<std::future<void>>& pending, bool& destroyed_under_lock)
      : service_(&service), owner_(&owner), pending_(&pending), destroyed_under_lock_(&destroyed_under_lock) {}

  void set_connection(server::Connection connection) { connection_ = std::move(connection); }

  void deliver(proto::Envelope) override {
    owner_->reset();  // the test's reference goes; the service's local one is the last
  }

  ~LastReferenceSink() override {
    auto service = service_;
    auto connection = connection_;
    auto done = std::async(std::launch::async, [service, connection] { service->disconnect(*connection); });
    *destroyed_under_lock_ = done.wait_for(2s) == std::future_status::timeout;
    *pending_ = std::move(done);  // joined by the test, after the lock is free again
  }

 private:
  server::SyncService* service_;
  std::shared_ptr<server::SessionSink>* owner_;
  std::optional<std::future<void>>* pending_;
  bool* destroyed_under_lock_;
  std::optional<server::Connection> connection_;
};

class SilentSink final : public server::SessionSink {
 public:
  void deliver(proto::Envelope) override {}
};

TEST(ServerRegressionTest, ASessionReleasedDuringLiveDeliveryIsDestroyedOutsideTheServiceLock) {
  ScratchDir dir;
  SystemClock clock;
  auto store = server::open_sqlite_store(dir.path(), Schema::domain(), clock, false);
  server::Metrics metrics;
  server::SyncService service(*store, Schema::domain(), server::Limits{}, metrics, clock);
  const server::Principal sue{"sue", server::Role::kSupervisor, {}};

  std::optional<std::future<void>> pending;
  bool destroyed_under_lock = false;
  std::shared_ptr<server::SessionSink> owner;
  auto sink = std::make_shared<LastReferenceSink>(service, owner, pending, destroyed_under_lock);
  owner = sink;
  server::Connection watcher = service.connect(sue, owner);
  sink->set_connection(watcher);
  sink.reset();

  Device watcher_device;
  proto::Envelope hello = envelope();
  hello.mutable_hello()->set_replica_id(std::string(watcher_device.id().raw()));
  ASSERT_TRUE(service.handle(watcher, hello).messages.at(0).has_welcome());
  proto::Envelope pull = envelope();
  pull.set_request_id(1);
  pull.mutable_pull()->set_after_seq(0);
  ASSERT_TRUE(service.handle(watcher, pull).messages.at(0).has_batch());  // caught up: live

  auto silent = std::make_shared<SilentSink>();
  server::Connection pusher = service.connect(sue, silent);
  Device device;
  device.add_customer("Acme", "north");
  hello.mutable_hello()->set_replica_id(std::string(device.id().raw()));
  hello.mutable_hello()->set_replica_counter(device.counter());
  ASSERT_TRUE(service.handle(pusher, hello).messages.at(0).has_welcome());
  proto::Envelope push = device.push_outbox();
  push.set_request_id(2);
  server::Reply reply = service.handle(pusher, push);
  ASSERT_EQ(reply.messages.size(), 1u);
  EXPECT_TRUE(reply.messages[0].has_ack()) << reply.messages[0].DebugString();

  ASSERT_TRUE(pending) << "the watcher's sink was not released by the push";
  EXPECT_FALSE(destroyed_under_lock) << "the sink's destructor ran while the service held its lock";
  EXPECT_EQ(pending->wait_for(5s), std::future_status::ready);
  service.disconnect(pusher);
}

}  // namespace
}  // namespace fieldsync::testing
