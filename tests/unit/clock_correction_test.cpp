// Replica::correct_clock (docs/architecture.md, "Clocks"): a replica told by the server that
// its device clock is off stamps with the corrected clock from then on, across restarts and
// for every connection to its file, and corrects the stamps of its unpushed edits (never
// their dots, never other replicas' siblings) before they are pushed.
#include <gtest/gtest.h>

#include "fieldsync/core/replica.hpp"
#include "test_support.hpp"

namespace fieldsync {
namespace {

constexpr std::uint64_t kTrue = 1'700'000'000'000;
constexpr std::int64_t kHour = 3600 * 1000;
constexpr std::int64_t kDay = 24 * kHour;

FieldValues customer(const std::string& name) { return {{"name", Value(name)}, {"territory", Value("north")}}; }

Hlc stamp_of(const Replica& replica, const RecordId& id, std::string_view field) {
  return replica.state("customers", id)->field(field)->siblings.front().hlc;
}

class ClockCorrectionTest : public ::testing::Test {
 protected:
  Replica open(const Clock& clock, const std::string& name = "phone.db") {
    return Replica::open(dir_.file(name), Schema::domain(), ReplicaOptions{.clock = &clock});
  }

  test::TempDir dir_{"fieldsync-clock"};
  ManualClock truth_{kTrue};
  OffsetClock fast_{truth_, 3 * kDay};  // a device clock three days fast
};

TEST_F(ClockCorrectionTest, AFastPhonesUnpushedEditsGetTheirTrueTimeAndItStampsTrueTimeFromThen) {
  Replica phone = open(fast_);
  const RecordId id = phone.create("customers", customer("Acme"));
  const Dot dot = phone.state("customers", id)->field("name")->siblings.front().dot;
  EXPECT_EQ(stamp_of(phone, id, "name").ms(), kTrue + 3 * kDay);
  truth_.advance(kHour);

  const ClockCorrection done = phone.correct_clock(-3 * kDay);
  EXPECT_EQ(done.previous_offset_ms, 0);
  EXPECT_EQ(done.offset_ms, -3 * kDay);
  EXPECT_EQ(done.restamped, 4u);  // name, territory, tier (its default), _deleted
  EXPECT_EQ(stamp_of(phone, id, "name").ms(), kTrue);  // when it was written, in true time
  EXPECT_EQ(phone.state("customers", id)->field("name")->siblings.front().dot, dot);
  EXPECT_EQ(phone.outbox_size(), 1u);
  // The re-stamped state is a change like any other: exports carry the corrected stamp.
  EXPECT_EQ(phone.changes_since(1).states.size(), 1u);

  EXPECT_EQ(phone.now_ms(), truth_.now_ms());
  EXPECT_EQ(phone.device_now_ms(), truth_.now_ms() + 3 * kDay);
  EXPECT_LE(phone.clock().ms(), truth_.now_ms());  // its HLC no longer runs ahead
  phone.update("customers", id, {{"phone", Value("1")}});
  EXPECT_EQ(stamp_of(phone, id, "phone").ms(), truth_.now_ms());
}

TEST_F(ClockCorrectionTest, ASlowPhonesUnpushedEditsMoveForwardToTheirTrueTime) {
  OffsetClock slow(truth_, -3 * kDay);
  Replica phone = open(slow);
  const RecordId id = phone.create("customers", customer("Acme"));
  truth_.advance(kHour);
  phone.correct_clock(3 * kDay);
  EXPECT_EQ(stamp_of(phone, id, "name").ms(), kTrue);
  phone.update("customers", id, {{"phone", Value("1")}});
  EXPECT_EQ(stamp_of(phone, id, "phone").ms(), truth_.now_ms());
}

TEST_F(ClockCorrectionTest, AClockSetBackAfterASyncIsNotMovedPastEditsMadeMeanwhile) {
  // The phone synced (its HLC saw true time), then its clock was set three days back: the
  // HLC never goes back, so its edits are stamped at the last time it saw, not by the wall
  // clock. Moving them three days forward would put them after edits made in between.
  OffsetClock device(truth_, 0);
  Replica phone = open(device);
  phone.create("customers", customer("Seen"));
  device.set_offset_ms(-3 * kDay);
  truth_.advance(kHour);
  const RecordId id = phone.create("customers", customer("Acme"));
  const Hlc pinned = stamp_of(phone, id, "name");
  EXPECT_EQ(pinned.ms(), kTrue);
  truth_.advance(kHour);
  phone.correct_clock(3 * kDay);
  EXPECT_EQ(stamp_of(phone, id, "name"), pinned);
  EXPECT_EQ(phone.now_ms(), truth_.now_ms());
}

TEST_F(ClockCorrectionTest, TheOffsetSurvivesARestartAndServesOfflineEdits) {
  {
    Replica phone = open(fast_);
    phone.correct_clock(-3 * kDay);
  }
  truth_.advance(kDay);  // offline for a day, the app restarted
  Replica phone = open(fast_);
  EXPECT_EQ(phone.clock_offset_ms(), -3 * kDay);
  const RecordId id = phone.create("customers", customer("Acme"));
  EXPECT_EQ(stamp_of(phone, id, "name").ms(), truth_.now_ms());
}

TEST_F(ClockCorrectionTest, AnotherConnectionToTheFileStampsWithTheCorrectionToo) {
  Replica ui = open(fast_);
  Replica sync = open(fast_);
  ui.create("customers", customer("Before"));  // the UI connection's HLC is three days ahead
  sync.correct_clock(-3 * kDay);
  truth_.advance(kHour);
  const RecordId id = ui.create("customers", customer("After"));
  EXPECT_EQ(stamp_of(ui, id, "name").ms(), truth_.now_ms());
}

TEST_F(ClockCorrectionTest, OnlyOwnWritesSinceTheLastCorrectionAreShiftedAndOthersAreUntouched) {
  Replica phone = open(fast_);
  const RecordId mine = phone.create("customers", customer("Mine"));
  phone.correct_clock(-3 * kDay);  // Mine is stamped kTrue now, and then pushed
  phone.acknowledge(std::vector<OutboxAck>{{"customers", mine, phone.counter()}});

  // A record another replica wrote (merged, stamped by its own clock).
  ManualClock other_clock(kTrue + 2 * kDay);
  Replica other = Replica::open(":memory:", Schema::domain(), ReplicaOptions{.clock = &other_clock});
  const RecordId theirs = other.create("customers", customer("Theirs"));
  phone.merge(other.changes_since(0).states);

  // Offline, the device clock goes two more days wrong; edits of both records follow,
  // stamped with the old correction: two days ahead.
  fast_.set_offset_ms(5 * kDay);
  truth_.advance(kHour);
  phone.update("customers", mine, {{"phone", Value("1")}});
  phone.update("customers", theirs, {{"phone", Value("2")}});
  EXPECT_EQ(stamp_of(phone, mine, "phone").ms(), kTrue + kHour + 2 * kDay);
  truth_.advance(kHour);

  const ClockCorrection done = phone.correct_clock(-5 * kDay);
  EXPECT_EQ(done.previous_offset_ms, -3 * kDay);
  EXPECT_EQ(done.offset_ms, -5 * kDay);
  EXPECT_EQ(stamp_of(phone, mine, "phone").ms(), kTrue + kHour);
  EXPECT_EQ(stamp_of(phone, theirs, "phone").ms(), kTrue + kHour);
  // The pushed sibling of that record, and the other replica's, keep their stamps.
  EXPECT_EQ(stamp_of(phone, mine, "name").ms(), kTrue);
  EXPECT_EQ(stamp_of(phone, theirs, "name").ms(), kTrue + 2 * kDay);
}

TEST_F(ClockCorrectionTest, AStampBeyondTheCorrectedNowIsLoweredToNow) {
  // Fast while offline, set right before the sync: the offset has not changed (0), but the
  // edits lie in the future.
  Replica phone = open(fast_);
  const RecordId id = phone.create("customers", customer("Acme"));
  fast_.set_offset_ms(0);
  truth_.advance(kHour);
  const ClockCorrection done = phone.correct_clock(0);
  EXPECT_EQ(done.restamped, 4u);
  EXPECT_EQ(stamp_of(phone, id, "name"), Hlc(truth_.now_ms(), 0));
  EXPECT_LE(phone.clock().ms(), truth_.now_ms());
}

TEST_F(ClockCorrectionTest, AChangeWithinTheToleranceChangesNothing) {
  Replica phone = open(fast_);
  phone.correct_clock(-3 * kDay);
  const RecordId id = phone.create("customers", customer("Acme"));
  const std::uint64_t seq = phone.last_seq();
  const ClockCorrection done = phone.correct_clock(-3 * kDay + 400);  // network delay
  EXPECT_EQ(done.offset_ms, -3 * kDay);
  EXPECT_EQ(done.restamped, 0u);
  EXPECT_EQ(phone.last_seq(), seq);
  EXPECT_EQ(stamp_of(phone, id, "name").ms(), kTrue);
}

}  // namespace
}  // namespace fieldsync
