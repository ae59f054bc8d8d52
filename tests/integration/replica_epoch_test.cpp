// Replica epochs over real connections: a welcome lost on a breaking connection costs the
// replica nothing, while two copies of one database can never both write under its id.

#include <string>

#include <gtest/gtest.h>

#include "server_fixture.hpp"

namespace fieldsync::testing {
namespace {

class ReplicaEpochTest : public ServerTest {
 protected:
  // Says hello as `device` with `epoch` and returns the epoch the welcome hands out.
  std::string welcome_epoch(TestClient& client, const Device& device, const std::string& epoch) {
    auto reply = client.hello(device.id(), device.counter(), 0, epoch);
    EXPECT_TRUE(reply.has_welcome()) << reply.DebugString();
    return reply.welcome().replica_epoch();
  }

  // A whole session: hello with `epoch`, push the outbox, acked. Returns the new epoch.
  std::string synced_session(Device& device, const std::string& epoch) {
    TestClient session(port(), ana_token_);
    std::string next = welcome_epoch(session, device, epoch);
    expect_acked(session.request(device.push_outbox()));
    return next;
  }

  // A hello with `epoch` on a connection of its own: welcomed, or refused as a copy.
  void expect_welcomed(const Device& device, const std::string& epoch) {
    TestClient client(port(), ana_token_);
    welcome_epoch(client, device, epoch);
  }
  void expect_refused(const Device& device, const std::string& epoch) {
    TestClient client(port(), ana_token_);
    expect_reused(client.hello(device.id(), device.counter(), 0, epoch));
  }

  static void expect_acked(const proto::Envelope& reply) {
    ASSERT_TRUE(reply.has_ack()) << reply.DebugString();
    EXPECT_EQ(reply.ack().rejected_size(), 0) << reply.DebugString();
  }

  static void expect_reused(const proto::Envelope& reply) {
    ASSERT_TRUE(reply.has_error()) << reply.DebugString();
    EXPECT_EQ(reply.error().code(), static_cast<std::uint32_t>(ErrorCode::kReplicaIdReused)) << reply.DebugString();
    EXPECT_TRUE(reply.error().fatal());
  }
};

TEST_F(ReplicaEpochTest, AWelcomeLostWithTheConnectionKeepsTheReplicaId) {
  Device phone;
  phone.add_customer("Hotel Aurora", "north");
  {
    TestClient first(port(), ana_token_);
    welcome_epoch(first, phone, "");
  }  // the connection breaks before the phone stores the welcome's epoch

  TestClient again(port(), ana_token_);
  welcome_epoch(again, phone, "");
  expect_acked(again.request(phone.push_outbox()));
}

TEST_F(ReplicaEpochTest, AWelcomeThatArrivedButWasNeverUsedIsAccepted) {
  Device phone;
  std::string stored;
  {
    TestClient first(port(), ana_token_);
    stored = welcome_epoch(first, phone, "");
  }  // stored, but the connection broke before the phone's first push

  phone.add_customer("Hotel Aurora", "north");
  TestClient again(port(), ana_token_);
  const std::string next = welcome_epoch(again, phone, stored);
  expect_acked(again.request(phone.push_outbox()));

  // Presenting it proved it arrived: the epoch before it is void now.
  expect_refused(phone, "");
  expect_welcomed(phone, next);
}

TEST_F(ReplicaEpochTest, AnEpochUsedByAPushVoidsTheOneBefore) {
  Device phone;
  phone.add_customer("Hotel Aurora", "north");
  const std::string current = synced_session(phone, "");
  expect_refused(phone, "");  // a restored backup
  expect_welcomed(phone, current);
}

TEST_F(ReplicaEpochTest, OfTwoCopiesSyncingAtOnceOnlyTheLastToSayHelloMayWrite) {
  Device phone;
  phone.add_customer("Hotel Aurora", "north");
  const std::string shared = synced_session(phone, "");
  // The database is copied; both copies connect, each presenting the same current epoch
  // (one Device plays both: they share the id, and which records they push is beside the point).
  phone.add_customer("Bakery Berg", "north");
  TestClient first(port(), ana_token_);
  const std::string first_epoch = welcome_epoch(first, phone, shared);
  TestClient second(port(), ana_token_);
  welcome_epoch(second, phone, shared);

  // The first session's epoch was replaced before it wrote: its push is refused whole.
  const std::uint64_t head = server_->store().head();
  expect_reused(first.request(phone.push_outbox()));
  EXPECT_EQ(first.wait_closed().code, boost::beast::websocket::close_code::policy_error);
  EXPECT_EQ(server_->store().head(), head);
  // The second may write, and the first copy cannot come back with what it was handed.
  expect_acked(second.request(phone.push_outbox()));
  expect_refused(phone, first_epoch);
}

}  // namespace
}  // namespace fieldsync::testing
