#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "fieldsync/core/record_state.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "test_support.hpp"

// The merge rules of DESIGN.md ("Merge: per record, decided by the version vectors") on
// states built the way replicas build them.
namespace fieldsync {
namespace {

using test::kReplicaA;
using test::kReplicaB;
using test::kReplicaC;
using test::sibling_values;
using test::StateBuilder;
using ::testing::ElementsAre;

constexpr std::uint64_t kT = 1'700'000'000'000;

// A customer created on replica A as its first write.
RecordState created_on_a() {
  return StateBuilder().edit(kReplicaA, 1, kT, {{"name", std::string("Acme")}, {"territory", std::string("north")}});
}

std::vector<Dot> dots_of(const RecordState& state, std::string_view field) {
  std::vector<Dot> dots;
  for (const auto& s : state.field(field)->siblings) dots.push_back(s.dot);
  return dots;
}

TEST(Merge, NewerStateWinsTheFastPath) {
  RecordState base = created_on_a();
  RecordState newer = StateBuilder(base).edit(kReplicaB, 1, kT + 1, {{"phone", std::string("555")}});
  EXPECT_EQ(merge(base, newer), newer);
  EXPECT_EQ(merge(newer, base), newer);
  EXPECT_EQ(merge(base, base), base);
}

TEST(Merge, ConcurrentEditsToDifferentFieldsBothSurvive) {
  RecordState base = created_on_a();
  RecordState on_a = StateBuilder(base).edit(kReplicaA, 2, kT + 10, {{"industry", std::string("retail")}});
  RecordState on_b = StateBuilder(base).edit(kReplicaB, 1, kT + 5, {{"phone", std::string("555")}});

  RecordState merged = merge(on_a, on_b);
  EXPECT_THAT(sibling_values(merged, "industry"), ElementsAre(Value{std::string("retail")}));
  EXPECT_THAT(sibling_values(merged, "phone"), ElementsAre(Value{std::string("555")}));
  EXPECT_THAT(sibling_values(merged, "name"), ElementsAre(Value{std::string("Acme")}));
  EXPECT_EQ(merged.vv.get(kReplicaA), 2u);
  EXPECT_EQ(merged.vv.get(kReplicaB), 1u);
  // Both edits wrote `_deleted = false`: two siblings that agree are no conflict.
  EXPECT_EQ(merged.field(kDeletedField)->siblings.size(), 2u);
  EXPECT_FALSE(merged.conflicted());
  EXPECT_EQ(merge(on_b, on_a), merged);
}

TEST(Merge, ConcurrentEditsToOneFieldKeepBothSiblings) {
  RecordState base = created_on_a();
  RecordState on_a = StateBuilder(base).edit(kReplicaA, 2, kT + 10, {{"name", std::string("Acme Ltd")}});
  RecordState on_b = StateBuilder(base).edit(kReplicaB, 1, kT + 5, {{"name", std::string("ACME")}});

  RecordState merged = merge(on_a, on_b);
  EXPECT_THAT(dots_of(merged, "name"), ElementsAre(Dot{kReplicaA, 2}, Dot{kReplicaB, 1}));
  EXPECT_THAT(sibling_values(merged, "name"), ElementsAre(Value{std::string("Acme Ltd")}, Value{std::string("ACME")}));
  EXPECT_TRUE(merged.field("name")->conflicted());
  EXPECT_TRUE(merged.conflicted());
  // The untouched field keeps its one original sibling.
  EXPECT_THAT(dots_of(merged, "territory"), ElementsAre(Dot{kReplicaA, 1}));
}

TEST(Merge, AWriteThatHasSeenSiblingsReplacesThem) {
  RecordState base = created_on_a();
  RecordState on_a = StateBuilder(base).edit(kReplicaA, 2, kT + 10, {{"name", std::string("Acme Ltd")}});
  RecordState on_b = StateBuilder(base).edit(kReplicaB, 1, kT + 5, {{"name", std::string("ACME")}});
  // C receives both, sees the conflict and settles it.
  RecordState settled = StateBuilder(merge(on_a, on_b)).edit(kReplicaC, 1, kT + 20, {{"name", std::string("Acme")}});
  EXPECT_THAT(dots_of(settled, "name"), ElementsAre(Dot{kReplicaC, 1}));

  // A stale copy of either side cannot bring an overwritten sibling back.
  for (const RecordState& stale : {on_a, on_b, base}) {
    RecordState merged = merge(settled, stale);
    EXPECT_EQ(merged, settled);
    EXPECT_EQ(merge(stale, settled), settled);
  }
}

TEST(Merge, OverwrittenSiblingGoesWhileAConcurrentOneStays) {
  RecordState base = created_on_a();
  // B overwrites A's name having seen it; C writes name concurrently without seeing B.
  RecordState on_b = StateBuilder(base).edit(kReplicaB, 1, kT + 5, {{"name", std::string("from B")}});
  RecordState on_c = StateBuilder(base).edit(kReplicaC, 1, kT + 6, {{"name", std::string("from C")}});
  RecordState merged = merge(on_b, on_c);
  EXPECT_THAT(dots_of(merged, "name"), ElementsAre(Dot{kReplicaB, 1}, Dot{kReplicaC, 1}));
  // And merging with the original (which holds A:1) must not resurrect A's value.
  EXPECT_EQ(merge(merged, base), merged);
  EXPECT_EQ(merge(base, merged), merged);
}

// Three replicas racing: each edits the same field concurrently, and B overwrites A's
// value after seeing it. A single-winner merge decided by vector inclusion is not
// associative here; the multi-value register is.
std::vector<RecordState> three_replicas_racing() {
  RecordState base = created_on_a();
  RecordState on_a = StateBuilder(base).edit(kReplicaA, 2, kT + 30, {{"name", std::string("a")}});
  RecordState on_b = StateBuilder(base).edit(kReplicaB, 1, kT + 10, {{"name", std::string("b")}});
  RecordState on_c = StateBuilder(base).edit(kReplicaC, 1, kT + 20, {{"name", std::string("c")},
                                                                      {"phone", std::string("1")}});
  RecordState b_saw_a = StateBuilder(merge(on_b, on_a)).edit(kReplicaB, 2, kT + 40, {{"name", std::string("b2")}});
  RecordState c_saw_b = StateBuilder(merge(on_c, on_b)).edit(kReplicaC, 2, kT + 50, {{"industry", std::string("x")}});
  return {on_a, on_b, on_c, b_saw_a, c_saw_b};
}

TEST(Merge, ThreeReplicasRacingAnyOrderGivesIdenticalBytes) {
  std::vector<RecordState> states = three_replicas_racing();
  std::vector<std::size_t> order(states.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;

  RecordState reference;
  std::string reference_bytes;
  bool first = true;
  do {
    RecordState folded = states[order[0]];
    for (std::size_t i = 1; i < order.size(); ++i) folded = merge(folded, states[order[i]]);
    if (first) {
      reference = folded;
      reference_bytes = encode_state(folded);
      first = false;
    } else {
      ASSERT_EQ(encode_state(folded), reference_bytes);
    }
  } while (std::next_permutation(order.begin(), order.end()));

  // The expected result: A's "a" was overwritten by B's "b2"; B's first "b" was seen and
  // overwritten too (by b2); C's "c" is concurrent with b2 and survives.
  EXPECT_THAT(sibling_values(reference, "name"), ElementsAre(Value{std::string("b2")}, Value{std::string("c")}));
  EXPECT_THAT(dots_of(reference, "name"), ElementsAre(Dot{kReplicaB, 2}, Dot{kReplicaC, 1}));
  EXPECT_THAT(sibling_values(reference, "industry"), ElementsAre(Value{std::string("x")}));
  EXPECT_THAT(sibling_values(reference, "phone"), ElementsAre(Value{std::string("1")}));
  EXPECT_EQ(reference.vv.get(kReplicaA), 2u);
  EXPECT_EQ(reference.vv.get(kReplicaB), 2u);
  EXPECT_EQ(reference.vv.get(kReplicaC), 2u);
}

TEST(Merge, ThreeReplicasRacingIsAssociativeCommutativeIdempotent) {
  std::vector<RecordState> s = three_replicas_racing();
  for (const auto& x : s) {
    EXPECT_EQ(merge(x, x), x);
    for (const auto& y : s) {
      RecordState xy = merge(x, y);
      ASSERT_EQ(xy, merge(y, x));
      EXPECT_EQ(merge(xy, x), xy);  // re-delivery changes nothing
      EXPECT_EQ(merge(xy, y), xy);
      for (const auto& z : s) {
        ASSERT_EQ(merge(xy, z), merge(x, merge(y, z)));
      }
    }
  }
}

TEST(Merge, SiblingsAndFieldsComeOutInCanonicalOrder) {
  RecordState base = created_on_a();
  RecordState on_c = StateBuilder(base).edit(kReplicaC, 1, kT + 1, {{"owner", std::string("c")}});
  RecordState on_b = StateBuilder(base).edit(kReplicaB, 7, kT + 2, {{"owner", std::string("b")},
                                                                    {"address", std::string("street")}});
  RecordState on_a = StateBuilder(base).edit(kReplicaA, 3, kT + 3, {{"owner", std::string("a")}});
  RecordState merged = merge(merge(on_c, on_b), on_a);
  EXPECT_THAT(dots_of(merged, "owner"), ElementsAre(Dot{kReplicaA, 3}, Dot{kReplicaB, 7}, Dot{kReplicaC, 1}));
  EXPECT_TRUE(std::is_sorted(merged.fields.begin(), merged.fields.end(),
                             [](const FieldState& x, const FieldState& y) { return x.name < y.name; }));
  // canonicalize() of the merged state is a no-op.
  RecordState copy = merged;
  canonicalize(copy);
  EXPECT_EQ(copy, merged);
}

TEST(Merge, CanonicalizeSortsAndDropsDuplicateSiblings) {
  RecordState state;
  state.collection = "customers";
  state.id = test::kRecordId;
  state.vv.advance(kReplicaA, 2);
  state.vv.advance(kReplicaB, 1);
  Sibling b{std::string("b"), Dot{kReplicaB, 1}, Hlc(kT, 0)};
  Sibling a{std::string("a"), Dot{kReplicaA, 2}, Hlc(kT, 1)};
  state.fields.push_back(FieldState{"phone", {b, a, b}});
  state.fields.push_back(FieldState{"name", {a}});
  state.fields.push_back(FieldState{"email", {}});
  canonicalize(state);
  ASSERT_EQ(state.fields.size(), 2u);  // the field without siblings goes
  EXPECT_EQ(state.fields[0].name, "name");
  EXPECT_EQ(state.fields[1].name, "phone");
  EXPECT_THAT(state.fields[1].siblings, ElementsAre(a, b));
}

TEST(Merge, DeleteConcurrentWithAnEditKeepsBothAndTheEdit) {
  RecordState base = created_on_a();
  RecordState deleted = StateBuilder(base).remove(kReplicaA, 2, kT + 100);
  RecordState edited = StateBuilder(base).edit(kReplicaB, 1, kT + 5, {{"phone", std::string("555")}});
  RecordState merged = merge(deleted, edited);
  EXPECT_EQ(merged, merge(edited, deleted));
  EXPECT_THAT(sibling_values(merged, kDeletedField), ElementsAre(Value{true}, Value{false}));
  EXPECT_THAT(sibling_values(merged, "phone"), ElementsAre(Value{std::string("555")}));
  EXPECT_THAT(sibling_values(merged, "name"), ElementsAre(Value{std::string("Acme")}));
  // The schema's ALIVE_WINS policy shows the record alive, although the delete is later.
  const auto& deleted_field = test::domain_field("customers", kDeletedField);
  EXPECT_EQ(resolve(deleted_field, merged.field(kDeletedField)->siblings).value, Value{false});
}

TEST(Merge, DeleteThatHasSeenTheEditWins) {
  RecordState base = created_on_a();
  RecordState edited = StateBuilder(base).edit(kReplicaB, 1, kT + 5, {{"phone", std::string("555")}});
  RecordState deleted = StateBuilder(merge(base, edited)).remove(kReplicaA, 2, kT + 100);
  RecordState merged = merge(edited, deleted);
  EXPECT_EQ(merged, deleted);
  EXPECT_THAT(sibling_values(merged, kDeletedField), ElementsAre(Value{true}));
}

// A copy of `state` whose siblings of `replica` are stamped `hlc_ms` instead: what a replica
// that lowered the stamps of its own writes (its clock was wrong) holds beside a copy that
// travelled before that (a change file), or what the server holds after lowering a stamp
// from the future.
RecordState restamped(RecordState state, const ReplicaId& replica, std::uint64_t hlc_ms) {
  for (auto& field : state.fields) {
    for (auto& sibling : field.siblings) {
      if (sibling.dot.replica == replica) sibling.hlc = Hlc(hlc_ms, 0);
    }
  }
  return state;
}

TEST(Merge, CopiesOfOneDotThatDifferInTheirStampKeepTheSmallerOneInTheFastPath) {
  RecordState future = created_on_a();  // stamped kT
  RecordState lowered = restamped(future, kReplicaA, kT - 3 * 86'400'000ULL);
  ASSERT_EQ(future.vv, lowered.vv);  // the vv-equal fast path

  EXPECT_EQ(merge(future, lowered), lowered);
  EXPECT_EQ(merge(lowered, future), lowered);
  EXPECT_EQ(encode_state(merge(future, lowered)), encode_state(merge(lowered, future)));
  EXPECT_EQ(merge(lowered, lowered), lowered);
}

TEST(Merge, CopiesOfOneDotThatDifferInTheirStampKeepTheSmallerOneInTheGeneralPath) {
  RecordState base = created_on_a();
  // B edits concurrently with the copy of A's write that A lowered later.
  RecordState on_b = StateBuilder(base).edit(kReplicaB, 1, kT + 5, {{"phone", std::string("555")}});
  RecordState lowered = StateBuilder(restamped(base, kReplicaA, kT - 1000))
                            .edit(kReplicaA, 2, kT - 900, {{"industry", std::string("retail")}});

  const RecordState ab = merge(lowered, on_b);
  const RecordState ba = merge(on_b, lowered);
  EXPECT_EQ(ab, ba);
  EXPECT_EQ(encode_state(ab), encode_state(ba));
  for (const auto& field : ab.fields) {
    for (const auto& sibling : field.siblings) {
      if (sibling.dot == Dot{kReplicaA, 1}) {
        EXPECT_EQ(sibling.hlc, Hlc(kT - 1000, 0)) << field.name;
      }
    }
  }
  // Associative too, whatever order the three copies meet in.
  EXPECT_EQ(merge(merge(base, on_b), lowered), merge(base, merge(on_b, lowered)));
  EXPECT_EQ(merge(merge(lowered, base), on_b), ab);
}

TEST(ApplyWrite, SetsTheVectorEntryAndReplacesOnlyWrittenFields) {
  RecordState state = created_on_a();
  apply_write(state, Dot{kReplicaB, 4}, Hlc(kT + 1, 0), {{"phone", std::string("1")}});
  EXPECT_EQ(state.vv.get(kReplicaB), 4u);
  EXPECT_EQ(state.vv.get(kReplicaA), 1u);
  EXPECT_THAT(dots_of(state, "phone"), ElementsAre(Dot{kReplicaB, 4}));
  EXPECT_THAT(dots_of(state, "name"), ElementsAre(Dot{kReplicaA, 1}));
  EXPECT_EQ(state.field("phone")->siblings.front().hlc, Hlc(kT + 1, 0));
}

}  // namespace
}  // namespace fieldsync
