#include "fieldsync/core/version_vector.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "test_support.hpp"

namespace fieldsync {
namespace {

using test::kReplicaA;
using test::kReplicaB;
using test::kReplicaC;

VersionVector vv(std::initializer_list<std::pair<ReplicaId, std::uint64_t>> entries) {
  VersionVector v;
  for (const auto& [replica, counter] : entries) v.advance(replica, counter);
  return v;
}

TEST(VersionVector, GetIsZeroForUnknownReplica) {
  VersionVector v;
  EXPECT_EQ(v.get(kReplicaA), 0u);
  v.advance(kReplicaB, 3);
  EXPECT_EQ(v.get(kReplicaA), 0u);
  EXPECT_EQ(v.get(kReplicaB), 3u);
}

TEST(VersionVector, AdvanceIgnoresSmallerCounter) {
  VersionVector v;
  v.advance(kReplicaA, 5);
  v.advance(kReplicaA, 2);
  EXPECT_EQ(v.get(kReplicaA), 5u);
  v.advance(kReplicaA, 7);
  EXPECT_EQ(v.get(kReplicaA), 7u);
}

TEST(VersionVector, AdvanceToZeroAddsNoEntry) {
  VersionVector v;
  v.advance(kReplicaA, 0);
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v, VersionVector{});
}

TEST(VersionVector, EntriesStaySortedWhateverTheInsertionOrder) {
  VersionVector forward = vv({{kReplicaA, 1}, {kReplicaB, 2}, {kReplicaC, 3}});
  VersionVector backward = vv({{kReplicaC, 3}, {kReplicaA, 1}, {kReplicaB, 2}});
  const auto& entries = backward.entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_TRUE(std::is_sorted(entries.begin(), entries.end(),
                             [](const auto& x, const auto& y) { return x.first < y.first; }));
  EXPECT_EQ(entries[0].first, kReplicaA);
  EXPECT_EQ(entries[2].first, kReplicaC);
  // Equal vectors are equal entry for entry, however they were built.
  EXPECT_EQ(forward, backward);
}

TEST(VersionVector, CompareSame) {
  EXPECT_EQ(VersionVector{}.compare(VersionVector{}), Causality::kSame);
  auto a = vv({{kReplicaA, 2}, {kReplicaB, 1}});
  EXPECT_EQ(a.compare(vv({{kReplicaB, 1}, {kReplicaA, 2}})), Causality::kSame);
  EXPECT_TRUE(a.dominated_by(a));
}

TEST(VersionVector, CompareOlderAndNewerOnSharedReplica) {
  auto older = vv({{kReplicaA, 1}, {kReplicaB, 4}});
  auto newer = vv({{kReplicaA, 2}, {kReplicaB, 4}});
  EXPECT_EQ(older.compare(newer), Causality::kOlder);
  EXPECT_EQ(newer.compare(older), Causality::kNewer);
  EXPECT_TRUE(older.dominated_by(newer));
  EXPECT_FALSE(newer.dominated_by(older));
}

TEST(VersionVector, CompareOlderWhenOtherHasAnExtraReplica) {
  auto a = vv({{kReplicaB, 3}});
  auto b = vv({{kReplicaA, 1}, {kReplicaB, 3}, {kReplicaC, 1}});
  EXPECT_EQ(a.compare(b), Causality::kOlder);
  EXPECT_EQ(b.compare(a), Causality::kNewer);
}

TEST(VersionVector, EmptyIsOlderThanAnyNonEmpty) {
  auto a = vv({{kReplicaC, 1}});
  EXPECT_EQ(VersionVector{}.compare(a), Causality::kOlder);
  EXPECT_EQ(a.compare(VersionVector{}), Causality::kNewer);
}

TEST(VersionVector, CompareConcurrentOnSharedReplicas) {
  auto a = vv({{kReplicaA, 2}, {kReplicaB, 1}});
  auto b = vv({{kReplicaA, 1}, {kReplicaB, 2}});
  EXPECT_EQ(a.compare(b), Causality::kConcurrent);
  EXPECT_EQ(b.compare(a), Causality::kConcurrent);
  EXPECT_FALSE(a.dominated_by(b));
  EXPECT_FALSE(b.dominated_by(a));
}

TEST(VersionVector, CompareConcurrentOnDisjointReplicas) {
  auto a = vv({{kReplicaA, 1}});
  auto c = vv({{kReplicaC, 1}});
  EXPECT_EQ(a.compare(c), Causality::kConcurrent);
  EXPECT_EQ(c.compare(a), Causality::kConcurrent);
  // Each side is ahead on a replica the other lacks, behind on the rest.
  auto ab = vv({{kReplicaA, 5}, {kReplicaB, 1}});
  auto bc = vv({{kReplicaB, 1}, {kReplicaC, 1}});
  EXPECT_EQ(ab.compare(bc), Causality::kConcurrent);
}

TEST(VersionVector, MergeIsPointwiseMaximum) {
  auto a = vv({{kReplicaA, 5}, {kReplicaB, 1}});
  auto b = vv({{kReplicaB, 3}, {kReplicaC, 2}});
  auto merged = a;
  merged.merge(b);
  EXPECT_EQ(merged.get(kReplicaA), 5u);
  EXPECT_EQ(merged.get(kReplicaB), 3u);
  EXPECT_EQ(merged.get(kReplicaC), 2u);
  EXPECT_EQ(merged.entries().size(), 3u);
  EXPECT_EQ(merged, vv({{kReplicaC, 2}, {kReplicaA, 5}, {kReplicaB, 3}}));
  // Commutative, and the result has seen both inputs.
  auto other_way = b;
  other_way.merge(a);
  EXPECT_EQ(merged, other_way);
  EXPECT_TRUE(a.dominated_by(merged));
  EXPECT_TRUE(b.dominated_by(merged));
}

TEST(VersionVector, MergeWithEmptyAndSelfChangesNothing) {
  auto a = vv({{kReplicaA, 5}, {kReplicaC, 1}});
  auto copy = a;
  copy.merge(VersionVector{});
  EXPECT_EQ(copy, a);
  copy.merge(a);
  EXPECT_EQ(copy, a);
  VersionVector empty;
  empty.merge(a);
  EXPECT_EQ(empty, a);
}

TEST(VersionVector, ContainsDot) {
  auto a = vv({{kReplicaA, 3}});
  EXPECT_TRUE(a.contains(Dot{kReplicaA, 1}));
  EXPECT_TRUE(a.contains(Dot{kReplicaA, 3}));
  EXPECT_FALSE(a.contains(Dot{kReplicaA, 4}));
  EXPECT_FALSE(a.contains(Dot{kReplicaB, 1}));
}

}  // namespace
}  // namespace fieldsync

namespace fieldsync {
namespace {

TEST(VersionVectorErase, ForgetsOneReplicaOnly) {
  VersionVector vv;
  const ReplicaId a = test::id_of(1), b = test::id_of(2);
  vv.advance(a, 4);
  vv.advance(b, 7);
  vv.erase(a);
  EXPECT_EQ(vv.get(a), 0u);
  EXPECT_EQ(vv.get(b), 7u);
  EXPECT_FALSE(vv.contains(Dot{a, 1}));
  vv.erase(a);  // erasing an absent replica changes nothing
  EXPECT_EQ(vv.entries().size(), 1u);
}

}  // namespace
}  // namespace fieldsync
