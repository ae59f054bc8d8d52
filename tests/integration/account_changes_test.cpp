// Account changes made by the admin commands (a separate fieldsync-server process on the
// same data directory) while the server runs: a revoked token or a disabled user ends the
// open connections within the documented bound and their requests are refused at once; a
// user's new territories make their replicas resync to exactly the records of those.
#include <chrono>
#include <thread>

#include "fieldsync/client/sync_once.hpp"
#include "server_fixture.hpp"
#include "system_support.hpp"

namespace fieldsync::testing {
namespace {

using Steady = std::chrono::steady_clock;

// docs/operations.md: an open connection ends within account_check_interval_ms (1 s by
// default) plus the lookups; two seconds is the promise.
constexpr auto kEndBound = 2000ms;

std::string territory_of(const RecordState& state) {
  for (const auto& field : state.fields) {
    if (field.name == "territory" && !field.siblings.empty()) return std::get<std::string>(field.siblings[0].value);
  }
  return "";
}

std::string token_id_of(const std::string& token) {  // "fs1.<id>.<secret>"
  return token.substr(4, token.find('.', 4) - 4);
}

class AccountChangesTest : public ServerTest {
 protected:
  // The real admin command, as an operator runs it beside the server.
  std::string admin(const std::string& arguments) {
    return ServerProcess(data_dir_, data_dir_ / "admin.log").admin(arguments);
  }

  // A connection of `token` that said hello and pulled to the head: live.
  std::unique_ptr<TestClient> live_connection(const std::string& token) {
    auto client = std::make_unique<TestClient>(port(), token);
    Device device;
    EXPECT_TRUE(client->hello(device.id()).has_welcome());
    const proto::Envelope batch = client->pull(0);
    EXPECT_TRUE(batch.has_batch() && !batch.batch().more());
    return client;
  }

  // Waits for the server to close `client`; returns how long that took from `since`, and
  // checks that it said why: a fatal unauthenticated error mentioning `why`.
  std::chrono::milliseconds expect_ended(TestClient& client, Steady::time_point since, const std::string& why) {
    const CloseResult closed = client.wait_closed(5s);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - since);
    bool told = false;
    for (const auto& message : closed.messages) {
      if (message.has_error() && message.error().fatal() &&
          message.error().code() == static_cast<std::uint32_t>(ErrorCode::kUnauthenticated) &&
          message.error().message().find(why) != std::string::npos) {
        told = true;
      }
    }
    EXPECT_TRUE(told) << "no fatal unauthenticated error saying '" << why << "' before the close";
    return took;
  }
};

TEST_F(AccountChangesTest, RevokingATokenEndsItsLiveSessionsWithinTheBound) {
  auto ana = live_connection(ana_token_);
  auto sue = live_connection(sue_token_);

  admin("token revoke " + token_id_of(ana_token_));
  const auto revoked_at = Steady::now();
  EXPECT_LE(expect_ended(*ana, revoked_at, "revoked"), kEndBound);
  EXPECT_EQ(TestClient::try_upgrade(port(), ana_token_).status, 401);

  // Sue's token was not touched: her connection is still live and gets commits.
  Device office;
  office.add_customer("Hotel Aurora", "north");
  TestClient writer(port(), sue_token_);
  writer.hello(office.id());
  ASSERT_TRUE(writer.request(office.push_outbox()).has_ack());
  const proto::Envelope live = sue->receive();
  ASSERT_TRUE(live.has_batch()) << live.DebugString();
  EXPECT_EQ(live.batch().records_size(), 1);
}

TEST_F(AccountChangesTest, ARequestAfterTheRevocationIsRefusedAtOnceNotAtTheNextCheck) {
  // The periodic check is out of the picture: only the request's own check can refuse it.
  start([](server::ServerConfig& config) { config.limits.account_check_interval = std::chrono::minutes(1); });
  TestClient ana(port(), ana_token_);
  Device phone;
  ASSERT_TRUE(ana.hello(phone.id()).has_welcome());
  const RecordId id = phone.add_customer("Hotel Aurora", "north");

  admin("token revoke " + token_id_of(ana_token_));
  const proto::Envelope reply = ana.request(phone.push_outbox());
  ASSERT_TRUE(reply.has_error()) << reply.DebugString();
  EXPECT_EQ(reply.error().code(), static_cast<std::uint32_t>(ErrorCode::kUnauthenticated));
  EXPECT_TRUE(reply.error().fatal());
  EXPECT_NE(reply.error().message().find("revoked"), std::string::npos) << reply.error().message();
  EXPECT_FALSE(server_->store().get("customers", id)) << "a push after the revocation was merged";
  ana.wait_closed();
}

TEST_F(AccountChangesTest, DisablingAUserEndsTheirSessionsAndEnablingLetsThemBackIn) {
  const std::string second_token = issue("ana");
  auto phone = live_connection(ana_token_);
  auto laptop = live_connection(second_token);

  admin("user disable ana");
  const auto disabled_at = Steady::now();
  EXPECT_LE(expect_ended(*phone, disabled_at, "disabled"), kEndBound);
  EXPECT_LE(expect_ended(*laptop, disabled_at, "disabled"), kEndBound);
  const UpgradeResult refused = TestClient::try_upgrade(port(), ana_token_);
  EXPECT_EQ(refused.status, 401);
  EXPECT_NE(refused.body.find("disabled"), std::string::npos) << refused.body;

  admin("user enable ana");
  auto again = live_connection(ana_token_);  // the same, unrevoked token works again
  Device office;
  office.add_customer("Hotel Aurora", "north");
  TestClient writer(port(), sue_token_);
  writer.hello(office.id());
  ASSERT_TRUE(writer.request(office.push_outbox()).has_ack());
  EXPECT_TRUE(again->receive().has_batch());
}

class TerritoryChangeTest : public AccountChangesTest {
 protected:
  void SetUp() override {
    AccountChangesTest::SetUp();
    office_.emplace(Replica::open((data_dir_ / "office.db").string(), Schema::domain()));
    for (const char* territory : {"north", "east", "south"}) {
      const RecordId customer = office_->create(
          "customers", {{"name", Value("Hotel " + std::string(territory))}, {"territory", Value(std::string(territory))}});
      office_->create("visits", {{"customer_id", Value(customer.to_string())},
                                 {"visited_on", Value(std::string("2030-01-02"))},
                                 {"summary", Value(std::string("Wants a quote"))}});
    }
    sync(*office_, sue_token_);
  }

  ClientSyncStats sync(Replica& replica, const std::string& token) {
    return client::sync_once(replica, "ws://127.0.0.1:" + std::to_string(port()) + "/sync", token);
  }

  // What the server holds that `territories` cover, and what `replica` holds, must agree.
  void expect_holds_exactly(const Replica& replica, const std::vector<std::string>& territories) {
    const std::vector<std::string> collections = {"customers", "visits"};
    const StateDump expected =
        dump_server_scope(server_->store(), server::Principal{"ana", server::Role::kRep, territories}, collections);
    EXPECT_EQ(expected.size(), 2 * territories.size());
    EXPECT_EQ(first_difference(expected, dump_replica(replica, collections)), "");
  }

  std::optional<Replica> office_;
};

TEST_F(TerritoryChangeTest, ARepsReplicaResyncsToExactlyTheirNewTerritoriesAtItsNextSync) {
  Replica ana = Replica::open((data_dir_ / "ana.db").string(), Schema::domain());
  sync(ana, ana_token_);
  expect_holds_exactly(ana, {"north"});

  const std::string out = admin("user set-territories ana east,south");
  EXPECT_NE(out.find("east,south"), std::string::npos) << out;
  EXPECT_NE(admin("user list").find("east,south"), std::string::npos);

  const ClientSyncStats stats = sync(ana, ana_token_);
  EXPECT_TRUE(stats.resynced);
  EXPECT_EQ(stats.territories, (std::vector<std::string>{"east", "south"}));
  expect_holds_exactly(ana, {"east", "south"});
  EXPECT_FALSE(sync(ana, ana_token_).resynced) << "once is enough";
}

TEST_F(TerritoryChangeTest, ALiveConnectionIsToldToResyncAtOnceAndReadsTheNewScope) {
  auto ana = live_connection(ana_token_);
  admin("user set-territories ana east");
  const auto changed_at = Steady::now();
  const proto::Envelope told = ana->receive(5s);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - changed_at);
  ASSERT_TRUE(told.has_batch()) << told.DebugString();
  EXPECT_TRUE(told.batch().resync());
  EXPECT_EQ(told.request_id(), 0u);
  EXPECT_LE(took, kEndBound);

  // The same connection now reads east, not north: the east customer and its visit.
  const proto::Envelope page = ana->pull(0);
  ASSERT_TRUE(page.has_batch());
  EXPECT_EQ(page.batch().records_size(), 2);
  for (const auto& record : page.batch().records()) {
    const RecordState state = decode_wire_state(record);
    if (state.collection == "customers") {
      EXPECT_EQ(territory_of(state), "east");
    }
  }
}

}  // namespace
}  // namespace fieldsync::testing
