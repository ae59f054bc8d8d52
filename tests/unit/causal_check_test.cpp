// The server's guard of causality (fieldsync/core/causal_check.hpp): a push may add writes
// of the pusher only; whatever it says about other replicas must already be the server's.
#include <gtest/gtest.h>

#include "fieldsync/core/causal_check.hpp"
#include "test_support.hpp"

namespace fieldsync {
namespace {

using test::kReplicaA;
using test::kReplicaB;
using test::kReplicaC;
using test::StateBuilder;

constexpr std::uint64_t kT = 1'700'000'000'000;

// A customer replica A created and the server holds; B pulled it.
RecordState on_server() {
  return StateBuilder().edit(kReplicaA, 1, kT, {{"name", std::string("Acme")}, {"territory", std::string("north")}});
}

::testing::AssertionResult accepted(const RecordState& incoming, const RecordState* stored, const ReplicaId& pusher) {
  if (auto error = check_pushed_history(incoming, stored, pusher)) {
    return ::testing::AssertionFailure() << "refused: " << error->what();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult refused(const RecordState& incoming, const RecordState* stored, const ReplicaId& pusher,
                                   std::string_view mentions) {
  auto error = check_pushed_history(incoming, stored, pusher);
  if (!error) return ::testing::AssertionFailure() << "accepted";
  if (error->code() != ErrorCode::kUnverifiedHistory) {
    return ::testing::AssertionFailure() << "code " << error_code_name(error->code());
  }
  if (std::string_view(error->what()).find(mentions) == std::string_view::npos) {
    return ::testing::AssertionFailure() << "\"" << error->what() << "\" does not mention " << mentions;
  }
  return ::testing::AssertionSuccess();
}

TEST(CausalCheck, HonestPushesPass) {
  const RecordState stored = on_server();
  // A new record of the pusher's own.
  EXPECT_TRUE(accepted(StateBuilder("customers", test::id_of(7)).edit(kReplicaB, 1, kT, {{"name", std::string("B")}}),
                       nullptr, kReplicaB));
  // An edit on top of what the server holds.
  const RecordState edited = StateBuilder(stored).edit(kReplicaB, 1, kT + 1, {{"phone", std::string("555")}});
  EXPECT_TRUE(accepted(edited, &stored, kReplicaB));
  // Concurrent with a later write of A the pusher has not seen: A's old name is seen and
  // overwritten on the server, and the merge drops it.
  const RecordState newer = StateBuilder(stored).edit(kReplicaA, 2, kT + 2, {{"name", std::string("Acme Ltd")}});
  EXPECT_TRUE(accepted(edited, &newer, kReplicaB));
  // Overwriting a field the server holds a write of, and a delete.
  EXPECT_TRUE(accepted(StateBuilder(newer).edit(kReplicaB, 3, kT + 3, {{"name", std::string("Acme plc")}}), &newer,
                       kReplicaB));
  EXPECT_TRUE(accepted(StateBuilder(newer).remove(kReplicaB, 4, kT + 3), &newer, kReplicaB));
  // At the counter bound, not beyond.
  EXPECT_TRUE(accepted(StateBuilder(stored).edit(kReplicaB, kMaxReplicaCounter, kT + 1, {{"phone", std::string("1")}}),
                       &stored, kReplicaB));
}

TEST(CausalCheck, AVersionVectorClaimingMoreOfAnotherReplicaIsRefused) {
  const RecordState stored = on_server();
  RecordState forged = StateBuilder(stored).edit(kReplicaB, 1, kT + 1, {{"phone", std::string("555")}});
  forged.vv.advance(kReplicaC, std::uint64_t{1} << 62);  // a colleague's writes still to come
  EXPECT_TRUE(refused(forged, &stored, kReplicaB, kReplicaC.to_string()));
  forged = StateBuilder(stored).edit(kReplicaB, 1, kT + 1, {{"phone", std::string("555")}});
  forged.vv.advance(kReplicaA, 2);  // one more than the server holds is as bad
  EXPECT_TRUE(refused(forged, &stored, kReplicaB, kReplicaA.to_string()));
  // A record the server does not hold carries nobody's writes but the pusher's.
  EXPECT_TRUE(refused(stored, nullptr, kReplicaB, "does not hold"));
}

TEST(CausalCheck, ASiblingInAnotherReplicasNameIsRefused) {
  const RecordState stored = on_server();
  // A new write under A's name.
  const RecordState invented = StateBuilder(stored).edit(kReplicaA, 2, kT + 1, {{"phone", std::string("555")}});
  EXPECT_TRUE(refused(invented, &stored, kReplicaB, kReplicaA.to_string()));
  // A's write 1 with another value.
  RecordState altered = StateBuilder(stored).edit(kReplicaB, 1, kT + 1, {{"phone", std::string("555")}});
  for (auto& f : altered.fields) {
    if (f.name == "name") f.siblings[0].value = std::string("Forged");
  }
  EXPECT_TRUE(refused(altered, &stored, kReplicaB, "another value"));
}

TEST(CausalCheck, AnOverwrittenSiblingMayNotComeBackWithAWinningState) {
  const RecordState stored = StateBuilder(on_server()).edit(kReplicaA, 2, kT + 2, {{"name", std::string("Acme Ltd")}});
  // Stored's context, A's old name back, and a write of B: B's state would win the merge.
  RecordState resurrect = StateBuilder(stored).edit(kReplicaB, 1, kT + 3, {{"phone", std::string("555")}});
  for (auto& f : resurrect.fields) {
    if (f.name == "name") f.siblings[0] = on_server().field("name")->siblings[0];
  }
  EXPECT_TRUE(refused(resurrect, &stored, kReplicaB, "overwritten"));
}

TEST(CausalCheck, AWriteTheServerHoldsGoesOnlyUnderAWriteOfThePusher) {
  const RecordState stored = on_server();
  RecordState dropped = StateBuilder(stored).edit(kReplicaB, 1, kT + 1, {{"phone", std::string("555")}});
  std::erase_if(dropped.fields, [](const FieldState& f) { return f.name == "name"; });
  EXPECT_TRUE(refused(dropped, &stored, kReplicaB, "drops"));
}

TEST(CausalCheck, ThePushersOwnCounterIsBoundedAndBacked) {
  const RecordState stored = on_server();
  const RecordState huge = StateBuilder(stored).edit(kReplicaB, kMaxReplicaCounter + 1, kT + 1, {{"phone", std::string("1")}});
  EXPECT_TRUE(refused(huge, &stored, kReplicaB, "beyond the bound"));
  RecordState bare = StateBuilder(stored).edit(kReplicaB, 1, kT + 1, {{"phone", std::string("1")}});
  bare.vv.advance(kReplicaB, 1000);  // no write 1000 in it
  EXPECT_TRUE(refused(bare, &stored, kReplicaB, "carries no value"));
  // The pusher's own write 1, held by the server, sent again with another value: a
  // restored or copied database (the hello's counter and epoch checks catch it first).
  const RecordState mine = StateBuilder(stored).edit(kReplicaB, 1, kT + 1, {{"phone", std::string("1")}});
  const RecordState again = StateBuilder(stored).edit(kReplicaB, 1, kT + 1, {{"phone", std::string("2")}})
                                .edit(kReplicaB, 2, kT + 2, {{"notes", std::string("x")}});
  EXPECT_TRUE(refused(again, &mine, kReplicaB, "another value"));
}

}  // namespace
}  // namespace fieldsync
