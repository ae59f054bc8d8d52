#include "fieldsync/core/hlc.hpp"

#include <gtest/gtest.h>

#include "fieldsync/core/clock.hpp"

namespace fieldsync {
namespace {

constexpr std::uint64_t kStart = 1'700'000'000'000;
constexpr std::uint64_t kSkew = 60'000;

TEST(Hlc, PacksMillisecondsAboveLogical) {
  Hlc h(kStart, 7);
  EXPECT_EQ(h.ms(), kStart);
  EXPECT_EQ(h.logical(), 7);
  EXPECT_EQ(h.packed(), (kStart << 16) | 7);
  EXPECT_EQ(Hlc(h.packed()), h);
  // The logical part never outweighs a millisecond.
  EXPECT_LT(Hlc(kStart, 0xFFFF), Hlc(kStart + 1, 0));
  EXPECT_LT(Hlc(kStart, 1), Hlc(kStart, 2));
}

TEST(HybridClock, TickFollowsAnAdvancingWallClock) {
  ManualClock wall(kStart);
  HybridClock clock(wall);
  EXPECT_EQ(clock.tick(), Hlc(kStart, 0));
  wall.advance(5);
  EXPECT_EQ(clock.tick(), Hlc(kStart + 5, 0));
  EXPECT_EQ(clock.last(), Hlc(kStart + 5, 0));
}

TEST(HybridClock, TickIsStrictlyMonotonicWhileWallClockStandsStill) {
  ManualClock wall(kStart);
  HybridClock clock(wall);
  Hlc previous = clock.tick();
  for (int i = 0; i < 100; ++i) {
    Hlc next = clock.tick();
    ASSERT_GT(next, previous);
    EXPECT_EQ(next.ms(), kStart);
    previous = next;
  }
  EXPECT_EQ(previous.logical(), 100);
}

TEST(HybridClock, TickIsStrictlyMonotonicWhenWallClockGoesBack) {
  ManualClock wall(kStart);
  HybridClock clock(wall);
  Hlc before = clock.tick();
  wall.set(kStart - 10'000);
  Hlc after = clock.tick();
  EXPECT_GT(after, before);
  EXPECT_EQ(after.ms(), kStart);  // keeps the larger time it has already issued
  EXPECT_EQ(after.logical(), 1);
}

TEST(HybridClock, LogicalOverflowBorrowsTheNextMillisecond) {
  ManualClock wall(kStart);
  HybridClock clock(wall, Hlc(kStart, 0xFFFE));
  Hlc last_logical = clock.tick();
  EXPECT_EQ(last_logical, Hlc(kStart, 0xFFFF));
  Hlc overflowed = clock.tick();
  EXPECT_GT(overflowed, last_logical);
  EXPECT_EQ(overflowed, Hlc(kStart + 1, 0));
  // When the wall clock catches up with the borrowed millisecond, order still holds.
  wall.set(kStart + 1);
  EXPECT_GT(clock.tick(), overflowed);
}

TEST(HybridClock, StartsAfterARestoredStamp) {
  ManualClock wall(kStart);
  HybridClock clock(wall, Hlc(kStart + 500, 3));
  EXPECT_EQ(clock.tick(), Hlc(kStart + 500, 4));
}

TEST(HybridClock, ObserveAdoptsALargerRemoteStamp) {
  ManualClock wall(kStart);
  HybridClock clock(wall);
  clock.tick();
  Hlc remote(kStart + 1000, 9);
  EXPECT_TRUE(clock.observe(remote, kSkew));
  EXPECT_EQ(clock.last(), remote);
  Hlc next = clock.tick();
  EXPECT_GT(next, remote);
}

TEST(HybridClock, ObserveKeepsItsOwnLargerStamp) {
  ManualClock wall(kStart);
  HybridClock clock(wall);
  Hlc mine = clock.tick();
  EXPECT_TRUE(clock.observe(Hlc(kStart - 1000, 0), kSkew));
  EXPECT_EQ(clock.last(), mine);
}

TEST(HybridClock, ObserveIgnoresAStampBeyondTheSkewBound) {
  ManualClock wall(kStart);
  HybridClock clock(wall);
  Hlc mine = clock.tick();
  EXPECT_FALSE(clock.observe(Hlc(kStart + kSkew + 1, 0), kSkew));
  EXPECT_EQ(clock.last(), mine);
  EXPECT_EQ(clock.tick(), Hlc(kStart, 1));
  // Exactly at the bound is still adopted.
  EXPECT_TRUE(clock.observe(Hlc(kStart + kSkew, 0), kSkew));
  EXPECT_EQ(clock.last(), Hlc(kStart + kSkew, 0));
}

}  // namespace
}  // namespace fieldsync
