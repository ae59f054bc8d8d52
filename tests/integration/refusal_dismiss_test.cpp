// A refused write, once its user has seen why: the real client and server on loopback, real
// SQLite replicas. The server sends its copy of each refused record with the refusal (never
// one the pusher may not read); dismissing the refusal puts the phone back where the server
// is, and the next sync has nothing to push for that record. A server whose copy is
// malformed is reported and costs the phone nothing.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "fieldsync/client/sync_once.hpp"
#include "fieldsync/domain_schema_text.hpp"
#include "fieldsync/server/metrics.hpp"
#include "fieldsync/server/sqlite_store.hpp"
#include "fieldsync/server/sync_service.hpp"
#include "fieldsync/test/loopback_transport.hpp"
#include "fieldsync/test/temp_dir.hpp"
#include "server_fixture.hpp"

namespace fieldsync::testing {
namespace {

Value text(const std::string& s) { return Value(s); }

class RefusalDismissTest : public ServerTest {
 protected:
  // A phone that leaves the sales rules to the server (an old app): the refusals here are the
  // server's, of writes out of the rep's territory.
  Replica phone(const std::string& name) {
    return Replica::open((data_dir_ / (name + ".db")).string(), Schema::domain(), ReplicaOptions{.judge_rules = false});
  }

  ClientSyncStats sync(Replica& replica, const std::string& token) {
    return client::sync_once(replica, "ws://127.0.0.1:" + std::to_string(port()) + "/sync", token);
  }

  static std::optional<PushRejection> refusal_of(const Replica& replica, const RecordId& id) {
    for (auto& r : replica.rejections()) {
      if (r.id == id) return r;
    }
    return std::nullopt;
  }
};

TEST_F(RefusalDismissTest, ACustomerMovedOutOfTheRepsTerritoryReturnsToTheServersState) {
  Replica ana = phone("ana");
  const RecordId customer = ana.create("customers", {{"name", text("Nordwind")}, {"territory", text("north")}});
  const RecordId kept = ana.create("customers", {{"name", text("Kept")}, {"territory", text("north")}});
  ASSERT_EQ(sync(ana, ana_token_).rejected, 0u);
  // The office adds an email meanwhile: the server's state is not what ana pushed.
  Replica office = phone("office");
  sync(office, sue_token_);
  office.update("customers", customer, {{"email", text("info@nordwind.example")}});
  ASSERT_EQ(sync(office, sue_token_).rejected, 0u);

  // Offline, ana moves the customer to south (not hers) and edits her other one.
  ana.update("customers", customer, {{"territory", text("south")}, {"phone", text("555")}});
  ana.update("customers", kept, {{"phone", text("123")}});
  const ClientSyncStats stats = sync(ana, ana_token_);
  EXPECT_EQ(stats.rejected, 1u);
  EXPECT_EQ(stats.pushed, 1u);

  auto refusal = refusal_of(ana, customer);
  ASSERT_TRUE(refusal) << "the refusal is not kept";
  EXPECT_EQ(refusal->code, ErrorCode::kForbidden);
  EXPECT_NE(refusal->reason.find("outside your scope"), std::string::npos) << refusal->reason;
  auto on_server = server_->store().get("customers", customer);
  ASSERT_TRUE(on_server);
  ASSERT_TRUE(refusal->server.known);
  EXPECT_EQ(refusal->server.state, on_server) << "the copy kept is the server's state, pulls included";
  EXPECT_EQ(ana.get("customers", customer)->value("territory"), text("south")) << "nothing changes before the rep has seen it";
  EXPECT_EQ(server_->store().history("customers", customer).back().action, "refused");

  EXPECT_EQ(ana.dismiss_rejection("customers", customer), Dismissal::kReverted);
  EXPECT_EQ(ana.state("customers", customer), on_server);
  EXPECT_EQ(ana.get("customers", customer)->value("territory"), text("north"));
  EXPECT_EQ(ana.get("customers", customer)->value("email"), text("info@nordwind.example"));
  EXPECT_EQ(ana.get("customers", kept)->value("phone"), text("123")) << "the accepted edit of another record stays";
  EXPECT_TRUE(ana.rejections().empty());
  EXPECT_EQ(ana.outbox_size(), 0u);

  // Nothing left to push for it, and both sides stay equal.
  const ClientSyncStats again = sync(ana, ana_token_);
  EXPECT_EQ(again.pushed, 0u);
  EXPECT_EQ(again.rejected, 0u);
  EXPECT_EQ(ana.state("customers", customer), server_->store().get("customers", customer));
  // And the rep's next edit of it is an ordinary one, accepted.
  ana.update("customers", customer, {{"phone", text("556")}});
  EXPECT_EQ(sync(ana, ana_token_).rejected, 0u);
  EXPECT_EQ(server_->store().get("customers", customer), ana.state("customers", customer));
}

TEST_F(RefusalDismissTest, ARefusedCreationDisappearsOnDismiss) {
  Replica ana = phone("ana");
  const RecordId south = ana.create("customers", {{"name", text("Sudhaus")}, {"territory", text("south")}});
  EXPECT_EQ(sync(ana, ana_token_).rejected, 1u);
  auto refusal = refusal_of(ana, south);
  ASSERT_TRUE(refusal);
  EXPECT_TRUE(refusal->server.known);
  EXPECT_FALSE(refusal->server.state) << "the server holds no such record";
  ASSERT_TRUE(ana.get("customers", south)) << "kept until the rep has seen why";

  EXPECT_EQ(ana.dismiss_rejection("customers", south), Dismissal::kRemoved);
  EXPECT_FALSE(ana.state("customers", south));
  const ClientSyncStats again = sync(ana, ana_token_);
  EXPECT_EQ(again.pushed, 0u);
  EXPECT_EQ(again.rejected, 0u);
  EXPECT_FALSE(server_->store().get("customers", south));
}

TEST_F(RefusalDismissTest, AnEmptiedRequiredFieldIsRestored) {
  // A supervisor's phone whose app lets a required field be emptied (an old or careless
  // client): the server refuses the record, whoever pushes it.
  std::string lenient(domain_schema_text());
  for (auto at = lenient.find("required: true"); at != std::string::npos; at = lenient.find("required: true", at)) {
    lenient.erase(at, std::string("required: true").size());
  }
  const Schema schema = Schema::from_text(lenient);
  Replica sue = Replica::open((data_dir_ / "sue.db").string(), schema);
  const RecordId customer = sue.create("customers", {{"name", text("Nordwind")}, {"territory", text("north")}});
  ASSERT_EQ(sync(sue, sue_token_).rejected, 0u);
  sue.update("customers", customer, {{"name", Value{}}, {"phone", text("555")}});

  EXPECT_EQ(sync(sue, sue_token_).rejected, 1u);
  auto refusal = refusal_of(sue, customer);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->code, ErrorCode::kMissingField);
  EXPECT_NE(refusal->reason.find("name"), std::string::npos) << refusal->reason;
  EXPECT_EQ(sue.dismiss_rejection("customers", customer), Dismissal::kReverted);
  EXPECT_EQ(sue.get("customers", customer)->value("name"), text("Nordwind"));
  EXPECT_EQ(sue.get("customers", customer)->value("phone"), Value{});
  EXPECT_EQ(sue.state("customers", customer), server_->store().get("customers", customer));
  EXPECT_EQ(sync(sue, sue_token_).pushed, 0u);
}

TEST_F(RefusalDismissTest, ARecordThatLeftTheRepsScopeIsNotSentBack) {
  Replica office = phone("office");
  const RecordId customer = office.create("customers", {{"name", text("Nordwind")}, {"territory", text("north")}});
  ASSERT_EQ(sync(office, sue_token_).rejected, 0u);
  Replica ana = phone("ana");
  sync(ana, ana_token_);
  ASSERT_TRUE(ana.get("customers", customer));
  // The supervisor hands the customer to the south; offline, ana still edits it.
  office.update("customers", customer, {{"territory", text("south")}, {"industry", text("bakery")}});
  ASSERT_EQ(sync(office, sue_token_).rejected, 0u);
  ana.update("customers", customer, {{"phone", text("555")}});

  EXPECT_EQ(sync(ana, ana_token_).rejected, 1u);
  auto refusal = refusal_of(ana, customer);
  ASSERT_TRUE(refusal);
  EXPECT_TRUE(refusal->server.known);
  EXPECT_FALSE(refusal->server.state) << "the server sent a record outside the rep's scope";
  EXPECT_EQ(refusal->reason.find("south"), std::string::npos) << refusal->reason;
  ASSERT_TRUE(ana.get("customers", customer)) << "kept (with its refusal) through the resync";
  EXPECT_EQ(ana.get("customers", customer)->value("industry"), Value{}) << "nothing of the south came through";

  EXPECT_EQ(ana.dismiss_rejection("customers", customer), Dismissal::kRemoved);
  EXPECT_FALSE(ana.state("customers", customer));
  EXPECT_EQ(sync(ana, ana_token_).pushed, 0u);
}

TEST(RefusalServerCopyTest, AMalformedCopyIsReportedAndLosesNothing) {
  test::TempDir dir("fieldsync-refusal-copy");
  SystemClock clock;
  std::filesystem::create_directories(dir.path() / "server");
  auto store = server::open_sqlite_store(dir.path() / "server", Schema::domain(), clock, false);
  store->add_user({"ana", server::Role::kRep, {"north"}});
  const std::string token = store->issue_token("ana", 3'600'000, clock.now_ms()).token;
  server::Metrics metrics;
  server::SyncService service(*store, Schema::domain(), server::Limits{}, metrics, clock);
  Replica ana = Replica::open(dir.file("ana.db"), Schema::domain(), ReplicaOptions{.judge_rules = false});

  // A buggy or hostile server: `corrupt` changes the copy in each refusal it sends.
  auto sync = [&](const std::function<void(proto::Rejection&)>& corrupt) {
    server::Connection connection = service.connect(service.authenticate(token), {});
    test::Loopback loopback(service, connection);
    loopback.on_reply = [&](proto::Envelope& reply) {
      if (!corrupt || !reply.has_ack()) return;
      for (auto& rejection : *reply.mutable_ack()->mutable_rejected()) corrupt(rejection);
    };
    ClientSync client(ana, loopback);
    loopback.run(client);
    service.disconnect(connection);
    return client.error();
  };

  const RecordId customer = ana.create("customers", {{"name", text("Nordwind")}, {"territory", text("north")}});
  ASSERT_FALSE(sync({}).has_value());
  ana.update("customers", customer, {{"territory", text("south")}});
  const RecordState edited = *ana.state("customers", customer);

  const std::vector<std::pair<std::string, std::function<void(proto::Rejection&)>>> attacks = {
      {"bytes that are no state", [](proto::Rejection& r) { r.set_current(std::string("\xff\xff\xff\x07 junk", 9)); }},
      {"another record's state",
       [&](proto::Rejection& r) {
         RecordState other = edited;
         other.id = Uuid::parse("01890a5d-ac96-774b-bcce-b302099a8057").value();
         r.set_current(encode_wire_state(other));
       }},
      {"a state the schema refuses",
       [&](proto::Rejection& r) {
         RecordState bad = edited;
         bad.collection = "invoices";
         r.set_current(encode_wire_state(bad));
       }},
  };
  for (const auto& [what, corrupt] : attacks) {
    SCOPED_TRACE(what);
    const auto error = sync(corrupt);
    ASSERT_TRUE(error.has_value()) << "a malformed copy went unreported";
    EXPECT_NE(std::string(error->what()).find("server's copy of refused customers " + customer.to_string()),
              std::string::npos)
        << error->what();
    // The refusal is kept, the copy is not, and the edit stays on the phone, queued.
    ASSERT_EQ(ana.rejections().size(), 1u);
    EXPECT_FALSE(ana.rejections()[0].server.known);
    EXPECT_EQ(ana.state("customers", customer), edited);
    EXPECT_EQ(ana.outbox_size(), 1u);
  }
  // A server that answers properly again: the copy arrives, and dismissing it works.
  ASSERT_FALSE(sync({}).has_value());
  ASSERT_EQ(ana.rejections().size(), 1u);
  EXPECT_TRUE(ana.rejections()[0].server.known);
  EXPECT_EQ(ana.dismiss_rejection("customers", customer), Dismissal::kReverted);
  EXPECT_EQ(ana.state("customers", customer), store->get("customers", customer));
}

}  // namespace
}  // namespace fieldsync::testing
