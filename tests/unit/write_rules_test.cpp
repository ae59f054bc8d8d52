// The sales rules of the domain schema judged on hand-built writes: each test makes the
// write a replica would make (apply_write) and asks rule_refusal what the server would say.

#include <gtest/gtest.h>

#include "fieldsync/core/write_rules.hpp"
#include "test_support.hpp"

namespace fieldsync::test {
namespace {

const Schema& domain() { return Schema::domain(); }

// An existing order at `status`, written by replica A.
RecordState order_at(const std::string& status) {
  return StateBuilder("orders").edit(kReplicaA, 1, 1000, {{"status", status}, {"order_number", "N-1"}});
}

// `before` edited by `replica` (write `counter`) with `values`: the state a push brings.
RecordState edited(const RecordState& before, const ReplicaId& replica, std::uint64_t counter, FieldValues values) {
  return StateBuilder(before).edit(replica, counter, 2000 + counter, std::move(values));
}

std::optional<Error> judge(std::string_view role, const RecordState* before, const RecordState& after,
                           MoveReach reach = MoveReach::kChain) {
  return rule_refusal(domain(), domain().require(after.collection), role, before, after, reach);
}

void expect_broken(const std::optional<Error>& refusal, std::string_view words) {
  ASSERT_TRUE(refusal.has_value()) << "expected a refusal saying: " << words;
  EXPECT_EQ(refusal->code(), ErrorCode::kRuleBroken);
  EXPECT_NE(std::string(refusal->what()).find(words), std::string::npos) << refusal->what();
}

TEST(WriteRules, NewOrdersStartReceivedForARep) {
  const RecordState fresh = StateBuilder("orders").edit(kReplicaA, 1, 1000, {{"status", "received"}});
  EXPECT_FALSE(judge("rep", nullptr, fresh));
  const RecordState skipped = StateBuilder("orders").edit(kReplicaA, 1, 1000, {{"status", "scheduled"}});
  expect_broken(judge("rep", nullptr, skipped), "a rep may not start status of a new orders record at 'scheduled'");
  EXPECT_FALSE(judge("supervisor", nullptr, skipped)) << "a supervisor may review on the way";
  expect_broken(judge("admin", nullptr, fresh), "only a rep or a supervisor may");
}

TEST(WriteRules, TheReviewIsASupervisors) {
  const RecordState before = order_at("received");
  const RecordState after = edited(before, kReplicaA, 2, {{"status", "reviewed"}});
  expect_broken(judge("rep", &before, after), "a rep may not move status of orders from 'received' to 'reviewed': only a supervisor may");
  EXPECT_FALSE(judge("supervisor", &before, after));
  expect_broken(judge("admin", &before, after), "only a supervisor may");
}

TEST(WriteRules, AnOfflineChainIsAcceptedFromAPhoneButOneMoveAtATimeHere) {
  const RecordState before = order_at("reviewed");
  const RecordState after = edited(before, kReplicaA, 2, {{"status", "delivered"}});
  EXPECT_FALSE(judge("rep", &before, after, MoveReach::kChain));
  expect_broken(judge("rep", &before, after, MoveReach::kOneMove), "a rep may not move status of orders from 'reviewed' to 'delivered'");
  const RecordState one = edited(before, kReplicaA, 2, {{"status", "scheduled"}});
  EXPECT_FALSE(judge("rep", &before, one, MoveReach::kOneMove));
}

TEST(WriteRules, GoingBackIsASupervisorsWithAReason) {
  const RecordState before = order_at("after_sales");
  const RecordState bare = edited(before, kReplicaA, 2, {{"status", "received"}});
  expect_broken(judge("rep", &before, bare), "a rep may not move status of orders from 'after_sales' to 'received': only a supervisor may");
  expect_broken(judge("supervisor", &before, bare), "give a reason in 'status_reason'");
  const RecordState reasoned =
      edited(before, kReplicaA, 2, {{"status", "received"}, {"status_reason", "customer changed the address"}});
  EXPECT_FALSE(judge("supervisor", &before, reasoned));
  // A reason written by an earlier write does not stand for this move.
  const RecordState stale = edited(edited(before, kReplicaA, 2, {{"status_reason", "old"}}), kReplicaA, 3,
                                   {{"status", "received"}});
  expect_broken(judge("supervisor", &before, stale), "give a reason");
}

TEST(WriteRules, CancellingLateIsASupervisors) {
  const RecordState early = order_at("received");
  const RecordState cancel_early = edited(early, kReplicaA, 2, {{"status", "cancelled"}, {"status_reason", "duplicate"}});
  EXPECT_FALSE(judge("rep", &early, cancel_early));
  const RecordState late = order_at("in_progress");
  const RecordState cancel_late = edited(late, kReplicaA, 2, {{"status", "cancelled"}, {"status_reason", "no stock"}});
  expect_broken(judge("rep", &late, cancel_late), "only a supervisor may");
  EXPECT_FALSE(judge("supervisor", &late, cancel_late));
}

TEST(WriteRules, TierOwnerAndTerritoryAreASupervisors) {
  const RecordState before = StateBuilder("customers").edit(
      kReplicaA, 1, 1000, {{"name", "Acme"}, {"tier", "potential"}, {"territory", "north"}, {"owner", "anna"}});
  for (const auto& [field, value] : FieldValues{{"tier", "vip"}, {"owner", "ben"}, {"territory", "south"}}) {
    const RecordState after = edited(before, kReplicaA, 2, {{field, value}});
    expect_broken(judge("rep", &before, after), "a rep may not change " + field + " of customers: only a supervisor may");
    EXPECT_FALSE(judge("supervisor", &before, after)) << field;
  }
  // A form saved whole writes the tier it shows: no change, no refusal.
  const RecordState same = edited(before, kReplicaA, 2, {{"tier", "potential"}, {"name", "Acme Ltd"}});
  EXPECT_FALSE(judge("rep", &before, same));
  // Any role sets them on a new record.
  EXPECT_FALSE(judge("rep", nullptr, before));
}

TEST(WriteRules, DeletesFollowTheCollectionsRules) {
  const RecordState received = order_at("received");
  EXPECT_FALSE(judge("rep", &received, StateBuilder(received).remove(kReplicaA, 2, 2000)));
  const RecordState reviewed = order_at("reviewed");
  expect_broken(judge("rep", &reviewed, StateBuilder(reviewed).remove(kReplicaA, 2, 2000)),
                "a rep may not delete this orders record: deleting it is for a supervisor, or a rep while status is 'received'");
  EXPECT_FALSE(judge("supervisor", &reviewed, StateBuilder(reviewed).remove(kReplicaA, 2, 2000)));
  const RecordState ticket = StateBuilder("tickets").edit(kReplicaA, 1, 1000, {{"kind", "complaint"}, {"status", "open"}});
  expect_broken(judge("rep", &ticket, StateBuilder(ticket).remove(kReplicaA, 2, 2000)), "deleting it is for a supervisor");
}

// An order in conflict: A cancelled it while B scheduled it, both from `reviewed`.
RecordState conflicted_order() {
  const RecordState base = order_at("reviewed");
  return merge(edited(base, kReplicaA, 2, {{"status", "cancelled"}, {"status_reason", "lost"}}),
               edited(base, kReplicaB, 1, {{"status", "scheduled"}}));
}

TEST(WriteRules, SettlingPicksAValueInConflictOrMakesOneMoveFromEach) {
  const RecordState conflict = conflicted_order();
  ASSERT_EQ(sibling_values(conflict, "status").size(), 2u);
  const RecordState pick = edited(conflict, kReplicaC, 1, {{"status", "scheduled"}});
  EXPECT_FALSE(judge("supervisor", &conflict, pick));
  expect_broken(judge("rep", &conflict, pick), "a rep may not settle the conflict on status of orders: only a supervisor may");
  const RecordState typed = edited(conflict, kReplicaC, 1, {{"status", "delivered"}});
  expect_broken(judge("supervisor", &conflict, typed), "from 'cancelled' to 'delivered'");
}

TEST(WriteRules, AnOfflineMoveBesideAConcurrentOneStandsWhenOnTheWay) {
  const RecordState base = order_at("scheduled");
  // The server holds the supervisor's cancellation, which replaced `scheduled`.
  const RecordState server = edited(base, kReplicaB, 1, {{"status", "cancelled"}, {"status_reason", "no stock"}});
  // A rep's phone, offline since `scheduled`, moved it on; its base is gone on the server.
  RecordState pushed = edited(base, kReplicaC, 1, {{"status", "in_progress"}});
  EXPECT_FALSE(judge("rep", &server, merge(server, pushed)));
  // A cancellation the rep may not make is not let in beside an advance.
  const RecordState advanced = edited(base, kReplicaB, 1, {{"status", "in_progress"}});
  const RecordState cancel = edited(base, kReplicaC, 1, {{"status", "cancelled"}, {"status_reason", "x"}});
  expect_broken(judge("rep", &advanced, merge(advanced, cancel)), "moved on while this change was made offline");
}

TEST(WriteRules, ReturnsAreApprovedBySupervisorsAndResolvedWithTheirResult) {
  const RecordState ret = StateBuilder("tickets").edit(kReplicaA, 1, 1000, {{"kind", "return"}, {"status", "open"}});
  const RecordState approve = edited(ret, kReplicaA, 2, {{"status", "approved"}});
  expect_broken(judge("rep", &ret, approve), "only a supervisor may");
  EXPECT_FALSE(judge("supervisor", &ret, approve));
  const RecordState skip = edited(ret, kReplicaA, 2, {{"status", "in_progress"}});
  expect_broken(judge("rep", &ret, skip), "from 'open' to 'in_progress'");

  const RecordState complaint =
      StateBuilder("tickets").edit(kReplicaA, 1, 1000, {{"kind", "complaint"}, {"status", "in_progress"}});
  expect_broken(judge("rep", &complaint, edited(complaint, kReplicaA, 2, {{"status", "resolved"}})),
                "fill in 'resolution'");
  const RecordState resolved = edited(complaint, kReplicaA, 2,
                                      {{"status", "resolved"}, {"resolution", "replaced the part"}, {"resolved_on", "2026-12-04"}});
  EXPECT_FALSE(judge("rep", &complaint, resolved));
}

TEST(WriteRules, TheCatalogueIsAnAdmins) {
  const RecordState product = StateBuilder("products").edit(kReplicaA, 1, 1000, {{"sku", "P-1"}, {"name", "Pump"}});
  expect_broken(judge("supervisor", nullptr, product), "a supervisor may not write products: only an admin may");
  expect_broken(judge("rep", nullptr, product), "only an admin may");
  EXPECT_FALSE(judge("admin", nullptr, product));
}

TEST(WriteRules, MovesOfferedAreThoseTheRoleMayMake) {
  const FieldSchema& status = domain_field("orders", "status");
  auto targets = [&](std::string_view from, std::string_view role) {
    std::vector<std::string> to;
    for (const auto& move : moves_from(status, from, role, [](std::string_view) { return std::string(); })) {
      to.push_back(move.to + (move.needs_reason ? "*" : "") + (move.back ? "<" : ""));
    }
    return to;
  };
  EXPECT_EQ(targets("received", "rep"), (std::vector<std::string>{"cancelled*"}));
  EXPECT_EQ(targets("received", "supervisor"), (std::vector<std::string>{"reviewed", "cancelled*"}));
  EXPECT_EQ(targets("scheduled", "rep"), (std::vector<std::string>{"in_progress"}));
  EXPECT_EQ(targets("scheduled", "supervisor"),
            (std::vector<std::string>{"received*<", "reviewed*<", "in_progress", "cancelled*"}));
  EXPECT_EQ(targets("", "rep"), (std::vector<std::string>{"received"}));
}

TEST(WriteRules, DefaultsFillWhatACreateLeavesOut) {
  FieldValues values{{"order_number", "N-7"}, {"currency", "EUR"}};
  add_defaults(domain().require("orders"), values, "anna", "2026-12-04");
  auto value_of = [&](std::string_view name) {
    for (const auto& [field, value] : values) {
      if (field == name) return value;
    }
    return Value{};
  };
  EXPECT_EQ(value_of("status"), Value{std::string("received")});
  EXPECT_EQ(value_of("order_date"), Value{std::string("2026-12-04")});
  EXPECT_EQ(value_of("responsible"), Value{std::string("anna")});
  EXPECT_EQ(value_of("currency"), Value{std::string("EUR")}) << "a given value stays";
}

TEST(WriteRules, ASchemaRuleNamingAnUnknownRoleOrStageIsRefusedAtLoad) {
  const std::string head = R"(version: 1 roles: ["rep"] collections { name: "orders" )";
  EXPECT_TRUE(throws_error([&] {
    Schema::from_text(head + R"(fields { name: "s" type: ENUM values: ["a", "b"]
      lifecycle { transitions { from: ["a"] to: "b" roles: ["boss"] } } } })");
  }, ErrorCode::kSchemaMismatch, "role 'boss'"));
  EXPECT_TRUE(throws_error([&] {
    Schema::from_text(head + R"(fields { name: "s" type: ENUM values: ["a", "b"]
      lifecycle { transitions { from: ["a"] to: "c" roles: ["rep"] } } } })");
  }, ErrorCode::kSchemaMismatch, "'c' is not a stage"));
  EXPECT_TRUE(throws_error([&] {
    Schema::from_text(head + R"(fields { name: "d" type: DATE default_value: "$user" } })");
  }, ErrorCode::kSchemaMismatch, "$user"));
}

}  // namespace
}  // namespace fieldsync::test
