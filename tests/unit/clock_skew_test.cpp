// Clock skew (DESIGN: Clocks): the hybrid clock only orders concurrent siblings for
// display; causality comes from version vectors. So replicas whose clocks are hours apart
// converge to what they reach with true clocks: the same siblings, the same values, the same
// conflicts. Only which concurrent sibling is shown first may differ.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "fieldsync/core/replica.hpp"
#include "test_support.hpp"

namespace fieldsync {
namespace {

constexpr std::uint64_t kTrueStart = 1'700'000'000'000;
constexpr std::uint64_t kHours3 = 3ULL * 3600 * 1000;
constexpr std::uint64_t kDays3 = 24 * kHours3;
const RecordId kCustomer = test::id_of(0x10);
const RecordId kOrder = test::id_of(0x20);

// Every replica takes every other's states (a server in the middle changes nothing here).
void exchange_all(std::vector<Replica*> replicas) {
  for (Replica* from : replicas) {
    const auto states = from->changes_since(0).states;
    for (Replica* to : replicas) {
      if (to != from) to->merge(states);
    }
  }
}

std::string text_of(const Record& record, std::string_view field) {
  const Value& value = record.value(field);
  return is_null(value) ? "<null>" : std::get<std::string>(value);
}

// What a person would compare: each field's sibling values, and which fields are in conflict.
struct Outcome {
  std::map<std::string, std::multiset<std::string>> customer_values;
  std::string order_status;
  std::set<std::string> conflicted_fields;
  std::string shown_phone;
};

// Three reps on the same records, offline in turns, with clocks A and B off by the given
// amounts (C is right). Returns what replica C ends with, after checking all three agree.
Outcome run_scenario(std::int64_t skew_a_ms, std::int64_t skew_b_ms) {
  ManualClock clock_a(static_cast<std::uint64_t>(static_cast<std::int64_t>(kTrueStart) + skew_a_ms));
  ManualClock clock_b(static_cast<std::uint64_t>(static_cast<std::int64_t>(kTrueStart) + skew_b_ms));
  ManualClock clock_c(kTrueStart);
  auto open = [](const ManualClock& clock) {
    ReplicaOptions options;
    options.clock = &clock;
    return Replica::open(":memory:", Schema::domain(), options);
  };
  Replica a = open(clock_a);
  Replica b = open(clock_b);
  Replica c = open(clock_c);
  auto tick = [&](std::uint64_t ms) {
    for (ManualClock* clock : {&clock_a, &clock_b, &clock_c}) clock->advance(ms);
  };

  a.create("customers", kCustomer, {{"name", Value("Acme")}, {"phone", Value("1")}, {"territory", Value("north")}});
  a.create("orders", kOrder, {{"order_number", Value("SO-1")}, {"customer_id", Value(kCustomer.to_string())},
                              {"territory", Value("north")}});
  exchange_all({&a, &b, &c});
  tick(60'000);
  // B, three hours slow, overwrites A's phone after seeing it: B wins by causality.
  b.update("customers", kCustomer, {{"phone", Value("2")}});
  c.update("orders", kOrder, {{"status", Value("reviewed")}});
  exchange_all({&a, &b, &c});
  tick(60'000);
  // Concurrent: A (fast) and C set the phone; B sets the email and schedules the order it
  // saw reviewed.
  a.update("customers", kCustomer, {{"phone", Value("3")}});
  c.update("customers", kCustomer, {{"phone", Value("4")}});
  b.update("customers", kCustomer, {{"email", Value("b@example.com")}});
  b.update("orders", kOrder, {{"status", Value("scheduled")}});
  exchange_all({&a, &b, &c});
  exchange_all({&a, &b, &c});

  for (Replica* other : {&a, &b}) {
    EXPECT_EQ(other->state("customers", kCustomer), c.state("customers", kCustomer));
    EXPECT_EQ(other->state("orders", kOrder), c.state("orders", kOrder));
  }
  Outcome outcome;
  const auto customer = c.get("customers", kCustomer);
  for (const auto& field : customer->state.fields) {
    for (const auto& sibling : field.siblings) {
      const std::string* value = std::get_if<std::string>(&sibling.value);
      outcome.customer_values[field.name].insert(value ? *value : "<not text>");
    }
  }
  outcome.order_status = text_of(*c.get("orders", kOrder), "status");
  for (const auto& conflict : c.conflicts()) outcome.conflicted_fields.insert(conflict.collection + "." + conflict.field);
  outcome.shown_phone = text_of(*customer, "phone");
  return outcome;
}

TEST(ClockSkewTest, ReplicasHoursApartConvergeToWhatTrueClocksGive) {
  const Outcome true_clocks = run_scenario(0, 0);
  const Outcome skewed = run_scenario(+static_cast<std::int64_t>(kHours3), -static_cast<std::int64_t>(kHours3));

  EXPECT_EQ(skewed.customer_values, true_clocks.customer_values);
  EXPECT_EQ(skewed.order_status, true_clocks.order_status);
  EXPECT_EQ(skewed.conflicted_fields, true_clocks.conflicted_fields);

  // And that outcome is the causal one: the slow clock's later write replaced what it saw,
  // the concurrent phones are both kept for review, the order took the furthest stage.
  EXPECT_EQ(true_clocks.customer_values.at("phone"), (std::multiset<std::string>{"3", "4"}));
  EXPECT_EQ(true_clocks.customer_values.at("email"), (std::multiset<std::string>{"b@example.com"}));
  EXPECT_EQ(true_clocks.order_status, "scheduled");
  EXPECT_EQ(true_clocks.conflicted_fields, (std::set<std::string>{"customers.phone"}));
  // Which concurrent phone is shown first is the one thing the clocks decide.
  EXPECT_TRUE(skewed.shown_phone == "3" || skewed.shown_phone == "4") << skewed.shown_phone;
}

// Days apart (a phone set to the wrong date), with no server to correct them: still only the
// display order of concurrent siblings can differ.
TEST(ClockSkewTest, ReplicasDaysApartConvergeToWhatTrueClocksGive) {
  const Outcome true_clocks = run_scenario(0, 0);
  for (const auto& [a, b] : {std::pair{+1, -1}, std::pair{-1, +1}}) {
    const Outcome skewed = run_scenario(a * static_cast<std::int64_t>(kDays3), b * static_cast<std::int64_t>(kDays3));
    EXPECT_EQ(skewed.customer_values, true_clocks.customer_values);
    EXPECT_EQ(skewed.order_status, true_clocks.order_status);
    EXPECT_EQ(skewed.conflicted_fields, true_clocks.conflicted_fields);
  }
}

}  // namespace
}  // namespace fieldsync
