#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "fieldsync/core/record_state.hpp"
#include "test_support.hpp"

// resolve(): what a field with several siblings shows, per the field's schema policy.
namespace fieldsync {
namespace {

using test::domain_field;
using test::kReplicaA;
using test::kReplicaB;
using test::kReplicaC;

constexpr std::uint64_t kT = 1'700'000'000'000;

Sibling sibling(Value value, const ReplicaId& replica, std::uint64_t counter, Hlc hlc) {
  return Sibling{std::move(value), Dot{replica, counter}, hlc};
}

// resolve() must give the same sibling for every order of the set.
Sibling resolve_every_order(const FieldSchema& field, std::vector<Sibling> siblings) {
  std::sort(siblings.begin(), siblings.end(), [](const Sibling& x, const Sibling& y) { return x.dot < y.dot; });
  Sibling expected = resolve(field, siblings);
  do {
    Sibling got = resolve(field, siblings);
    EXPECT_EQ(got, expected) << "resolve depends on sibling order";
  } while (std::next_permutation(siblings.begin(), siblings.end(),
                                 [](const Sibling& x, const Sibling& y) { return x.dot < y.dot; }));
  return expected;
}

TEST(Policy, SingleSiblingIsShown) {
  const auto& name = domain_field("customers", "name");
  std::vector<Sibling> one{sibling(std::string("Acme"), kReplicaA, 1, Hlc(kT, 0))};
  EXPECT_EQ(resolve(name, one).value, Value{std::string("Acme")});
}

TEST(Policy, LastWriterWinsByHlcWhateverTheReplica) {
  const auto& name = domain_field("customers", "name");
  auto winner = resolve_every_order(name, {
      sibling(std::string("early"), kReplicaC, 9, Hlc(kT, 0)),
      sibling(std::string("late"), kReplicaA, 1, Hlc(kT + 1, 0)),
      sibling(std::string("middle"), kReplicaB, 5, Hlc(kT, 7)),
  });
  EXPECT_EQ(winner.value, Value{std::string("late")});
}

TEST(Policy, LastWriterWinsTieOnHlcBrokenByReplicaThenCounter) {
  const auto& name = domain_field("customers", "name");
  Hlc same(kT, 3);
  EXPECT_EQ(resolve_every_order(name, {sibling(std::string("a"), kReplicaA, 9, same),
                                       sibling(std::string("c"), kReplicaC, 1, same),
                                       sibling(std::string("b"), kReplicaB, 5, same)})
                .value,
            Value{std::string("c")});
  EXPECT_EQ(resolve_every_order(name, {sibling(std::string("a1"), kReplicaA, 1, same),
                                       sibling(std::string("a2"), kReplicaA, 2, same)})
                .value,
            Value{std::string("a2")});
}

TEST(Policy, FurthestStagePicksTheLaterLifecycleStageRegardlessOfHlc) {
  const auto& status = domain_field("orders", "status");
  ASSERT_EQ(status.policy, MergePolicy::kFurthestStage);
  auto winner = resolve_every_order(status, {
      sibling(std::string("delivered"), kReplicaA, 1, Hlc(kT, 0)),
      sibling(std::string("reviewed"), kReplicaB, 1, Hlc(kT + 60'000, 0)),
      sibling(std::string("scheduled"), kReplicaC, 1, Hlc(kT + 30'000, 0)),
  });
  EXPECT_EQ(winner.value, Value{std::string("delivered")});
}

TEST(Policy, FurthestStageFollowsTheDeclaredOrderToCancelled) {
  const auto& status = domain_field("orders", "status");
  const std::vector<std::string> lifecycle{"received",  "reviewed",    "scheduled", "in_progress",
                                           "delivered", "after_sales", "cancelled"};
  ASSERT_EQ(status.values, lifecycle);
  // Every later stage beats every earlier one, even written long before it.
  for (std::size_t early = 0; early < lifecycle.size(); ++early) {
    for (std::size_t late = early + 1; late < lifecycle.size(); ++late) {
      auto winner = resolve_every_order(status, {sibling(lifecycle[late], kReplicaA, 1, Hlc(kT, 0)),
                                                 sibling(lifecycle[early], kReplicaB, 1, Hlc(kT + 1000, 0))});
      EXPECT_EQ(winner.value, Value{lifecycle[late]}) << lifecycle[early] << " vs " << lifecycle[late];
    }
  }
}

TEST(Policy, FurthestStageTieFallsBackToLastWriter) {
  const auto& status = domain_field("tickets", "status");
  auto winner = resolve_every_order(status, {sibling(std::string("resolved"), kReplicaC, 1, Hlc(kT, 0)),
                                             sibling(std::string("resolved"), kReplicaA, 2, Hlc(kT + 5, 0)),
                                             sibling(std::string("open"), kReplicaB, 1, Hlc(kT + 9, 0))});
  EXPECT_EQ(winner.value, Value{std::string("resolved")});
  EXPECT_EQ(winner.dot, (Dot{kReplicaA, 2}));
}

TEST(Policy, AliveWinsPicksFalseOverALaterTrue) {
  const auto& deleted = domain_field("orders", kDeletedField);
  ASSERT_EQ(deleted.policy, MergePolicy::kAliveWins);
  auto winner = resolve_every_order(deleted, {sibling(true, kReplicaA, 5, Hlc(kT + 100'000, 0)),
                                              sibling(false, kReplicaB, 2, Hlc(kT, 0)),
                                              sibling(true, kReplicaC, 1, Hlc(kT + 50'000, 0))});
  EXPECT_EQ(winner.value, Value{false});
  EXPECT_EQ(winner.dot, (Dot{kReplicaB, 2}));
}

TEST(Policy, AliveWinsAllDeletedStaysDeleted) {
  const auto& deleted = domain_field("customers", kDeletedField);
  auto winner = resolve_every_order(deleted, {sibling(true, kReplicaA, 5, Hlc(kT, 0)),
                                              sibling(true, kReplicaB, 2, Hlc(kT + 1, 0))});
  EXPECT_EQ(winner.value, Value{true});
  EXPECT_EQ(winner.dot, (Dot{kReplicaB, 2}));
}

TEST(Policy, ResolveAllFollowsSchemaOrderWithNullForMissingFields) {
  const auto& customers = Schema::domain().require("customers");
  RecordState state = test::StateBuilder().edit(kReplicaA, 1, kT, {{"name", std::string("Acme")},
                                                                  {"territory", std::string("north")}});
  auto values = resolve_all(customers, state);
  ASSERT_EQ(values.size(), customers.fields.size());
  EXPECT_EQ(values[*customers.field_index("name")], Value{std::string("Acme")});
  EXPECT_EQ(values[*customers.field_index("territory")], Value{std::string("north")});
  EXPECT_TRUE(is_null(values[*customers.field_index("phone")]));
  EXPECT_EQ(values.back(), Value{false});  // `_deleted` is last
}

}  // namespace
}  // namespace fieldsync
