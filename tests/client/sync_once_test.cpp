// One-shot syncs through the WebSocket client against the production server
// (fieldsync::server::Server) on loopback.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include "client_test_support.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "test_server.hpp"

namespace fieldsync::client {
namespace {

using test::expect_error;
using test::record_count;
using test::replica_states;

FieldValues customer(const std::string& name, const std::string& territory = "north") {
  return {{"name", Value(name)}, {"territory", Value(territory)}};
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

class SyncOnceTest : public test::ServerFixture {};

TEST_F(SyncOnceTest, TwoReplicasConvergeThroughTheServer) {
  Replica a = test::open_replica(dir_, "a.db");
  Replica b = test::open_replica(dir_, "b.db");
  for (int i = 0; i < 3; ++i) a.create("customers", customer("A customer " + std::to_string(i)));
  for (int i = 0; i < 2; ++i) b.create("customers", customer("B customer " + std::to_string(i), "south"));

  auto first = sync_once(a, server_.url(), token_);
  EXPECT_EQ(first.pushed, 3u);
  EXPECT_EQ(first.user, "sam");
  EXPECT_EQ(first.role, "supervisor");

  SyncOptions small_pages;
  small_pages.sync.pull_batch = 2;  // the pull takes several pages
  auto second = sync_once(b, server_.url(), token_, small_pages);
  EXPECT_EQ(second.pushed, 2u);
  EXPECT_GE(second.pulled, 3u);
  sync_once(a, server_.url(), token_);

  EXPECT_EQ(record_count(a), 5u);
  EXPECT_EQ(a.outbox_size(), 0u);
  EXPECT_EQ(b.outbox_size(), 0u);
  EXPECT_EQ(replica_states(a), replica_states(b));

  // Concurrent edits of one field on both sides: both end with the same open conflict.
  auto shared = a.list("customers").front().state.id;
  a.update("customers", shared, {{"phone", Value(std::string("111"))}});
  b.update("customers", shared, {{"phone", Value(std::string("222"))}});
  sync_once(a, server_.url(), token_);
  sync_once(b, server_.url(), token_);
  sync_once(a, server_.url(), token_);
  EXPECT_EQ(replica_states(a), replica_states(b));
  ASSERT_EQ(a.conflicts().size(), 1u);
  EXPECT_EQ(b.conflicts().size(), 1u);
  EXPECT_EQ(a.get("customers", shared)->value("phone"), b.get("customers", shared)->value("phone"));
}

TEST_F(SyncOnceTest, AnEditMadeDuringThePushStaysInTheOutboxAndGoesInTheNextPush) {
  Replica a = test::open_replica(dir_, "a.db");
  Replica b = test::open_replica(dir_, "b.db");
  auto id = a.create("customers", customer("Acme"));

  bool edited = false;
  std::optional<std::vector<OutboxEntry>> after_first_ack;
  SyncOptions options;
  options.on_progress = [&](const ClientSync& sync) {
    if (sync.phase() == ClientSync::Phase::kPushing && !edited) {
      // The push is on the wire, its ack not yet read: edit the record being pushed.
      a.update("customers", id, {{"phone", Value(std::string("555-0100"))}});
      edited = true;
    } else if (edited && sync.stats().pushed == 1 && !after_first_ack) {
      after_first_ack = a.outbox();  // the first push was acknowledged
    }
  };
  auto stats = sync_once(a, server_.url(), token_, options);
  ASSERT_TRUE(edited) << "the sync never reported a push in flight";
  ASSERT_TRUE(after_first_ack) << "the sync never reported the first ack";
  ASSERT_EQ(after_first_ack->size(), 1u) << "the ack covered only the pushed version; the later edit must stay";
  EXPECT_EQ(after_first_ack->front().state.id, id);
  EXPECT_EQ(stats.pushed, 2u) << "the later edit goes in the next push";
  EXPECT_EQ(a.outbox_size(), 0u);

  sync_once(b, server_.url(), token_);
  ASSERT_TRUE(b.get("customers", id));
  EXPECT_EQ(b.get("customers", id)->value("phone"), Value(std::string("555-0100")));
  EXPECT_EQ(replica_states(a), replica_states(b));
}

TEST_F(SyncOnceTest, ABadTokenIsUnauthenticatedWithTheServersReason) {
  Replica a = test::open_replica(dir_, "a.db");
  a.create("customers", customer("Acme"));

  auto garbage = expect_error(ErrorCode::kUnauthenticated, [&] { sync_once(a, server_.url(), "not-a-token"); });
  EXPECT_NE(garbage.find("token"), std::string::npos) << garbage;

  auto issued = server_.store().issue_token("sam", 60'000, SystemClock().now_ms());
  ASSERT_TRUE(server_.store().revoke_token(issued.token_id));
  auto revoked = expect_error(ErrorCode::kUnauthenticated, [&] { sync_once(a, server_.url(), issued.token); });
  EXPECT_NE(revoked.find("revoked"), std::string::npos) << "the server's reason reaches the user: " << revoked;

  auto none = expect_error(ErrorCode::kUnauthenticated, [&] { sync_once(a, server_.url(), ""); });
  EXPECT_NE(none.find("no token"), std::string::npos) << none;
  EXPECT_EQ(a.outbox_size(), 1u) << "nothing was pushed";
}

TEST_F(SyncOnceTest, NothingListeningIsAClearConnectionError) {
  std::uint16_t free_port = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    free_port = probe.local_endpoint().port();
  }  // closed again: nothing listens there now
  Replica a = test::open_replica(dir_, "a.db");
  const std::string url = "ws://127.0.0.1:" + std::to_string(free_port) + "/sync";
  auto message = expect_error(ErrorCode::kIo, [&] { sync_once(a, url, token_); });
  EXPECT_NE(message.find("127.0.0.1:" + std::to_string(free_port)), std::string::npos) << message;
  EXPECT_NE(lower(message).find("refused"), std::string::npos) << message;
}

TEST_F(SyncOnceTest, AServerThatNeverAnswersTheUpgradeTimesOut) {
  // A listening socket nobody accepts on: the kernel completes the TCP handshake, then
  // nothing ever answers.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor silent(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  Replica a = test::open_replica(dir_, "a.db");
  SyncOptions options;
  options.connection.handshake_timeout = std::chrono::milliseconds(200);
  const std::string url = "ws://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/sync";
  const auto started = std::chrono::steady_clock::now();
  auto message = expect_error(ErrorCode::kTimeout, [&] { sync_once(a, url, token_, options); });
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_NE(message.find("200 ms"), std::string::npos) << message;
}

TEST_F(SyncOnceTest, AWrongPathIsNotFound) {
  Replica a = test::open_replica(dir_, "a.db");
  const std::string url = "ws://127.0.0.1:" + std::to_string(server_.port()) + "/elsewhere";
  auto message = expect_error(ErrorCode::kNotFound, [&] { sync_once(a, url, token_); });
  EXPECT_NE(message.find("/elsewhere"), std::string::npos) << message;
}

TEST_F(SyncOnceTest, AnInvalidUrlFailsBeforeConnecting) {
  Replica a = test::open_replica(dir_, "a.db");
  expect_error(ErrorCode::kInvalidArgument, [&] { sync_once(a, "http://127.0.0.1:1/sync", token_); });
  // Plaintext to a host that is not loopback: refused by rule, not by the network (nothing
  // answers at 192.0.2.1, a documentation address).
  expect_error(ErrorCode::kInvalidArgument, [&] { sync_once(a, "ws://192.0.2.1:1/sync", token_); });
}

TEST_F(SyncOnceTest, ADeviceClockAnHourAheadSyncsAndIsReportedForTheUserToFix) {
  // The server used to refuse this hello (clock_skew, fatal): the rep could not sync at all.
  // Now it syncs, and the client reports the offset so that the user is told to fix it.
  constexpr std::int64_t kHour = 60 * 60 * 1000;
  ManualClock ahead(SystemClock().now_ms() + kHour);
  Replica a = Replica::open(dir_.file("a.db"), Schema::domain(), ReplicaOptions{.clock = &ahead});
  a.create("customers", customer("Acme"));
  const ClientSyncStats stats = sync_once(a, server_.url(), token_);
  EXPECT_EQ(stats.pushed, 1u);
  EXPECT_EQ(a.outbox_size(), 0u);
  EXPECT_NEAR(static_cast<double>(stats.clock_offset_ms), -static_cast<double>(kHour), 5000.0);
  EXPECT_GT(stats.max_clock_skew_ms, 0u);
  EXPECT_TRUE(stats.clock_wrong());
  // From now on the replica stamps with the server's time, not the device's.
  EXPECT_NEAR(static_cast<double>(a.now_ms()), static_cast<double>(SystemClock().now_ms()), 5000.0);
}

}  // namespace
}  // namespace fieldsync::client
