// The HTTP side of the server: health, metrics, history and the authenticated upgrade.
#include <gtest/gtest.h>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "test_client.hpp"
#include "server_fixture.hpp"

namespace fieldsync::testing {
namespace {

TEST_F(ServerTest, HealthzAnswersOk) {
  HttpResult result = http_request(port(), "/healthz");
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, "ok");
}

TEST_F(ServerTest, MetricsArePrometheusText) {
  HttpResult result = http_request(port(), "/metrics");
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.content_type, "text/plain; version=0.0.4");
  EXPECT_NE(result.body.find("# TYPE fieldsync_connections_total counter"), std::string::npos) << result.body;
}

TEST_F(ServerTest, MetricsTimeEachHelloPushAndPull) {
  Replica phone = Replica::open(":memory:", Schema::domain());
  phone.create("customers", {{"name", Value(std::string("Hotel Aurora"))}, {"territory", Value(std::string("north"))}});
  proto::Envelope push = envelope();
  append_wire_state(*push.mutable_push()->add_records(), phone.outbox().at(0).state);
  TestClient ana(port(), ana_token_);
  ASSERT_TRUE(ana.hello(phone.replica_id(), phone.counter()).has_welcome());
  ASSERT_TRUE(ana.request(push).has_ack());

  const std::string metrics = http_request(port(), "/metrics").body;
  EXPECT_NE(metrics.find("# TYPE fieldsync_request_duration_seconds histogram"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("fieldsync_request_duration_seconds_count{request=\"hello\"} 1\n"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("fieldsync_request_duration_seconds_count{request=\"push\"} 1\n"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("fieldsync_request_duration_seconds_bucket{request=\"push\",le=\"+Inf\"} 1\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("fieldsync_request_duration_seconds_count{request=\"pull\"} 0\n"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("fieldsync_records_merged_total 1\n"), std::string::npos) << metrics;
}

TEST_F(ServerTest, UnknownPathIs404) {
  EXPECT_EQ(http_request(port(), "/nothing-here").status, 404);
  EXPECT_EQ(http_request(port(), "/api/history/customers").status, 404);
}

TEST_F(ServerTest, RequestBodyOverTheLimitIsRefused) {
  HttpResult result = http_request(port(), "/healthz", {}, std::string(64 * 1024, 'x'));
  EXPECT_EQ(result.status, 413);
}

TEST_F(ServerTest, UpgradeWithoutTokenIs401) {
  UpgradeResult result = TestClient::try_upgrade(port(), "");
  EXPECT_FALSE(result.upgraded);
  EXPECT_EQ(result.status, 401);
  EXPECT_NE(result.body.find("no token"), std::string::npos) << result.body;
}

TEST_F(ServerTest, UpgradeWithWrongTokenIs401) {
  UpgradeResult garbage = TestClient::try_upgrade(port(), "not-a-token");
  EXPECT_FALSE(garbage.upgraded);
  EXPECT_EQ(garbage.status, 401);
  // A well-formed token with a wrong secret.
  std::string forged = ana_token_;
  forged.back() = forged.back() == 'a' ? 'b' : 'a';
  UpgradeResult wrong = TestClient::try_upgrade(port(), forged);
  EXPECT_FALSE(wrong.upgraded);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_NE(wrong.body.find("not known"), std::string::npos) << wrong.body;
}

TEST_F(ServerTest, UpgradeWithExpiredTokenIs401) {
  const std::string expired = server_->store().issue_token("ana", 1000, now_ms() - 60'000).token;
  UpgradeResult result = TestClient::try_upgrade(port(), expired);
  EXPECT_FALSE(result.upgraded);
  EXPECT_EQ(result.status, 401);
  EXPECT_NE(result.body.find("expired"), std::string::npos) << result.body;
}

TEST_F(ServerTest, UpgradeWithRevokedTokenIs401) {
  const auto issued = server_->store().issue_token("ana", 3'600'000, now_ms());
  ASSERT_TRUE(TestClient::try_upgrade(port(), issued.token).upgraded);
  ASSERT_TRUE(server_->store().revoke_token(issued.token_id));
  UpgradeResult result = TestClient::try_upgrade(port(), issued.token);
  EXPECT_FALSE(result.upgraded);
  EXPECT_EQ(result.status, 401);
  EXPECT_NE(result.body.find("revoked"), std::string::npos) << result.body;
}

// A browser cannot set an Authorization header on a WebSocket: it offers the token as a
// subprotocol, and the server must select `fieldsync.v1` (never echo the token), or the
// browser fails the connection.
TEST_F(ServerTest, BrowserUpgradeWithTokenAsSubprotocolSyncs) {
  UpgradeResult result = TestClient::try_upgrade(port(), ana_token_, TokenIn::kSubprotocol);
  ASSERT_TRUE(result.upgraded) << result.status << " " << result.body;
  EXPECT_EQ(result.subprotocol, "fieldsync.v1");

  Device device;
  TestClient browser(port(), ana_token_, TokenIn::kSubprotocol);
  proto::Envelope welcome = browser.hello(device.id(), device.counter());
  ASSERT_TRUE(welcome.has_welcome()) << welcome.DebugString();
  EXPECT_EQ(welcome.welcome().scope().user(), "ana");
}

TEST_F(ServerTest, BrowserUpgradeWithWrongTokenIs401) {
  std::string forged = ana_token_;
  forged.back() = forged.back() == 'a' ? 'b' : 'a';
  UpgradeResult result = TestClient::try_upgrade(port(), forged, TokenIn::kSubprotocol);
  EXPECT_FALSE(result.upgraded);
  EXPECT_EQ(result.status, 401);
  EXPECT_EQ(result.body.find(forged), std::string::npos) << "the token must not be echoed";
}

TEST_F(ServerTest, NativeUpgradeSelectsNoSubprotocol) {
  UpgradeResult result = TestClient::try_upgrade(port(), ana_token_);
  ASSERT_TRUE(result.upgraded);
  EXPECT_EQ(result.subprotocol, "");
}

TEST_F(ServerTest, HistoryListsAuditEntriesWithinScope) {
  Device device;
  const RecordId north = device.add_customer("Nordwind", "north");
  const RecordId south = device.add_customer("Sudhaus", "south");
  {
    TestClient sue(port(), sue_token_);
    ASSERT_TRUE(sue.hello(device.id(), device.counter()).has_welcome());
    proto::Envelope ack = sue.request(device.push_outbox());
    ASSERT_TRUE(ack.has_ack()) << ack.DebugString();
    ASSERT_EQ(ack.ack().rejected_size(), 0);
  }
  const std::string north_path = "/api/history/customers/" + north.to_string();
  const std::string south_path = "/api/history/customers/" + south.to_string();

  HttpResult for_sue = http_request(port(), south_path, sue_token_);
  EXPECT_EQ(for_sue.status, 200);
  EXPECT_EQ(for_sue.content_type, "application/json");
  EXPECT_EQ(for_sue.body.front(), '[');
  EXPECT_NE(for_sue.body.find("\"action\":\"accepted\""), std::string::npos) << for_sue.body;
  EXPECT_NE(for_sue.body.find("\"user\":\"sue\""), std::string::npos) << for_sue.body;
  EXPECT_NE(for_sue.body.find("\"id\":\"" + south.to_string() + "\""), std::string::npos) << for_sue.body;

  HttpResult ana_north = http_request(port(), north_path, ana_token_);
  EXPECT_EQ(ana_north.status, 200);
  EXPECT_NE(ana_north.body.find("\"action\":\"accepted\""), std::string::npos) << ana_north.body;

  // Outside her scope reads exactly as a record that does not exist: no existence oracle.
  const HttpResult ana_south = http_request(port(), south_path, ana_token_);
  const HttpResult ana_nothing =
      http_request(port(), "/api/history/customers/" + Uuid::parse("0190a000-0000-7000-8000-000000000001")->to_string(),
                   ana_token_);
  EXPECT_EQ(ana_south.status, 404);
  EXPECT_EQ(ana_south.status, ana_nothing.status);
  EXPECT_EQ(ana_south.body, ana_nothing.body);
  EXPECT_EQ(http_request(port(), south_path, "fs1.nope.nope").status, 401);
  EXPECT_EQ(http_request(port(), south_path).status, 401);
  EXPECT_EQ(http_request(port(), "/api/history/spaceships/" + south.to_string(), sue_token_).status, 404);
  EXPECT_EQ(http_request(port(), "/api/history/customers/not-a-uuid", sue_token_).status, 400);
}

}  // namespace
}  // namespace fieldsync::testing
