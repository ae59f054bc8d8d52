// The server guards causality (docs/architecture.md, "Causality is checked"): a rep who
// forges a version vector or a sibling in a colleague's name over the raw protocol is
// refused per record and audited, and the colleague, syncing with the real `fieldsync`
// CLI, keeps reaching the server. A replica id belongs to the user who registered it.
#include <algorithm>

#include <gtest/gtest.h>

#include "cli_runner.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "server_fixture.hpp"
#include "system_support.hpp"

namespace fieldsync::testing {
namespace {

using cli::test::CliResult;
using cli::test::CliSandbox;

constexpr std::uint64_t kForgedCounter = std::uint64_t{1} << 62;

class CausalGuardTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    server_->store().add_user({"bob", server::Role::kRep, {"north"}});
    bob_token_ = issue("bob");
    url_ = "ws://127.0.0.1:" + std::to_string(port()) + "/sync";
    // The supervisor's office replica creates a north customer; Bob, with the real CLI,
    // pulls it and edits its email: the server's state names both replicas.
    office_ = std::make_unique<Replica>(Replica::open(dir_.file("office.db"), Schema::domain()));
    customer_ = office_->create("customers", {{"name", Value(std::string("Hotel Aurora"))},
                                              {"territory", Value(std::string("north"))},
                                              {"phone", Value(std::string("+49 30 1"))}});
    client::sync_once(*office_, url_, sue_token_);
    bob_replica_ = *Uuid::parse(box_.init("bob.db"));
    bob_sync();
    bob_put("email=bob@example.com");
    const CliResult synced = bob_sync();
    EXPECT_EQ(synced.exit_code, 0) << synced.out << synced.err;
  }

  CliResult bob_sync() { return box_.run_db("bob.db", {"sync", "--server", url_, "--token", bob_token_}); }
  void bob_put(const std::string& assignment) {
    CliResult r = box_.run_db("bob.db", {"put", "customers", customer_.to_string(), assignment});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  RecordState on_server() { return server_->store().get("customers", customer_).value(); }

  // Ana's forging client: a fresh replica id of hers, the customer as the server sends it.
  struct Forger {
    Device device;
    std::unique_ptr<TestClient> client;
    RecordState pulled;
  };
  std::unique_ptr<Forger> forger() {
    auto f = std::make_unique<Forger>();
    f->client = std::make_unique<TestClient>(port(), ana_token_);
    EXPECT_TRUE(f->client->hello(f->device.id()).has_welcome());
    const proto::Envelope batch = f->client->pull(0);
    for (const auto& record : batch.batch().records()) {
      RecordState state = decode_wire_state(record);
      if (state.id == customer_) f->pulled = state;
    }
    EXPECT_EQ(f->pulled.id, customer_);
    return f;
  }

  // Pushes one state; returns the ack's single refusal code (0: accepted).
  static std::uint32_t push(Forger& f, const RecordState& state) {
    proto::Envelope message = envelope();
    append_wire_state(*message.mutable_push()->add_records(), state);
    const proto::Envelope reply = f.client->request(std::move(message));
    EXPECT_TRUE(reply.has_ack()) << reply.DebugString();
    return reply.ack().rejected_size() ? reply.ack().rejected(0).code() : 0;
  }

  bool refusal_audited(const std::string& mentions) {
    const auto history = server_->store().history("customers", customer_);
    return std::any_of(history.begin(), history.end(), [&](const server::AuditEntry& e) {
      return e.action == "refused" && e.user == "ana" && e.detail.find(mentions) != std::string::npos;
    });
  }

  // The one text value of a field (gtest cannot print a Value).
  static std::string text_in(const RecordState& state, std::string_view field) {
    const FieldState* f = state.field(field);
    if (!f || f->siblings.size() != 1) return "<conflict or none>";
    const auto* text = std::get_if<std::string>(&f->siblings[0].value);
    return text ? *text : "<not text>";
  }
  static std::string phone_in(const RecordState& state) { return text_in(state, "phone"); }

  ScratchDir dir_;
  CliSandbox box_;
  std::string bob_token_;
  std::string url_;
  std::unique_ptr<Replica> office_;
  RecordId customer_;
  ReplicaId bob_replica_;
};

constexpr auto kUnverified = static_cast<std::uint32_t>(ErrorCode::kUnverifiedHistory);

TEST_F(CausalGuardTest, AForgedVersionVectorIsRefusedAndTheColleaguesLaterEditStillArrives) {
  auto ana = forger();
  RecordState forged = ana->pulled;
  apply_write(forged, Dot{ana->device.id(), 1}, Hlc(now_ms(), 0), {{"tier", Value(std::string("vip"))},
                                                                     {std::string(kDeletedField), Value(false)}});
  forged.vv.advance(bob_replica_, kForgedCounter);                 // the colleague's writes to come
  forged.vv.advance(office_->replica_id(), kForgedCounter);       // and the supervisor's
  EXPECT_EQ(push(*ana, forged), kUnverified);
  EXPECT_TRUE(refusal_audited("does not hold"));
  EXPECT_LT(on_server().vv.get(bob_replica_), kForgedCounter);

  // Bob edits the phone with the CLI: it reaches the server, and replica and server agree.
  bob_put("phone=+49 30 999");
  const CliResult synced = bob_sync();
  ASSERT_EQ(synced.exit_code, 0) << synced.out << synced.err;
  EXPECT_NE(synced.out.find("pushed:     1 record"), std::string::npos) << synced.out;
  EXPECT_EQ(phone_in(on_server()), "+49 30 999");
  {
    Replica bob = Replica::open(box_.path("bob.db"), Schema::domain());
    EXPECT_EQ(bob.state("customers", customer_), on_server());
  }
  // The supervisor's edits arrive too, and everyone converges.
  office_->update("customers", customer_, {{"tier", Value(std::string("regular"))}});
  const ClientSyncStats office = client::sync_once(*office_, url_, sue_token_);
  EXPECT_EQ(office.pushed, 1u);
  EXPECT_EQ(office.rejected, 0u);
  EXPECT_EQ(bob_sync().exit_code, 0);
  EXPECT_EQ(text_in(on_server(), "tier"), "regular");
  Replica bob = Replica::open(box_.path("bob.db"), Schema::domain());
  EXPECT_EQ(bob.state("customers", customer_), on_server());
  EXPECT_EQ(office_->state("customers", customer_), on_server());
}

TEST_F(CausalGuardTest, ASiblingInTheSupervisorsNameIsRefused) {
  auto ana = forger();
  const ReplicaId supervisor = office_->replica_id();
  // A new write under the supervisor's replica id.
  RecordState invented = ana->pulled;
  apply_write(invented, Dot{supervisor, ana->pulled.vv.get(supervisor) + 1}, Hlc(now_ms(), 0),
              {{"tier", Value(std::string("vip"))}, {std::string(kDeletedField), Value(false)}});
  EXPECT_EQ(push(*ana, invented), kUnverified);
  // The supervisor's existing write of the phone, with another value.
  RecordState altered = ana->pulled;
  for (auto& field : altered.fields) {
    if (field.name == "phone") field.siblings[0].value = Value(std::string("+1 forged"));
  }
  apply_write(altered, Dot{ana->device.id(), 1}, Hlc(now_ms(), 0), {{"email", Value(std::string("x@example.com"))}});
  EXPECT_EQ(push(*ana, altered), kUnverified);
  EXPECT_TRUE(refusal_audited(supervisor.to_string()));

  const RecordState stored = on_server();
  for (const auto& field : stored.fields) {
    for (const auto& s : field.siblings) {
      EXPECT_FALSE(s.dot.replica == supervisor && s.value == Value(std::string("vip"))) << field.name;
    }
  }
  EXPECT_EQ(phone_in(stored), "+49 30 1");
}

TEST_F(CausalGuardTest, AReplicaIdRegisteredByAnotherUserIsRefusedAtHello) {
  TestClient ana(port(), ana_token_);
  const proto::Envelope reply = ana.hello(bob_replica_, 100);
  ASSERT_TRUE(reply.has_error()) << reply.DebugString();
  EXPECT_EQ(reply.error().code(), static_cast<std::uint32_t>(ErrorCode::kForbidden));
  EXPECT_TRUE(reply.error().fatal());
  EXPECT_NE(reply.error().message().find("registered to another user"), std::string::npos);
  ana.wait_closed();
  // Bob's replica is still his.
  bob_put("phone=+49 30 2");
  EXPECT_EQ(bob_sync().exit_code, 0);
  EXPECT_EQ(phone_in(on_server()), "+49 30 2");
}

// Changes relayed between phones through files carry writes the server has not received:
// the relaying phone keeps its edit queued (and shows why) until the author has synced.
TEST_F(CausalGuardTest, ARelayedEditWaitsInTheOutboxUntilItsAuthorHasSynced) {
  Replica ana = Replica::open(dir_.file("ana.db"), Schema::domain());
  Replica carla = Replica::open(dir_.file("carla.db"), Schema::domain());  // Ana's colleague's phone, also Ana's user
  client::sync_once(ana, url_, ana_token_);
  const RecordId made = carla.create("customers", {{"name", Value(std::string("Met Offline"))},
                                                  {"territory", Value(std::string("north"))}});
  ana.merge(carla.changes_since(0).states);  // a change file from Carla's phone
  ana.update("customers", made, {{"phone", Value(std::string("+49 1"))}});

  const ClientSyncStats first = client::sync_once(ana, url_, ana_token_);
  EXPECT_EQ(first.rejected, 1u);
  EXPECT_EQ(first.held_back, 1u);
  EXPECT_EQ(ana.outbox_size(), 1u) << "the edit stays queued";
  ASSERT_EQ(ana.rejections().size(), 1u);
  EXPECT_EQ(ana.rejections()[0].code, ErrorCode::kUnverifiedHistory);
  EXPECT_FALSE(server_->store().get("customers", made));

  client::sync_once(carla, url_, ana_token_);  // the author syncs its own write
  const ClientSyncStats second = client::sync_once(ana, url_, ana_token_);
  EXPECT_EQ(second.rejected, 0u);
  EXPECT_EQ(ana.outbox_size(), 0u);
  EXPECT_TRUE(ana.rejections().empty()) << "accepted at last: the refusal is settled";
  EXPECT_EQ(ana.state("customers", made), server_->store().get("customers", made));
}

}  // namespace
}  // namespace fieldsync::testing
