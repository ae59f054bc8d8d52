// The Store interface's promises, checked against both stores: the embedded SQLite store
// and the PostgreSQL store (a fresh database on ctest's throwaway cluster per test).

#include <algorithm>
#include <map>

#include <gtest/gtest.h>

#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/core/state_digest.hpp"
#include "fieldsync/server/store.hpp"
#include "store_test_support.hpp"

namespace fieldsync::test {
namespace {

using server::PushContext;
using server::PushRefusal;
using server::ReplicaStatus;
using server::Role;
using server::Store;

class StoreContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store_ = factory_.open(clock_);
    store_->add_user({"ana", Role::kRep, {"north"}});
    store_->add_user({"sue", Role::kSupervisor, {}});
  }

  // Registers `phone` for `user` and returns the push context of its session.
  // Registers `phone` for `user` at its first call and returns the push context of its
  // session (the same one at later calls, as one connection would).
  PushContext session(const Phone& phone, const std::string& user = "ana") {
    auto known = sessions_.find(phone.id().to_string());
    if (known != sessions_.end()) return known->second;
    const auto check = store_->register_replica(phone.id(), phone.counter(), "", 0, user);
    EXPECT_EQ(check.status, ReplicaStatus::kNew);
    return sessions_[phone.id().to_string()] = PushContext{user, phone.id(), clock_.now_ms(), check.epoch};
  }

  static Store::WriteCheck accept_all() {
    return [](const RecordState&, const RecordState*) -> std::optional<PushRefusal> { return std::nullopt; };
  }
  static bool everything(const RecordState&) { return true; }

  ManualClock clock_{1'700'000'000'000};
  StoreFactory factory_{GetParam()};
  std::unique_ptr<Store> store_;
  std::map<std::string, PushContext> sessions_;
};

TEST_P(StoreContractTest, APushIsPulledInSequenceOrderAndARepeatedOneChangesNothing) {
  Phone phone;
  const auto a = phone.customer("Alpha");
  const auto b = phone.customer("Beta");
  auto context = session(phone);
  const std::vector<RecordState> states{phone.state("customers", a), phone.state("customers", b)};
  const auto pushed = store_->push(context, states, accept_all());
  ASSERT_TRUE(pushed.refused.empty());
  ASSERT_EQ(pushed.committed.size(), 2u);
  EXPECT_LT(pushed.committed[0].seq, pushed.committed[1].seq);
  EXPECT_EQ(pushed.head, pushed.committed[1].seq);
  EXPECT_EQ(store_->head(), pushed.head);

  const auto page = store_->changes_since(0, 100, {}, everything);
  ASSERT_EQ(page.states.size(), 2u);
  EXPECT_EQ(page.states[0], states[0]);
  EXPECT_EQ(page.states[1], states[1]);
  EXPECT_EQ(page.seqs[0], pushed.committed[0].seq);
  EXPECT_EQ(page.to_seq, pushed.head);
  EXPECT_FALSE(page.more);
  EXPECT_EQ(*store_->get("customers", a), states[0]);
  EXPECT_FALSE(store_->get("customers", Uuid::parse("018f0000-0000-7000-8000-000000000000").value()));
  EXPECT_FALSE(store_->get("no_such_collection", a));

  const auto again = store_->push(context, states, accept_all());
  EXPECT_TRUE(again.committed.empty());
  EXPECT_EQ(again.head, pushed.head);
  EXPECT_EQ(store_->changes_since(pushed.head, 100, {}, everything).states.size(), 0u);
}

TEST_P(StoreContractTest, PagesStopAtTheLimitAndTheFilterHidesWithoutStoppingTheCheckpoint) {
  Phone phone;
  std::vector<RecordState> states;
  for (int i = 0; i < 7; ++i) states.push_back(phone.state("customers", phone.customer("C" + std::to_string(i))));
  store_->push(session(phone), states, accept_all());
  const auto first = store_->changes_since(0, 3, {}, everything);
  ASSERT_EQ(first.states.size(), 3u);
  EXPECT_TRUE(first.more);
  EXPECT_EQ(first.to_seq, first.seqs.back());
  const auto rest = store_->changes_since(first.to_seq, 10, {}, everything);
  EXPECT_EQ(rest.states.size(), 4u);
  EXPECT_FALSE(rest.more);
  // A filter that hides everything still moves the checkpoint to the head.
  const auto hidden = store_->changes_since(0, 3, {}, [](const RecordState&) { return false; });
  EXPECT_TRUE(hidden.states.empty());
  EXPECT_EQ(hidden.to_seq, store_->head());
}

TEST_P(StoreContractTest, HeldStatesAreNamedInSequenceOrderWithinTheirOwnLimitAndTheScope) {
  Phone phone;
  std::vector<RecordState> states;
  for (int i = 0; i < 5; ++i) states.push_back(phone.state("customers", phone.customer("C" + std::to_string(i))));
  states.push_back(phone.state("customers", phone.customer("South", "south")));
  const auto pushed = store_->push(session(phone, "sue"), states, accept_all());
  ASSERT_EQ(pushed.committed.size(), 6u);
  // The reader holds the second, the fourth and the southern one as they are.
  std::vector<StateDigest> named;
  for (std::size_t i : {1u, 3u, 5u}) named.push_back(wire_state_digest(encode_wire_state(states[i])));
  const HeldStates held{[&](const StateDigest& d) { return std::find(named.begin(), named.end(), d) != named.end(); }};

  const auto all = store_->changes_since(0, 100, {}, everything, held);
  ASSERT_EQ(all.states.size(), 3u);
  EXPECT_EQ(all.states[0], states[0]);
  EXPECT_EQ(all.states[1], states[2]);
  EXPECT_EQ(all.states[2], states[4]);
  EXPECT_EQ(all.held, named);
  EXPECT_EQ(all.held_seqs,
            (std::vector<std::uint64_t>{pushed.committed[1].seq, pushed.committed[3].seq, pushed.committed[5].seq}));
  EXPECT_EQ(all.to_seq, pushed.head);

  // A page ends at its limit of states or of held changes, whichever comes first (the two
  // are counted apart), after the last change it took. Sequence order: 0 1h 2 3h 4 5h.
  const auto two_states = store_->changes_since(0, 2, {}, everything, held);
  EXPECT_EQ(two_states.states.size(), 2u);
  EXPECT_EQ(two_states.held.size(), 2u);
  EXPECT_TRUE(two_states.more);
  EXPECT_EQ(two_states.to_seq, pushed.committed[3].seq);
  const HeldStates one_at_a_time{held.check, 1};
  const auto one_held = store_->changes_since(0, 100, {}, everything, one_at_a_time);
  EXPECT_EQ(one_held.states.size(), 2u);
  EXPECT_EQ(one_held.held, std::vector<StateDigest>{named[0]});
  EXPECT_TRUE(one_held.more);
  EXPECT_EQ(one_held.to_seq, pushed.committed[2].seq);
  const auto rest = store_->changes_since(two_states.to_seq, 100, {}, everything, held);
  EXPECT_EQ(rest.states.size(), 1u);
  EXPECT_EQ(rest.held, std::vector<StateDigest>{named[2]});
  EXPECT_FALSE(rest.more);

  // A northern reader naming the southern state is told nothing of it.
  const server::ReadScope north{TerritoryFilter{{"north"}, {}}};
  const auto scoped = store_->changes_since(0, 100, north, everything, held);
  EXPECT_EQ(scoped.states.size(), 3u);
  EXPECT_EQ(scoped.held, (std::vector<StateDigest>{named[0], named[1]}));
  // Two territories: each read as a range of its own, held changes merged in order.
  const server::ReadScope both{TerritoryFilter{{"south", "north"}, {}}};
  const auto two = store_->changes_since(0, 100, both, everything, held);
  EXPECT_EQ(two.states.size(), 3u);
  EXPECT_EQ(two.held, named);
  const auto two_paged = store_->changes_since(0, 2, both, everything, held);
  EXPECT_EQ(two_paged.states.size(), 2u);
  EXPECT_EQ(two_paged.held.size(), 2u);
  EXPECT_EQ(two_paged.to_seq, pushed.committed[3].seq);
}

TEST_P(StoreContractTest, ConcurrentEditsKeepBothSiblingsAndTheAuditSaysSo) {
  Phone ana, bob;
  const auto id = ana.customer("Original");
  store_->push(session(ana), std::vector{ana.state("customers", id)}, accept_all());
  bob.take(*store_->get("customers", id));
  ana.rename(id, "Ana's");
  bob.rename(id, "Bob's");
  store_->push(session(ana), std::vector{ana.state("customers", id)}, accept_all());
  const auto second = store_->push(session(bob, "ana"), std::vector{bob.state("customers", id)}, accept_all());
  EXPECT_EQ(second.conflicts_opened, 1u);
  const auto held = *store_->get("customers", id);
  ASSERT_NE(held.field("name"), nullptr);
  EXPECT_EQ(held.field("name")->siblings.size(), 2u);

  const auto history = store_->history("customers", id);
  std::vector<std::string> actions;
  for (const auto& entry : history) actions.push_back(entry.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"accepted", "accepted", "accepted", "conflict_opened"}));
  EXPECT_EQ(history[1].changes.at(0).field, "name");
  EXPECT_EQ(history[1].changes.at(0).old_value, "Original");
  EXPECT_EQ(history[1].changes.at(0).new_value, "Ana's");
  EXPECT_EQ(history.back().changes.at(0).values.size(), 2u);
  EXPECT_EQ(history[0].user, "ana");
  EXPECT_EQ(history[0].replica, ana.id().to_string());
  EXPECT_EQ(history[0].seq, 1u);

  // Settling it: a write that has seen both.
  ana.take(held);
  ana.rename(id, "Settled");
  store_->push(session(ana), std::vector{ana.state("customers", id)}, accept_all());
  EXPECT_EQ(store_->history("customers", id).back().action, "conflict_settled");
}

TEST_P(StoreContractTest, ARefusedRecordIsAuditedWithItsReasonAndNotStored) {
  Phone phone;
  const auto ok = phone.customer("Kept");
  const auto no = phone.customer("Refused");
  auto refuse_second = [&](const RecordState& incoming, const RecordState*) -> std::optional<PushRefusal> {
    if (incoming.id == no) return PushRefusal{0, ErrorCode::kForbidden, "not yours"};
    return std::nullopt;
  };
  RecordState broken = phone.state("customers", ok);
  broken.collection = "no_such_collection";
  const auto result = store_->push(
      session(phone), std::vector{phone.state("customers", ok), phone.state("customers", no), broken}, refuse_second);
  ASSERT_EQ(result.refused.size(), 2u);
  EXPECT_EQ(result.refused[0].index, 1u);
  EXPECT_EQ(result.refused[0].code, ErrorCode::kForbidden);
  EXPECT_EQ(result.refused[0].reason, "not yours");
  EXPECT_EQ(result.refused[1].index, 2u);
  EXPECT_EQ(result.committed.size(), 1u);
  EXPECT_FALSE(store_->get("customers", no));
  const auto history = store_->history("customers", no);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].action, "refused");
  EXPECT_EQ(history[0].detail, "not yours");
  EXPECT_EQ(history[0].seq, 0u);
  EXPECT_TRUE(history[0].changes.empty());
}

TEST_P(StoreContractTest, UniqueValuesAreFoundAmongAliveRecordsIncludingEarlierOnesOfThePush) {
  Phone phone;
  const auto customer = phone.customer("Shop");
  const auto first = phone.order(customer, "A-1");
  const auto second = phone.order(customer, "A-1");
  auto context = session(phone);
  // The check a server runs for unique fields: the second order meets the first, pushed
  // earlier in the same batch.
  auto unique = [&](const RecordState& incoming, const RecordState*) -> std::optional<PushRefusal> {
    if (incoming.collection != "orders") return std::nullopt;
    const auto& number = incoming.field("order_number")->siblings.front().value;
    if (store_->alive_record_with("orders", "order_number", number, incoming.id)) {
      return PushRefusal{0, ErrorCode::kAlreadyExists, "taken"};
    }
    return std::nullopt;
  };
  const auto result = store_->push(
      context, std::vector{phone.state("customers", customer), phone.state("orders", first), phone.state("orders", second)},
      unique);
  ASSERT_EQ(result.refused.size(), 1u);
  EXPECT_EQ(result.refused[0].index, 2u);
  EXPECT_EQ(store_->alive_record_with("orders", "order_number", Value(std::string("A-1")), second), first);
  EXPECT_FALSE(store_->alive_record_with("orders", "order_number", Value(std::string("A-1")), first));
  EXPECT_FALSE(store_->alive_record_with("orders", "order_number", Value(std::string("A-2")), second));
  EXPECT_EQ(store_->alive_record_with("customers", "name", Value(std::string("Shop")), second), customer);
  EXPECT_THROW(store_->alive_record_with("orders", "no_such_field", Value(std::string("x")), first), Error);
  // A deleted record no longer holds its value.
  phone.remove("orders", first);
  store_->push(context, std::vector{phone.state("orders", first)}, accept_all());
  EXPECT_FALSE(store_->alive_record_with("orders", "order_number", Value(std::string("A-1")), second));
}

TEST_P(StoreContractTest, ReplicasAreJudgedByCounterEpochAndUser) {
  Phone phone;
  const auto first = store_->register_replica(phone.id(), 0, "", 0, "ana");
  EXPECT_EQ(first.status, ReplicaStatus::kNew);
  EXPECT_FALSE(first.epoch.empty());
  EXPECT_EQ(store_->register_replica(phone.id(), 0, "", 0, "sue").status, ReplicaStatus::kOtherUser);
  // The pending epoch is used by a push: it becomes the current one.
  const auto id = phone.customer("X");
  store_->push(PushContext{"ana", phone.id(), clock_.now_ms(), first.epoch}, std::vector{phone.state("customers", id)},
               accept_all());
  EXPECT_EQ(store_->register_replica(phone.id(), phone.counter(), first.epoch, 0, "ana").status, ReplicaStatus::kKnown);
  // A counter behind the one pushed: a restored copy.
  EXPECT_EQ(store_->register_replica(phone.id(), 0, first.epoch, 0, "ana").status, ReplicaStatus::kCounterWentBack);
  EXPECT_EQ(store_->register_replica(phone.id(), phone.counter(), "unknown", 0, "ana").status,
            ReplicaStatus::kCounterWentBack);
  // A session whose epoch a later hello replaced may not write.
  const auto a = store_->register_replica(phone.id(), phone.counter(), first.epoch, 0, "ana");
  const auto b = store_->register_replica(phone.id(), phone.counter(), first.epoch, 0, "ana");
  phone.rename(id, "Y");
  try {
    store_->push(PushContext{"ana", phone.id(), clock_.now_ms(), a.epoch}, std::vector{phone.state("customers", id)},
                 accept_all());
    ADD_FAILURE() << "a push under a replaced epoch was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kReplicaIdReused);
  }
  EXPECT_NO_THROW(store_->push(PushContext{"ana", phone.id(), clock_.now_ms(), b.epoch},
                               std::vector{phone.state("customers", id)}, accept_all()));
  const auto devices = store_->devices();
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0].replica, phone.id().to_string());
  EXPECT_EQ(devices[0].user, "ana");
}

TEST_P(StoreContractTest, CheckpointsAndTheFullPullAreRememberedPerReplica) {
  Phone phone;
  const auto id = phone.customer("X");
  auto context = session(phone);
  store_->push(context, std::vector{phone.state("customers", id)}, accept_all());
  store_->note_checkpoints(std::vector<server::ReplicaCheckpoint>{{phone.id(), 1, 1, "north"}});
  const auto check = store_->register_replica(phone.id(), phone.counter(), context.epoch, 1, "ana");
  EXPECT_EQ(check.full_pull_seq, 1u);
  EXPECT_EQ(check.full_pull_scope, "north");
  // A checkpoint beyond the head counts other changes (another generation): not trusted.
  const auto beyond = store_->register_replica(phone.id(), phone.counter(), check.epoch, 99, "ana");
  EXPECT_EQ(beyond.full_pull_seq, 0u);
}

TEST_P(StoreContractTest, TombstonesGoOnceEveryRecentReplicaPulledPastThem) {
  Phone phone;
  const auto gone = phone.customer("Gone");
  const auto kept = phone.customer("Kept");
  auto context = session(phone);
  store_->push(context, std::vector{phone.state("customers", gone), phone.state("customers", kept)}, accept_all());
  phone.remove("customers", gone);
  const auto removal = store_->push(context, std::vector{phone.state("customers", gone)}, accept_all());
  const std::uint64_t tombstone_seq = removal.committed.at(0).seq;

  // The replica has not pulled past the tombstone: it stays.
  auto nothing = store_->collect_tombstones(clock_.now_ms(), 60'000);
  EXPECT_EQ(nothing.records, 0u);
  EXPECT_EQ(nothing.replicas_waited_for, 1u);
  EXPECT_EQ(store_->collected_seq(), 0u);

  store_->note_checkpoints(std::vector<server::ReplicaCheckpoint>{{phone.id(), tombstone_seq, 0, ""}});
  const auto done = store_->collect_tombstones(clock_.now_ms(), 60'000);
  EXPECT_EQ(done.records, 1u);
  EXPECT_EQ(done.up_to_seq, tombstone_seq);
  EXPECT_EQ(done.collected_seq, tombstone_seq);
  EXPECT_EQ(store_->collected_seq(), tombstone_seq);
  EXPECT_FALSE(store_->get("customers", gone));
  EXPECT_TRUE(store_->get("customers", kept));
}

TEST_P(StoreContractTest, TerritoryMovesKeepTheLatestPerPair) {
  store_->note_territory_moves(std::vector<server::TerritoryMove>{{5, "north", "south"}, {7, "east", "west"}});
  store_->note_territory_moves(std::vector<server::TerritoryMove>{{9, "north", "south"}, {3, "east", "west"}});
  const auto moves = store_->territory_moves_since(0);
  ASSERT_EQ(moves.size(), 2u);
  EXPECT_EQ(moves[0].seq, 7u);
  EXPECT_EQ(moves[1].seq, 9u);
  EXPECT_EQ(moves[1].from, "north");
  EXPECT_EQ(store_->territory_moves_since(8).size(), 1u);
}

TEST_P(StoreContractTest, UsersChangeAndEachChangeThatMattersMovesTheAccountsGeneration) {
  EXPECT_THROW(store_->add_user({"ana", Role::kRep, {"north"}}), Error);
  EXPECT_THROW(store_->add_user({"", Role::kRep, {"north"}}), Error);
  EXPECT_THROW(store_->add_user({"bad", Role::kRep, {"north"}, false, "line\nbreak"}), Error);
  const auto before = store_->accounts_generation();
  store_->set_user_display_name("ana", "Ana Weber");
  EXPECT_EQ(store_->accounts_generation(), before);
  store_->set_user_territories("ana", {"north", "east"});
  store_->set_user_disabled("ana", true);
  EXPECT_EQ(store_->accounts_generation(), before + 2);
  EXPECT_THROW(store_->set_user_disabled("nobody", true), Error);
  EXPECT_THROW(store_->set_user_territories("nobody", {}), Error);
  EXPECT_THROW(store_->set_user_display_name("nobody", "x"), Error);
  const auto users = store_->users();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].name, "ana");
  EXPECT_EQ(users[0].display_name, "Ana Weber");
  EXPECT_EQ(users[0].territories, (std::vector<std::string>{"north", "east"}));
  EXPECT_TRUE(users[0].disabled);
  EXPECT_EQ(users[1].role, Role::kSupervisor);
  EXPECT_EQ(users[1].display_name, "sue");
}

TEST_P(StoreContractTest, TokensAuthenticateUntilRevokedExpiredOrTheirUserDisabled) {
  const auto now = clock_.now_ms();
  const auto issued = store_->issue_token("ana", 60'000, now);
  EXPECT_THROW(store_->issue_token("nobody", 60'000, now), Error);
  const auto principal = store_->authenticate(issued.token, now);
  EXPECT_EQ(principal.user, "ana");
  EXPECT_EQ(principal.territories, (std::vector<std::string>{"north"}));
  EXPECT_EQ(store_->principal_of_token(issued.token_id, now).user, "ana");
  auto refused = [&](const std::function<void()>& call) {
    try {
      call();
    } catch (const Error& e) {
      return e.code() == ErrorCode::kUnauthenticated;
    }
    return false;
  };
  EXPECT_TRUE(refused([&] { store_->authenticate(issued.token, now + 60'000); }));  // expired
  EXPECT_TRUE(refused([&] { store_->authenticate(issued.token + "x", now); }));     // wrong secret
  EXPECT_TRUE(refused([&] { store_->authenticate("fs1.nope.nope", now); }));
  store_->set_user_disabled("ana", true);
  EXPECT_TRUE(refused([&] { store_->principal_of_token(issued.token_id, now); }));
  store_->set_user_disabled("ana", false);
  const auto generation = store_->accounts_generation();
  EXPECT_TRUE(store_->revoke_token(issued.token_id));
  EXPECT_FALSE(store_->revoke_token("no-such-token"));
  EXPECT_EQ(store_->accounts_generation(), generation + 1);
  EXPECT_TRUE(refused([&] { store_->authenticate(issued.token, now); }));
  const auto tokens = store_->tokens();
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].token_id, issued.token_id);
  EXPECT_TRUE(tokens[0].revoked);
  EXPECT_EQ(tokens[0].expires_ms, now + 60'000);
}

TEST_P(StoreContractTest, OldAuditEntriesArePruned) {
  Phone phone;
  const auto id = phone.customer("X");
  auto context = session(phone);
  context.now_ms = 1000;
  store_->push(context, std::vector{phone.state("customers", id)}, accept_all());
  phone.rename(id, "Y");
  context.now_ms = 5000;
  store_->push(context, std::vector{phone.state("customers", id)}, accept_all());
  EXPECT_EQ(store_->prune_audit(2000), 1u);
  const auto history = store_->history("customers", id);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].at_ms, 5000u);
}

TEST_P(StoreContractTest, TwoHandlesOnOneStoreSeeEachOthersWritesAndOneGeneration) {
  auto other = factory_.open(clock_);
  EXPECT_EQ(other->generation(), store_->generation());
  EXPECT_FALSE(store_->generation().empty());
  Phone phone;
  const auto id = phone.customer("Shared");
  store_->push(session(phone), std::vector{phone.state("customers", id)}, accept_all());
  EXPECT_TRUE(other->get("customers", id));
  other->set_user_disabled("sue", true);
  EXPECT_TRUE(store_->users()[1].disabled);
  EXPECT_EQ(store_->accounts_generation(), other->accounts_generation());
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreContractTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

}  // namespace
}  // namespace fieldsync::test
