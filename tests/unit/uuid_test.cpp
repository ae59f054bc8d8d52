#include "fieldsync/core/uuid.hpp"

#include <gtest/gtest.h>

#include <set>

#include "fieldsync/core/clock.hpp"

namespace fieldsync {
namespace {

constexpr std::string_view kText = "0189f7a2-5c3e-7abc-9def-0123456789ab";

int version_of(const Uuid& id) { return id.bytes()[6] >> 4; }
int variant_bits(const Uuid& id) { return id.bytes()[8] >> 6; }
std::uint64_t v7_ms(const Uuid& id) {
  std::uint64_t ms = 0;
  for (int i = 0; i < 6; ++i) ms = (ms << 8) | id.bytes()[static_cast<std::size_t>(i)];
  return ms;
}

TEST(Uuid, ParseAndToStringRoundTrip) {
  auto id = Uuid::parse(kText);
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->to_string(), kText);
  EXPECT_EQ(id->bytes()[0], 0x01);
  EXPECT_EQ(id->bytes()[15], 0xab);
  EXPECT_FALSE(id->is_nil());
}

TEST(Uuid, ParseAcceptsUpperCaseAndPrintsLowerCase) {
  auto id = Uuid::parse("0189F7A2-5C3E-7ABC-9DEF-0123456789AB");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->to_string(), kText);
}

TEST(Uuid, ParseRejectsMalformedText) {
  for (std::string_view bad : {
           "",
           "0189f7a2-5c3e-7abc-9def-0123456789a",     // too short
           "0189f7a2-5c3e-7abc-9def-0123456789abc",   // too long
           "0189f7a25c3e7abc9def0123456789ab",        // no dashes
           "0189f7a2-5c3e-7abc-9def_0123456789ab",    // wrong separator
           "0189f7a-25c3e-7abc-9def-0123456789ab",    // dash in the wrong place
           "0189f7a2-5c3e-7abc-9deg-0123456789ab",    // not hex
           "{189f7a2-5c3e-7abc-9def-0123456789ab}",
           " 189f7a2-5c3e-7abc-9def-0123456789ab",
       }) {
    EXPECT_FALSE(Uuid::parse(bad).has_value()) << "accepted '" << bad << "'";
  }
}

TEST(Uuid, FromBytesTakesExactlySixteen) {
  auto id = Uuid::parse(kText);
  ASSERT_TRUE(id.has_value());
  auto copy = Uuid::from_bytes(id->raw());
  ASSERT_TRUE(copy.has_value());
  EXPECT_EQ(*copy, *id);
  EXPECT_FALSE(Uuid::from_bytes(id->raw().substr(0, 15)).has_value());
  EXPECT_FALSE(Uuid::from_bytes(std::string(17, 'x')).has_value());
}

TEST(Uuid, DefaultIsNil) {
  EXPECT_TRUE(Uuid{}.is_nil());
  EXPECT_EQ(Uuid{}.to_string(), "00000000-0000-0000-0000-000000000000");
}

TEST(UuidGenerator, V7HasVersionVariantAndTimestamp) {
  ManualClock wall(1'700'000'000'123);
  UuidGenerator ids(wall, 42);
  Uuid id = ids.make_v7();
  EXPECT_EQ(version_of(id), 7);
  EXPECT_EQ(variant_bits(id), 0b10);
  EXPECT_EQ(v7_ms(id), 1'700'000'000'123u);
  EXPECT_TRUE(Uuid::parse(id.to_string()) == id);
}

TEST(UuidGenerator, V7StrictlyIncreasingWithinOneMillisecond) {
  ManualClock wall(1'700'000'000'000);
  UuidGenerator ids(wall, 7);
  Uuid previous = ids.make_v7();
  // More ids than the 12-bit sequence holds, so the generator must borrow milliseconds.
  for (int i = 0; i < 10'000; ++i) {
    Uuid next = ids.make_v7();
    ASSERT_GT(next, previous) << "at " << i;
    ASSERT_EQ(version_of(next), 7);
    ASSERT_EQ(variant_bits(next), 0b10);
    previous = next;
  }
}

TEST(UuidGenerator, V7StrictlyIncreasingWhenClockGoesBack) {
  ManualClock wall(1'700'000'000'000);
  UuidGenerator ids(wall, 9);
  Uuid before = ids.make_v7();
  wall.set(1'600'000'000'000);
  Uuid after = ids.make_v7();
  EXPECT_GT(after, before);
  wall.set(1'700'000'000'001);
  EXPECT_GT(ids.make_v7(), after);
}

TEST(UuidGenerator, V7OrdersByTimeAcrossMilliseconds) {
  ManualClock wall(1'700'000'000'000);
  UuidGenerator ids(wall, 3);
  Uuid early = ids.make_v7();
  wall.advance(1);
  Uuid late = ids.make_v7();
  EXPECT_GT(late, early);
  EXPECT_EQ(v7_ms(late), 1'700'000'000'001u);
}

TEST(UuidGenerator, V4HasVersionAndVariantAndIsRandom) {
  ManualClock wall;
  UuidGenerator ids(wall, 1234);
  std::set<Uuid> seen;
  for (int i = 0; i < 1000; ++i) {
    Uuid id = ids.make_v4();
    ASSERT_EQ(version_of(id), 4);
    ASSERT_EQ(variant_bits(id), 0b10);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(UuidGenerator, DifferentSeedsGiveDifferentIds) {
  ManualClock wall;
  UuidGenerator first(wall, 1);
  UuidGenerator second(wall, 2);
  EXPECT_NE(first.make_v4(), second.make_v4());
  // Unseeded generators draw from the system's entropy.
  UuidGenerator third(wall);
  UuidGenerator fourth(wall);
  EXPECT_NE(third.make_v4(), fourth.make_v4());
}

}  // namespace
}  // namespace fieldsync
