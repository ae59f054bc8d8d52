// Phones with clocks days off sync through a real server (docs/architecture.md, "Clocks").
// A wrong clock never stops a sync: the server measures it, the client stamps with the
// corrected clock and corrects its unpushed edits before pushing them, and the server lowers
// stamps from the future that a client did not correct. The clocks order concurrent
// siblings only: the edit made later in true time shows, and replicas converge byte for
// byte.
#include <string>

#include "fieldsync/client/sync_once.hpp"
#include "server_fixture.hpp"

namespace fieldsync::testing {
namespace {

constexpr std::int64_t kMinute = 60 * 1000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

class ClockSkewSyncTest : public ServerTest {
 protected:
  void SetUp() override {
    clock_ = &truth_;  // the server's clock is true time
    ServerTest::SetUp();
    server_->store().add_user({"bob", server::Role::kRep, {"north"}});
    // True time moves hours on here: tokens that outlive the test.
    auto token = [&](const std::string& user) { return server_->store().issue_token(user, kDay, truth_.now_ms()).token; };
    ana_token_ = token("ana");
    sue_token_ = token("sue");
    bob_token_ = token("bob");
  }

  // A phone whose clock is `clock` (true time plus its error).
  Replica phone(const std::string& name, const Clock& clock) {
    return Replica::open((data_dir_ / (name + ".db")).string(), Schema::domain(), ReplicaOptions{.clock = &clock});
  }

  ClientSyncStats sync(Replica& replica, const std::string& token) {
    return client::sync_once(replica, "ws://127.0.0.1:" + std::to_string(port()) + "/sync", token);
  }

  static std::string text(const Replica& replica, const RecordId& id, std::string_view field) {
    const Value& value = replica.get("customers", id)->value(field);
    return is_null(value) ? "<null>" : std::get<std::string>(value);
  }

  // Every stamp any of them holds is in the past of true time: none can win forever.
  void expect_no_future_stamp(std::initializer_list<const Replica*> replicas) {
    for (const Replica* replica : replicas) {
      for (const auto& collection : replica->schema().collections()) {
        ListQuery all;
        all.include_deleted = true;
        for (const auto& record : replica->list(collection.name, all)) {
          for (const auto& field : record.state.fields) {
            for (const auto& sibling : field.siblings) {
              EXPECT_LE(sibling.hlc.ms(), truth_.now_ms()) << collection.name << "." << field.name;
            }
          }
        }
      }
    }
  }

  void expect_same_states(const Replica& a, const Replica& b, const RecordId& id) {
    ASSERT_TRUE(a.state("customers", id) && b.state("customers", id));
    EXPECT_EQ(encode_state(*a.state("customers", id)), encode_state(*b.state("customers", id)));
  }

  // A phone whose clock runs a year ahead and that never corrects it (an old or hostile
  // client) holds the office's customer and has edited its phone number offline.
  Replica future_phone_editing(Replica& office, const RecordId& customer) {
    Replica hostile = phone("hostile", year_ahead_clock_);
    hostile.merge(office.changes_since(0).states);
    hostile.update("customers", customer, {{"phone", Value("from the future")}});
    return hostile;
  }

  // The office creates a customer that every phone then pulls.
  RecordId office_customer(Replica& office) {
    const RecordId id = office.create("customers", {{"name", Value("Acme")}, {"territory", Value("north")}});
    sync(office, sue_token_);
    return id;
  }

  // Offline, in true time: the slow phone sets the phone number at +1 h, the fast one at
  // +2 h; the fast one sets the email at +3 h, the slow one at +4 h. Then both sync, and
  // everyone syncs once more to converge.
  void edit_offline_then_sync(Replica& fast, Replica& slow, Replica& office, const RecordId& id) {
    truth_.advance(kHour);
    slow.update("customers", id, {{"phone", Value("slow +1h")}});
    truth_.advance(kHour);
    fast.update("customers", id, {{"phone", Value("fast +2h")}});
    truth_.advance(kHour);
    fast.update("customers", id, {{"email", Value("fast@3h.example")}});
    truth_.advance(kHour);
    slow.update("customers", id, {{"email", Value("slow@4h.example")}});
    truth_.advance(kHour);
    EXPECT_EQ(sync(fast, ana_token_).rejected, 0u);
    EXPECT_EQ(sync(slow, bob_token_).rejected, 0u);
    sync(fast, ana_token_);
    sync(office, sue_token_);
    EXPECT_EQ(fast.outbox_size(), 0u);
    EXPECT_EQ(slow.outbox_size(), 0u);
  }

  void expect_later_edits_show_everywhere(Replica& fast, Replica& slow, Replica& office, const RecordId& id) {
    for (const Replica* replica : {&fast, &slow, &office}) {
      // Both edits of each field are kept (they are concurrent); the later one shows.
      EXPECT_EQ(text(*replica, id, "phone"), "fast +2h");
      EXPECT_EQ(text(*replica, id, "email"), "slow@4h.example");
      EXPECT_EQ(replica->state("customers", id)->field("phone")->siblings.size(), 2u);
    }
    expect_same_states(fast, office, id);
    expect_same_states(slow, office, id);
    expect_no_future_stamp({&fast, &slow, &office});
  }

  ManualClock truth_{now_ms()};
  OffsetClock fast_clock_{truth_, 3 * kDay};
  OffsetClock slow_clock_{truth_, -3 * kDay};
  OffsetClock office_clock_{truth_, 0};
  OffsetClock year_ahead_clock_{truth_, 365 * kDay};
  std::string bob_token_;
};

TEST_F(ClockSkewSyncTest, PhonesThreeDaysFastAndSlowSyncAndTheLaterEditShows) {
  Replica office = phone("office", office_clock_);
  Replica fast = phone("fast", fast_clock_);
  Replica slow = phone("slow", slow_clock_);
  const RecordId acme = office_customer(office);

  // Neither hello is refused; each phone learns how far off it is, and is told to fix it.
  const ClientSyncStats fast_first = sync(fast, ana_token_);
  const ClientSyncStats slow_first = sync(slow, bob_token_);
  EXPECT_EQ(fast_first.pulled, 1u);
  EXPECT_EQ(fast_first.clock_offset_ms, -3 * kDay);
  EXPECT_EQ(slow_first.clock_offset_ms, 3 * kDay);
  EXPECT_TRUE(fast_first.clock_wrong());
  EXPECT_TRUE(slow_first.clock_wrong());
  EXPECT_EQ(fast.now_ms(), truth_.now_ms());
  EXPECT_EQ(slow.now_ms(), truth_.now_ms());

  // Their offline edits are stamped with the corrected clocks.
  edit_offline_then_sync(fast, slow, office, acme);
  expect_later_edits_show_everywhere(fast, slow, office, acme);
}

TEST_F(ClockSkewSyncTest, ClocksSetWrongWhileOfflineAreCorrectedBeforePushing) {
  Replica office = phone("office", office_clock_);
  fast_clock_.set_offset_ms(0);  // right at its first sync
  Replica fast = phone("fast", fast_clock_);
  Replica slow = phone("slow", slow_clock_);
  OffsetClock new_phone_clock(truth_, -3 * kDay);  // never synced yet
  Replica new_phone = phone("new", new_phone_clock);
  const RecordId acme = office_customer(office);
  sync(fast, ana_token_);
  sync(slow, bob_token_);

  // Offline, the fast phone's rep sets its clock three days ahead (a wrong time zone, a
  // manual date): its edits are stamped in the future, with the old (zero) correction. A
  // new phone three days slow makes a record before it ever synced.
  fast_clock_.set_offset_ms(3 * kDay);
  const RecordId made_fast = fast.create("customers", {{"name", Value("Made offline")}, {"territory", Value("north")}});
  const RecordId made_new = new_phone.create("customers", {{"name", Value("New phone")}, {"territory", Value("north")}});
  edit_offline_then_sync(fast, slow, office, acme);
  const ClientSyncStats first = sync(new_phone, bob_token_);
  EXPECT_GT(first.restamped, 0u);
  sync(office, sue_token_);
  expect_later_edits_show_everywhere(fast, slow, office, acme);

  // Both records made offline reached the office, stamped at their true time.
  for (const RecordId& id : {made_fast, made_new}) {
    ASSERT_TRUE(office.get("customers", id));
    EXPECT_EQ(office.state("customers", id)->field("name")->siblings.front().hlc.ms(),
              truth_.now_ms() - static_cast<std::uint64_t>(5 * kHour));
  }
  expect_same_states(fast, office, made_fast);
  expect_same_states(new_phone, office, made_new);
  expect_no_future_stamp({&new_phone});
  // The fast phone's own clock no longer runs ahead either.
  EXPECT_LE(fast.clock().ms(), truth_.now_ms());
}

// A phone that does not correct its clock (an old or hostile client) pushes an edit stamped
// a year ahead. The server takes the edit and lowers the stamp to its own clock, so a
// concurrent edit made later shows; the pusher converges when it pulls its edit back.
TEST_F(ClockSkewSyncTest, AStampFromTheFutureIsLoweredAndCannotWinForever) {
  Replica office = phone("office", office_clock_);
  const RecordId acme = office_customer(office);
  Replica hostile = future_phone_editing(office, acme);
  ASSERT_GT(hostile.state("customers", acme)->field("phone")->siblings.front().hlc.ms(),
            truth_.now_ms() + static_cast<std::uint64_t>(300 * kDay));

  // Its own push, without the client's correction.
  const std::uint64_t pushed_at = truth_.now_ms();
  {
    TestClient client(port(), ana_token_);
    ASSERT_TRUE(client.hello(hostile.replica_id(), hostile.counter()).has_welcome());
    proto::Envelope push = envelope();
    for (const auto& entry : hostile.outbox()) append_wire_state(*push.mutable_push()->add_records(), entry.state);
    const proto::Envelope ack = client.request(push);
    ASSERT_TRUE(ack.has_ack()) << ack.DebugString();
    EXPECT_EQ(ack.ack().rejected_size(), 0) << ack.DebugString();
    // It pulls its edit back: the same version vector, its own stamp lowered. Merging keeps
    // the smaller stamp, so the pusher now holds exactly what the server holds.
    const proto::Envelope batch = client.pull(0);
    ASSERT_TRUE(batch.has_batch()) << batch.DebugString();
    std::vector<RecordState> states;
    for (const auto& record : batch.batch().records()) states.push_back(decode_wire_state(record));
    hostile.merge(states);
    const auto on_server = server_->store().changes_since(0, 1000, {}, [](const RecordState&) { return true; });
    ASSERT_EQ(on_server.states.size(), 1u);
    EXPECT_EQ(encode_state(*hostile.state("customers", acme)), encode_state(on_server.states.front()));
    EXPECT_EQ(hostile.state("customers", acme)->field("phone")->siblings.front().hlc, Hlc(pushed_at, 0));
  }
  // The office edits the phone concurrently (offline), a minute later in true time.
  truth_.advance(kMinute);
  office.update("customers", acme, {{"phone", Value("office, later")}});
  sync(office, sue_token_);
  EXPECT_EQ(text(office, acme, "phone"), "office, later");
  EXPECT_EQ(office.state("customers", acme)->field("phone")->siblings.size(), 2u);
  const auto office_state = office.state("customers", acme);
  for (const auto& sibling : office_state->field("phone")->siblings) {
    if (sibling.dot.replica == hostile.replica_id()) {
      EXPECT_EQ(sibling.hlc, Hlc(pushed_at, 0));
    }
  }
  // The pusher converges: its copy of its own write takes the server's lower stamp.
  hostile.merge(office.changes_since(0).states);
  expect_same_states(hostile, office, acme);
  EXPECT_EQ(text(hostile, acme, "phone"), "office, later");
}

// The same push on a live connection: the pusher's live batch leaves out what it holds
// already, but a record whose stamps the server lowered is not what it holds, and must come
// back to it, or its checkpoint would move past a state it never applied.
TEST_F(ClockSkewSyncTest, ALiveConnectionGetsItsLoweredRecordBack) {
  Replica office = phone("office", office_clock_);
  const RecordId acme = office_customer(office);
  Replica hostile = future_phone_editing(office, acme);

  TestClient client(port(), ana_token_);
  ASSERT_TRUE(client.hello(hostile.replica_id(), hostile.counter()).has_welcome());
  const proto::Envelope caught_up = client.pull(0);
  ASSERT_TRUE(caught_up.has_batch() && !caught_up.batch().more()) << caught_up.DebugString();
  const std::uint64_t pushed_at = truth_.now_ms();
  proto::Envelope push = envelope();
  for (const auto& entry : hostile.outbox()) append_wire_state(*push.mutable_push()->add_records(), entry.state);
  const proto::Envelope ack = client.request(push);
  ASSERT_TRUE(ack.has_ack() && ack.ack().rejected_size() == 0) << ack.DebugString();

  const proto::Envelope live = client.receive();
  ASSERT_TRUE(live.has_batch()) << live.DebugString();
  ASSERT_EQ(live.batch().records_size(), 1) << "the lowered record did not come back to its pusher";
  const RecordState back = decode_wire_state(live.batch().records(0));
  EXPECT_EQ(back.field("phone")->siblings.front().hlc, Hlc(pushed_at, 0));
}

TEST_F(ClockSkewSyncTest, TheWelcomeSaysHowFarOffTheDeviceClockIs) {
  Device device;
  TestClient ana(port(), ana_token_);
  proto::Envelope hello = envelope();
  hello.mutable_hello()->set_replica_id(std::string(device.id().raw()));
  hello.mutable_hello()->set_client_clock_ms(truth_.now_ms() - static_cast<std::uint64_t>(3 * kDay));
  const proto::Envelope reply = ana.request(hello);
  ASSERT_TRUE(reply.has_welcome()) << reply.DebugString();
  EXPECT_EQ(reply.welcome().server_clock_ms(), truth_.now_ms());
  EXPECT_EQ(reply.welcome().client_clock_skew_ms(), -3 * kDay);
  EXPECT_EQ(reply.welcome().max_clock_skew_ms(), server::Limits{}.max_clock_skew_ms);
}

}  // namespace
}  // namespace fieldsync::testing
