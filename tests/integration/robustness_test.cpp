// Misbehaving clients get a clear error and lose their connection; the server stays up
// and keeps serving everyone else.
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/state_digest.hpp"
#include "server_fixture.hpp"

namespace fieldsync::testing {
namespace {

using boost::beast::websocket::close_code;

// Another client can still connect and complete a sync round trip.
void expect_server_still_syncs(std::uint16_t port, const std::string& token) {
  Device device;
  device.add_customer("Still Here", "north");
  TestClient client(port, token);
  ASSERT_TRUE(client.hello(device.id(), device.counter()).has_welcome());
  proto::Envelope ack = client.request(device.push_outbox());
  ASSERT_TRUE(ack.has_ack()) << ack.DebugString();
  EXPECT_EQ(ack.ack().rejected_size(), 0);
}

// The one Error envelope a closed connection received, checked for code and fatality.
void expect_fatal_error(const CloseResult& closed, ErrorCode code) {
  ASSERT_EQ(closed.messages.size(), 1u);
  ASSERT_TRUE(closed.messages[0].has_error()) << closed.messages[0].DebugString();
  EXPECT_EQ(closed.messages[0].error().code(), static_cast<std::uint32_t>(code)) << closed.messages[0].DebugString();
  EXPECT_TRUE(closed.messages[0].error().fatal());
  EXPECT_FALSE(closed.messages[0].error().message().empty());
}

TEST_F(ServerTest, MalformedProtobufGetsAProtocolError) {
  TestClient client(port(), sue_token_);
  client.send_raw("\xff\xff\xff\xff not protobuf");
  CloseResult closed = client.wait_closed();
  expect_fatal_error(closed, ErrorCode::kProtocol);
  EXPECT_EQ(closed.code, close_code::policy_error);
  expect_server_still_syncs(port(), ana_token_);
}

TEST_F(ServerTest, FirstMessageMustBeHello) {
  TestClient client(port(), sue_token_);
  proto::Envelope pull = envelope();
  pull.mutable_pull()->set_after_seq(0);
  client.send(pull);
  CloseResult closed = client.wait_closed();
  expect_fatal_error(closed, ErrorCode::kProtocol);
  EXPECT_NE(closed.messages[0].error().message().find("hello"), std::string::npos);
  expect_server_still_syncs(port(), ana_token_);
}

TEST_F(ServerTest, HeldDigestsOutsideAPullFromScratchCutShortOrTooManyAreProtocolErrors) {
  // The error's message, for a pull from `after_seq` naming `bytes` bytes of digests.
  auto refusal = [&](std::uint64_t after_seq, std::size_t bytes) {
    Device device;
    TestClient client(port(), sue_token_);
    EXPECT_TRUE(client.hello(device.id()).has_welcome());
    proto::Envelope pull = envelope();
    pull.set_request_id(7);
    pull.mutable_pull()->set_after_seq(after_seq);
    pull.mutable_pull()->set_held_digests(std::string(bytes, 'x'));
    client.send(pull);
    CloseResult closed = client.wait_closed();
    expect_fatal_error(closed, ErrorCode::kProtocol);
    return closed.messages.empty() ? std::string() : closed.messages[0].error().message();
  };
  EXPECT_NE(refusal(5, fieldsync::kStateDigestBytes).find("from 0"), std::string::npos);
  EXPECT_NE(refusal(0, fieldsync::kStateDigestBytes + 3).find("16 bytes"), std::string::npos);
  start([](server::ServerConfig& config) { config.limits.max_held_digests = 1; });
  EXPECT_NE(refusal(0, 2 * fieldsync::kStateDigestBytes).find("more than the 1 held states"), std::string::npos);
  expect_server_still_syncs(port(), ana_token_);
}

TEST_F(ServerTest, TextFrameIsAProtocolError) {
  TestClient client(port(), sue_token_);
  client.send_raw("hello?", false);
  CloseResult closed = client.wait_closed();
  expect_fatal_error(closed, ErrorCode::kProtocol);
}

TEST_F(ServerTest, OversizedFrameClosesWithTooBig) {
  start([](server::ServerConfig& c) { c.limits.max_frame_bytes = 16 * 1024; });
  TestClient client(port(), sue_token_);
  client.send_raw(std::string(40 * 1024, 'x'));
  CloseResult closed = client.wait_closed();
  expect_fatal_error(closed, ErrorCode::kTooLarge);
  EXPECT_EQ(closed.code, close_code::too_big) << closed.error;
  expect_server_still_syncs(port(), ana_token_);
}

TEST_F(ServerTest, ClientThatNeverSaysHelloTimesOut) {
  start([](server::ServerConfig& c) { c.limits.handshake_timeout = std::chrono::milliseconds(300); });
  TestClient silent(port(), sue_token_);
  const auto started = std::chrono::steady_clock::now();
  CloseResult closed = silent.wait_closed(3s);
  expect_fatal_error(closed, ErrorCode::kTimeout);
  EXPECT_EQ(closed.code, close_code::policy_error);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 250ms);
  expect_server_still_syncs(port(), ana_token_);
}

TEST_F(ServerTest, MessagesOverTheRateLimitAreRefused) {
  start([](server::ServerConfig& c) { c.limits.max_messages_per_second = 5; });
  Device device;
  TestClient client(port(), sue_token_);
  ASSERT_TRUE(client.hello(device.id()).has_welcome());
  proto::Envelope ping = envelope();
  ping.mutable_ping()->set_clock_ms(1);
  for (int i = 0; i < 20; ++i) client.send(ping);
  CloseResult closed = client.wait_closed();
  ASSERT_FALSE(closed.messages.empty());
  const proto::Envelope& last = closed.messages.back();
  ASSERT_TRUE(last.has_error()) << last.DebugString();
  EXPECT_EQ(last.error().code(), static_cast<std::uint32_t>(ErrorCode::kRateLimited));
  // The bucket held 5 (the hello took one): at most 4 pongs came before the error.
  EXPECT_LE(closed.messages.size(), 5u);
  expect_server_still_syncs(port(), ana_token_);
}

// Replies to a client that asks and never reads pile up in its send queue; a cap closes
// it (it would reconnect and pull: nothing is lost) and the server stays up for others.
class SendQueueTest : public ServerTest {
 protected:
  // 1000 customers on the server: a page of them is some 100 KiB.
  void load_customers() {
    Device device;
    for (int i = 0; i < 1000; ++i) device.add_customer("Customer " + std::to_string(i), "north");
    TestClient loader(port(), sue_token_);
    ASSERT_TRUE(loader.hello(device.id(), device.counter()).has_welcome());
    // In pushes of 50 (some 9 KB): small enough for any frame limit these tests set.
    const proto::Envelope all = device.push_outbox();
    for (int first = 0; first < all.push().records_size(); first += 50) {
      proto::Envelope push = envelope();
      for (int i = first; i < std::min(first + 50, all.push().records_size()); ++i) {
        push.mutable_push()->add_records(all.push().records(i));
      }
      ASSERT_TRUE(loader.request(push).has_ack());
    }
  }

  // Sends pulls from 0 and reads nothing for a while, then reads until the server closes
  // the connection. The pause matters: the server handles one message at a time (the next
  // is read once the last one's store work is done), so a client that read at once could
  // keep up with the pages and never fill its queue.
  CloseResult pull_without_reading(int pulls) {
    Device device;
    TestClient client(port(), sue_token_);
    EXPECT_TRUE(client.hello(device.id()).has_welcome());
    proto::Envelope pull = envelope();
    pull.mutable_pull()->set_after_seq(0);
    for (int i = 0; i < pulls; ++i) client.send(pull);
    std::this_thread::sleep_for(3s);
    return client.wait_closed(30s);
  }
};

TEST_F(SendQueueTest, AClientThatNeverReadsIsClosedAtTheByteCap) {
  // The smallest queue the server accepts for 16 KiB frames: one page and an ack.
  start([](server::ServerConfig& c) {
    c.limits.max_frame_bytes = 16 * 1024;
    c.limits.send_queue_bytes = c.limits.max_frame_bytes + server::send_queue_reserve_bytes(c.limits);
    c.limits.send_queue_messages = 100'000;
    c.limits.max_messages_per_second = 100'000;
    c.limits.max_unanswered_messages = 100'000;  // what fills here is the send queue
  });
  load_customers();
  {
    // A client that keeps up reads every page, each within the frame limit.
    Device reader;
    TestClient client(port(), sue_token_);
    ASSERT_TRUE(client.hello(reader.id()).has_welcome());
    std::size_t records = 0;
    for (std::uint64_t after = 0;;) {
      const proto::Envelope page = client.pull(after);
      ASSERT_TRUE(page.has_batch()) << page.DebugString();
      EXPECT_LE(page.ByteSizeLong(), 16u * 1024);
      records += static_cast<std::size_t>(page.batch().records_size());
      after = page.batch().to_seq();
      if (!page.batch().more()) break;
    }
    EXPECT_EQ(records, 1000u);
  }
  // Loopback socket buffers take some megabytes before the queue has to hold anything.
  const CloseResult closed = pull_without_reading(400);
  EXPECT_EQ(closed.code, close_code::policy_error) << closed.error;
  EXPECT_NE(closed.reason.find("send queue full"), std::string::npos) << closed.reason;
  expect_server_still_syncs(port(), ana_token_);
}

TEST_F(SendQueueTest, AClientThatNeverReadsIsClosedAtTheMessageCap) {
  start([](server::ServerConfig& c) {
    c.limits.send_queue_messages = 4;
    c.limits.max_messages_per_second = 100'000;
    c.limits.max_unanswered_messages = 100'000;
  });
  load_customers();
  const CloseResult closed = pull_without_reading(400);
  EXPECT_EQ(closed.code, close_code::policy_error) << closed.error;
  EXPECT_NE(closed.reason.find("send queue full"), std::string::npos) << closed.reason;
  expect_server_still_syncs(port(), ana_token_);
}

// The same client under the default limits is a flooder: it is closed once more messages
// wait for a store worker than max_unanswered_messages, long before its replies pile up.
TEST_F(SendQueueTest, AClientWithTooManyMessagesUnansweredIsClosedAsRateLimited) {
  start([](server::ServerConfig& c) { c.limits.max_messages_per_second = 100'000; });
  load_customers();
  const CloseResult closed = pull_without_reading(400);
  EXPECT_EQ(closed.code, close_code::policy_error) << closed.error;
  EXPECT_NE(closed.reason.find("rate_limited: more than 8 messages sent without waiting"), std::string::npos)
      << closed.reason;
  expect_server_still_syncs(port(), ana_token_);
}

TEST_F(ServerTest, ConnectionsOverThePerUserLimitAreRefused) {
  start([](server::ServerConfig& c) { c.limits.max_connections_per_user = 1; });
  TestClient first(port(), sue_token_);
  UpgradeResult second = TestClient::try_upgrade(port(), sue_token_);
  EXPECT_FALSE(second.upgraded);
  EXPECT_EQ(second.status, 429);
  EXPECT_NE(second.body.find("connections"), std::string::npos) << second.body;
  // Another user is not affected.
  expect_server_still_syncs(port(), ana_token_);
}

TEST_F(ServerTest, StopClosesSessionsWithAnErrorAndACloseFrame) {
  Device device;
  TestClient client(port(), sue_token_);
  ASSERT_TRUE(client.hello(device.id()).has_welcome());
  // stop() waits for the closing handshake, so the client must be reading meanwhile.
  auto stopped = std::async(std::launch::async, [this] {
    const auto started = std::chrono::steady_clock::now();
    server_->stop();
    return std::chrono::steady_clock::now() - started;
  });
  CloseResult closed = client.wait_closed();
  expect_fatal_error(closed, ErrorCode::kShuttingDown);
  EXPECT_EQ(closed.code, close_code::going_away);
  EXPECT_LT(stopped.get(), 3s);
  EXPECT_THROW(http_request(port(), "/healthz"), std::runtime_error);
}

}  // namespace
}  // namespace fieldsync::testing
