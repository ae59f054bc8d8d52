// Misbehaving clients get a clear error and lose their connection; the server stays up
// and keeps serving everyone else.
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "fieldsync/core/error.hpp"
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
