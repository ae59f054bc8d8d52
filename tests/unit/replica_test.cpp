#include "fieldsync/core/replica.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "fieldsync/core/state_codec.hpp"
#include "test_support.hpp"

namespace fieldsync {
namespace {

using test::throws_error;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

constexpr std::uint64_t kT = 1'700'000'000'000;

FieldValues customer(const std::string& name, const std::string& territory = "north") {
  return {{"name", name}, {"territory", territory}};
}

std::string text(const Record& record, std::string_view field) {
  const Value& v = record.value(field);
  return is_null(v) ? std::string("<null>") : std::get<std::string>(v);
}

// The observable footprint of local writes, to check that a failed write left none.
struct Footprint {
  std::uint64_t counter;
  std::uint64_t last_seq;
  std::vector<std::pair<std::string, std::uint64_t>> outbox;

  explicit Footprint(const Replica& r) : counter(r.counter()), last_seq(r.last_seq()) {
    for (const auto& e : r.outbox()) outbox.emplace_back(e.state.id.to_string(), e.change);
  }
  friend bool operator==(const Footprint&, const Footprint&) = default;
};

// ListQuery built field by field (designated initializers of a struct with members
// lacking default initializers trip -Wmissing-field-initializers).
class Query {
 public:
  Query& where(std::string field, Value value) {
    query_.equals.emplace_back(std::move(field), std::move(value));
    return *this;
  }
  Query& order_by(std::string field, bool descending = false) {
    query_.order_by = std::move(field);
    query_.descending = descending;
    return *this;
  }
  Query& limit(std::size_t n) {
    query_.limit = n;
    return *this;
  }
  Query& with_deleted() {
    query_.include_deleted = true;
    return *this;
  }
  operator const ListQuery&() const { return query_; }  // NOLINT: reads as a query

 private:
  ListQuery query_;
};

// A replica in a fresh file, on a clock the test moves.
class ReplicaTest : public ::testing::Test {
 protected:
  Replica open(const std::string& name = "replica.db") {
    return Replica::open(dir_.file(name), Schema::domain(), ReplicaOptions{.clock = &clock_});
  }
  Replica open_memory(const Clock& clock) {
    return Replica::open(":memory:", Schema::domain(), ReplicaOptions{.clock = &clock});
  }

  test::TempDir dir_;
  ManualClock clock_{kT};
};

TEST_F(ReplicaTest, CreateGetUpdateRemove) {
  Replica r = open();
  EXPECT_EQ(r.counter(), 0u);
  EXPECT_EQ(r.last_seq(), 0u);

  RecordId id = r.create("customers", customer("Acme"));
  EXPECT_EQ(r.counter(), 1u);
  EXPECT_EQ(r.last_seq(), 1u);
  auto created = r.get("customers", id);
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(text(*created, "name"), "Acme");
  EXPECT_EQ(text(*created, "territory"), "north");
  EXPECT_TRUE(is_null(created->value("phone")));
  EXPECT_FALSE(created->deleted());
  EXPECT_TRUE(created->pending);
  EXPECT_EQ(created->seq, 1u);
  EXPECT_EQ(created->state.vv.get(r.replica_id()), 1u);
  EXPECT_EQ(created->state.collection, "customers");
  EXPECT_EQ(created->state.id, id);

  clock_.advance(10);
  r.update("customers", id, {{"phone", std::string("555-0100")}, {"tier", std::string("vip")}});
  auto updated = r.get("customers", id);
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ(text(*updated, "phone"), "555-0100");
  EXPECT_EQ(text(*updated, "tier"), "vip");
  EXPECT_EQ(text(*updated, "name"), "Acme");
  EXPECT_EQ(r.counter(), 2u);
  EXPECT_EQ(updated->seq, 2u);
  EXPECT_EQ(updated->state.field("phone")->siblings.front().dot, (Dot{r.replica_id(), 2}));
  EXPECT_EQ(updated->state.field("phone")->siblings.front().hlc, Hlc(kT + 10, 0));

  r.remove("customers", id);
  auto removed = r.get("customers", id);
  ASSERT_TRUE(removed.has_value());  // a tombstone stays for sync
  EXPECT_TRUE(removed->deleted());
  EXPECT_EQ(text(*removed, "name"), "Acme");
  EXPECT_EQ(r.counter(), 3u);
  EXPECT_TRUE(r.list("customers").empty());
  EXPECT_FALSE(r.get("customers", test::id_of(9)).has_value());
}

TEST_F(ReplicaTest, CreateWithGivenIdAndDuplicate) {
  Replica r = open();
  RecordId id = test::id_of(0x11);
  r.create("customers", id, customer("Acme"));
  ASSERT_TRUE(r.get("customers", id).has_value());
  Footprint before(r);
  EXPECT_TRUE(throws_error([&] { r.create("customers", id, customer("Other")); }, ErrorCode::kAlreadyExists));
  EXPECT_EQ(Footprint(r), before);
  EXPECT_EQ(text(*r.get("customers", id), "name"), "Acme");
}

TEST_F(ReplicaTest, CreatedIdsAreDistinctAndIncreasing) {
  Replica r = open();
  RecordId first = r.create("customers", customer("A"));
  RecordId second = r.create("customers", customer("B"));
  EXPECT_LT(first, second);
}

TEST_F(ReplicaTest, RequiredFieldsOnCreate) {
  Replica r = open();
  EXPECT_TRUE(throws_error([&] { r.create("customers", {{"name", std::string("Acme")}}); }, ErrorCode::kMissingField,
                           "territory"));
  EXPECT_TRUE(throws_error([&] { r.create("customers", {{"name", Value{}}, {"territory", std::string("n")}}); },
                           ErrorCode::kMissingField, "name"));
  EXPECT_TRUE(throws_error([&] { r.create("order_lines", {{"quantity", std::int64_t{1}}}); },
                           ErrorCode::kMissingField));
  EXPECT_EQ(r.counter(), 0u);
  EXPECT_EQ(r.last_seq(), 0u);
  EXPECT_EQ(r.outbox_size(), 0u);

  RecordId id = r.create("customers", customer("Acme"));
  // Clearing a required field later is refused too.
  EXPECT_TRUE(throws_error([&] { r.update("customers", id, {{"name", Value{}}}); }, ErrorCode::kMissingField, "name"));
  // Leaving it out of an update is fine.
  EXPECT_NO_THROW(r.update("customers", id, {{"phone", std::string("1")}}));
}

TEST_F(ReplicaTest, BadValueThrowsNamingTheFieldAndWritesNothing) {
  Replica r = open();
  RecordId id = r.create("customers", customer("Acme"));
  r.update("customers", id, {{"tier", std::string("regular")}});
  const Footprint before(r);
  const Hlc clock_before = r.clock();
  const RecordState state_before = r.get("customers", id)->state;

  clock_.advance(1000);
  // A good field next to a bad one: neither is written.
  EXPECT_TRUE(throws_error(
      [&] { r.update("customers", id, {{"phone", std::string("555")}, {"tier", std::string("gold")}}); },
      ErrorCode::kInvalidValue, "tier"));
  EXPECT_TRUE(throws_error([&] { r.update("customers", id, {{"phone", std::string(41, '5')}}); },
                           ErrorCode::kInvalidValue, "phone"));
  EXPECT_TRUE(throws_error([&] { r.update("customers", id, {{"name", std::int64_t{5}}}); }, ErrorCode::kInvalidValue,
                           "name"));
  EXPECT_TRUE(throws_error([&] { r.update("customers", id, {{"colour", std::string("red")}}); },
                           ErrorCode::kUnknownField, "colour"));
  EXPECT_TRUE(throws_error([&] { r.update("invoices", id, {{"name", std::string("x")}}); },
                           ErrorCode::kUnknownCollection, "invoices"));
  EXPECT_TRUE(throws_error(
      [&] {
        r.create("orders", {{"order_number", std::string("SO-1")},
                            {"customer_id", id.to_string()},
                            {"territory", std::string("north")},
                            {"due_date", std::string("2026-02-30")}});
      },
      ErrorCode::kInvalidValue, "due_date"));

  EXPECT_EQ(Footprint(r), before);
  EXPECT_EQ(r.clock(), clock_before);
  EXPECT_EQ(r.get("customers", id)->state, state_before);
  EXPECT_TRUE(r.list("orders").empty());
  EXPECT_TRUE(r.changes_since(before.last_seq).states.empty());
}

TEST_F(ReplicaTest, UpdateOrRemoveOfMissingOrDeletedRecordIsNotFound) {
  Replica r = open();
  RecordId missing = test::id_of(0x33);
  EXPECT_TRUE(throws_error([&] { r.update("customers", missing, {{"phone", std::string("1")}}); },
                           ErrorCode::kNotFound));
  EXPECT_TRUE(throws_error([&] { r.remove("customers", missing); }, ErrorCode::kNotFound));

  RecordId id = r.create("customers", customer("Acme"));
  r.remove("customers", id);
  const Footprint before(r);
  EXPECT_TRUE(throws_error([&] { r.update("customers", id, {{"phone", std::string("1")}}); }, ErrorCode::kNotFound));
  EXPECT_TRUE(throws_error([&] { r.remove("customers", id); }, ErrorCode::kNotFound));
  // A record of another collection is not found under this one.
  EXPECT_TRUE(throws_error([&] { r.update("orders", id, {{"notes", std::string("x")}}); }, ErrorCode::kNotFound));
  EXPECT_EQ(Footprint(r), before);
}

TEST_F(ReplicaTest, DeletedFieldCannotBeWrittenDirectly) {
  Replica r = open();
  RecordId id = r.create("customers", customer("Acme"));
  const Footprint before(r);
  EXPECT_TRUE(throws_error([&] { r.update("customers", id, {{std::string(kDeletedField), true}}); },
                           ErrorCode::kReadOnly, "_deleted"));
  EXPECT_TRUE(throws_error(
      [&] { r.create("customers", {{"name", std::string("B")}, {"territory", std::string("n")}, {"_deleted", false}}); },
      ErrorCode::kReadOnly, "_deleted"));
  EXPECT_EQ(Footprint(r), before);
  EXPECT_FALSE(r.get("customers", id)->deleted());
}

TEST_F(ReplicaTest, OutboxHoldsOneEntryPerRecordWithTheLatestChange) {
  Replica r = open();
  RecordId first = r.create("customers", customer("A"));    // change 1
  RecordId second = r.create("customers", customer("B"));   // change 2
  r.update("customers", first, {{"phone", std::string("1")}});  // change 3
  r.update("customers", first, {{"phone", std::string("2")}});  // change 4
  r.remove("customers", second);                                // change 5

  EXPECT_EQ(r.outbox_size(), 2u);
  auto entries = r.outbox();
  ASSERT_EQ(entries.size(), 2u);
  std::map<RecordId, OutboxEntry> by_id;
  for (auto& e : entries) by_id[e.state.id] = e;
  EXPECT_EQ(by_id.at(first).change, 4u);
  EXPECT_EQ(by_id.at(second).change, 5u);
  // The entry carries the record's current state, not the edit.
  EXPECT_EQ(by_id.at(first).state, r.get("customers", first)->state);
  EXPECT_EQ(by_id.at(second).state, r.get("customers", second)->state);
  // Ordered by change, and limited on request.
  EXPECT_EQ(entries.front().state.id, first);
  ASSERT_EQ(r.outbox(1).size(), 1u);
  EXPECT_EQ(r.outbox(1).front().state.id, first);
}

// A server that checks references needs a new record's parent before the record: the
// outbox lists referenced collections first, even when the parent was edited last.
TEST_F(ReplicaTest, OutboxListsReferencedRecordsBeforeTheRecordsThatNameThem) {
  Replica r = open();
  RecordId parent = r.create("customers", customer("A"));
  RecordId order = r.create("orders", {{"order_number", std::string("SO-1")},
                                       {"customer_id", parent.to_string()},
                                       {"territory", std::string("n")}});
  RecordId line = r.create("order_lines", {{"order_id", order.to_string()},
                                           {"product_id", parent.to_string()},
                                           {"quantity", std::int64_t{1}},
                                           {"unit_price", std::int64_t{100}}});
  RecordId visit = r.create("visits", {{"customer_id", parent.to_string()}});
  r.update("orders", order, {{"notes", std::string("later")}});
  r.update("customers", parent, {{"phone", std::string("1")}});

  std::vector<RecordId> ids;
  for (const auto& e : r.outbox()) ids.push_back(e.state.id);
  EXPECT_EQ(ids, (std::vector<RecordId>{parent, order, line, visit}));
  ASSERT_EQ(r.outbox(1).size(), 1u);
  EXPECT_EQ(r.outbox(1).front().state.id, parent);
}

TEST_F(ReplicaTest, AcknowledgeKeepsAnEditMadeWhileThePushWasInFlight) {
  Replica r = open();
  RecordId id = r.create("customers", customer("Acme"));
  auto pushed = r.outbox();
  ASSERT_EQ(pushed.size(), 1u);
  const std::uint64_t pushed_change = pushed.front().change;
  EXPECT_EQ(pushed_change, 1u);

  r.update("customers", id, {{"phone", std::string("1")}});  // while the push is in flight
  std::vector<OutboxAck> ack{{"customers", id, pushed_change}};
  r.acknowledge(ack);
  ASSERT_EQ(r.outbox_size(), 1u);
  EXPECT_EQ(r.outbox().front().change, 2u);
  EXPECT_TRUE(r.get("customers", id)->pending);

  // Acknowledging another collection's record of the same id removes nothing.
  std::vector<OutboxAck> wrong{{"orders", id, 99}};
  r.acknowledge(wrong);
  EXPECT_EQ(r.outbox_size(), 1u);

  std::vector<OutboxAck> current{{"customers", id, 2}};
  r.acknowledge(current);
  EXPECT_EQ(r.outbox_size(), 0u);
  EXPECT_FALSE(r.get("customers", id)->pending);
  // The data stays.
  EXPECT_EQ(text(*r.get("customers", id), "phone"), "1");
}

TEST_F(ReplicaTest, MergeCountsInsertedUpdatedUnchangedAndIsIdempotent) {
  ManualClock clock_b{kT};
  Replica a = open();
  Replica b = open_memory(clock_b);
  RecordId x = a.create("customers", customer("X"));
  RecordId y = a.create("customers", customer("Y"));

  auto batch = a.changes_since(0).states;
  ASSERT_EQ(batch.size(), 2u);
  MergeReport first = b.merge(batch, MergeDetail::kPerRecord);
  EXPECT_EQ(first.inserted, 2u);
  EXPECT_EQ(first.updated, 0u);
  EXPECT_EQ(first.unchanged, 0u);
  EXPECT_TRUE(first.rejected.empty());
  EXPECT_EQ(first.last_seq, b.last_seq());
  EXPECT_EQ(b.last_seq(), 2u);
  EXPECT_EQ(b.get("customers", x)->state, a.get("customers", x)->state);
  EXPECT_EQ(text(*b.get("customers", y), "name"), "Y");
  ASSERT_EQ(first.merged.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(first.merged[i].index, i);
    EXPECT_TRUE(first.merged[i].inserted);
    EXPECT_EQ(first.merged[i].seq, i + 1);
    EXPECT_EQ(first.merged[i].state, batch[i]);
  }

  // Re-merging the same batch changes nothing.
  const std::uint64_t seq = b.last_seq();
  const auto state_x = b.get("customers", x)->state;
  MergeReport again = b.merge(batch);
  EXPECT_EQ(again.inserted, 0u);
  EXPECT_EQ(again.updated, 0u);
  EXPECT_EQ(again.unchanged, 2u);
  EXPECT_EQ(b.last_seq(), seq);
  EXPECT_EQ(again.last_seq, seq);
  EXPECT_EQ(b.get("customers", x)->state, state_x);
  EXPECT_TRUE(b.changes_since(seq).states.empty());

  clock_.advance(5);
  a.update("customers", x, {{"phone", std::string("1")}});
  MergeReport third = b.merge(a.changes_since(0).states, MergeDetail::kPerRecord);
  EXPECT_EQ(third.updated, 1u);
  EXPECT_EQ(third.unchanged, 1u);
  ASSERT_EQ(third.merged.size(), 1u);
  EXPECT_FALSE(third.merged[0].inserted);
  EXPECT_EQ(third.merged[0].state.id, x);
  // The edit wrote phone and (as every edit does) `_deleted`; nothing else changed.
  EXPECT_THAT(third.merged[0].changed_fields, UnorderedElementsAre("phone", std::string(kDeletedField)));
  EXPECT_EQ(b.last_seq(), seq + 1);
  EXPECT_EQ(text(*b.get("customers", x), "phone"), "1");

  // An older state of a record does not undo a newer one.
  MergeReport stale = b.merge(batch);
  EXPECT_EQ(stale.unchanged, 2u);
  EXPECT_EQ(text(*b.get("customers", x), "phone"), "1");
}

TEST_F(ReplicaTest, MergeRejectsInvalidStatesOneByOneAndMergesTheRest) {
  Replica a = open();
  ManualClock clock_b{kT};
  Replica b = open_memory(clock_b);
  a.create("customers", customer("X"));
  a.create("customers", customer("Y"));
  a.create("customers", customer("Z"));
  auto batch = a.changes_since(0).states;
  ASSERT_EQ(batch.size(), 3u);
  // The middle one names a field the schema does not have.
  apply_write(batch[1], Dot{a.replica_id(), 50}, Hlc(kT, 9), {{"colour", std::string("red")}});
  batch[2].collection = "invoices";

  MergeReport report = b.merge(batch);
  EXPECT_EQ(report.inserted, 1u);
  ASSERT_EQ(report.rejected.size(), 2u);
  EXPECT_EQ(report.rejected[0].index, 1u);
  EXPECT_EQ(report.rejected[0].code, ErrorCode::kUnknownField);
  EXPECT_THAT(report.rejected[0].reason, ::testing::HasSubstr("colour"));
  EXPECT_EQ(report.rejected[0].id, batch[1].id.to_string());
  EXPECT_EQ(report.rejected[0].collection, "customers");
  EXPECT_EQ(report.rejected[1].index, 2u);
  EXPECT_EQ(report.rejected[1].code, ErrorCode::kUnknownCollection);
  EXPECT_TRUE(b.get("customers", batch[0].id).has_value());
  EXPECT_FALSE(b.get("customers", batch[1].id).has_value());
  EXPECT_EQ(b.last_seq(), 1u);
}

// Replica::merge takes RecordStates from any caller, not only from the wire decoder (which
// canonicalizes). A valid state whose fields arrive out of order must be stored canonical,
// or the typed columns (resolved with a binary search over the fields) disagree with it.
TEST_F(ReplicaTest, MergeOfAStateWithFieldsOutOfOrderStoresItCanonically) {
  RecordState remote = test::StateBuilder("customers", test::id_of(0x51))
                           .edit(test::kReplicaB, 1, kT, {{"name", std::string("Acme")},
                                                          {"territory", std::string("north")},
                                                          {"phone", std::string("1")}});
  RecordState canonical = remote;
  std::reverse(remote.fields.begin(), remote.fields.end());
  ASSERT_NE(remote, canonical);

  Replica r = open();
  MergeReport report = r.merge(std::vector<RecordState>{remote}, MergeDetail::kPerRecord);
  ASSERT_EQ(report.inserted, 1u);
  ASSERT_EQ(report.merged.size(), 1u);
  EXPECT_EQ(report.merged[0].state, canonical);
  EXPECT_EQ(r.get("customers", canonical.id)->state, canonical);
  auto found = r.list("customers", Query().where("territory", std::string("north")));
  ASSERT_EQ(found.size(), 1u) << "the typed columns were written from the unsorted state";
  EXPECT_EQ(text(found.front(), "name"), "Acme");
}

TEST_F(ReplicaTest, MergedRecordsDoNotEnterTheOutbox) {
  Replica a = open();
  ManualClock clock_b{kT};
  Replica b = open_memory(clock_b);
  RecordId id = a.create("customers", customer("X"));
  b.merge(a.changes_since(0).states);
  EXPECT_EQ(b.outbox_size(), 0u);
  EXPECT_FALSE(b.get("customers", id)->pending);
  EXPECT_EQ(b.counter(), 0u);  // merging is not a local write
  // A local edit of a merged record does enter it.
  b.update("customers", id, {{"phone", std::string("1")}});
  EXPECT_EQ(b.outbox_size(), 1u);
  EXPECT_EQ(b.counter(), 1u);
}

TEST_F(ReplicaTest, ReplicasHaveDistinctIds) {
  ManualClock other{kT};
  Replica a = open();
  Replica b = open_memory(other);
  Replica c = open_memory(other);
  EXPECT_NE(a.replica_id(), b.replica_id());
  EXPECT_NE(b.replica_id(), c.replica_id());
  EXPECT_FALSE(a.replica_id().is_nil());
}

TEST_F(ReplicaTest, ConflictsListEveryConflictingFieldAndAnUpdateSettlesIt) {
  ManualClock clock_b{kT};
  Replica a = open();
  Replica b = open_memory(clock_b);
  RecordId id = a.create("customers", customer("Acme"));
  b.merge(a.changes_since(0).states);

  // Concurrent edits of name (A later) and of phone (same value: no conflict).
  clock_.advance(100);
  clock_b.advance(50);
  a.update("customers", id, {{"name", std::string("Acme Ltd")}, {"phone", std::string("1")}});
  b.update("customers", id, {{"name", std::string("ACME")}, {"phone", std::string("1")}});

  MergeReport report = a.merge(b.changes_since(0).states, MergeDetail::kPerRecord);
  EXPECT_EQ(report.updated, 1u);
  EXPECT_EQ(report.conflicts_opened, 1u);
  ASSERT_EQ(report.merged.size(), 1u);
  EXPECT_THAT(report.merged[0].opened_conflicts, ElementsAre("name"));
  auto conflicts = a.conflicts();
  ASSERT_EQ(conflicts.size(), 1u);
  const Conflict& c = conflicts.front();
  EXPECT_EQ(c.collection, "customers");
  EXPECT_EQ(c.id, id);
  EXPECT_EQ(c.field, "name");
  EXPECT_EQ(c.shown, Value{std::string("Acme Ltd")});  // last writer wins: A's is later
  std::vector<Value> values;
  std::set<ReplicaId> authors;
  for (const auto& s : c.siblings) {
    values.push_back(s.value);
    authors.insert(s.dot.replica);
  }
  EXPECT_THAT(values, UnorderedElementsAre(Value{std::string("Acme Ltd")}, Value{std::string("ACME")}));
  EXPECT_EQ(authors, (std::set<ReplicaId>{a.replica_id(), b.replica_id()}));
  EXPECT_EQ(text(*a.get("customers", id), "name"), "Acme Ltd");

  // Both sides converge to the same state and the same shown value.
  b.merge(a.changes_since(0).states);
  EXPECT_EQ(b.get("customers", id)->state, a.get("customers", id)->state);
  ASSERT_EQ(b.conflicts().size(), 1u);
  EXPECT_EQ(b.conflicts().front().shown, c.shown);

  // Settling: a write that has seen both siblings replaces them.
  a.update("customers", id, {{"name", std::string("Acme")}});
  EXPECT_TRUE(a.conflicts().empty());
  auto settled = a.get("customers", id);
  ASSERT_EQ(settled->state.field("name")->siblings.size(), 1u);
  EXPECT_EQ(text(*settled, "name"), "Acme");
  b.merge(a.changes_since(0).states);
  EXPECT_TRUE(b.conflicts().empty());
  EXPECT_EQ(b.get("customers", id)->state, settled->state);
}

TEST_F(ReplicaTest, EditConcurrentWithARemoteDeleteKeepsTheRecordAlive) {
  ManualClock clock_b{kT};
  Replica a = open();
  Replica b = open_memory(clock_b);
  RecordId id = a.create("customers", customer("Acme"));
  b.merge(a.changes_since(0).states);
  clock_b.advance(1000);
  b.remove("customers", id);  // later, but concurrent with A's edit
  a.update("customers", id, {{"phone", std::string("1")}});
  a.merge(b.changes_since(0).states);
  auto record = a.get("customers", id);
  ASSERT_TRUE(record.has_value());
  EXPECT_FALSE(record->deleted());
  EXPECT_EQ(text(*record, "phone"), "1");
  EXPECT_EQ(a.list("customers").size(), 1u);
}

TEST_F(ReplicaTest, MergeAdvancesTheClockPastReceivedStampsWithinTheSkewBound) {
  ManualClock clock_b{kT + 60'000};  // B's clock is a minute ahead
  Replica a = open();
  Replica b = open_memory(clock_b);
  RecordId id = b.create("customers", customer("Acme"));
  const Hlc remote = b.clock();
  a.merge(b.changes_since(0).states);
  EXPECT_GE(a.clock(), remote);
  a.update("customers", id, {{"phone", std::string("1")}});
  EXPECT_GT(a.get("customers", id)->state.field("phone")->siblings.front().hlc, remote);
}

TEST_F(ReplicaTest, MergeDoesNotAdoptStampsBeyondTheSkewBound) {
  ManualClock far_future{kT + 24 * 3600 * 1000ULL};
  Replica a = open();
  Replica b = open_memory(far_future);
  b.create("customers", customer("Acme"));
  a.merge(b.changes_since(0).states);
  EXPECT_LT(a.clock().ms(), kT + 24 * 3600 * 1000ULL);
}

TEST_F(ReplicaTest, ChangesSincePaginatesAndSeesEveryRecordOnce) {
  Replica r = open();
  std::vector<RecordId> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(r.create("customers", customer("C" + std::to_string(i))));
  RecordId order = r.create("orders", {{"order_number", std::string("SO-1")},
                                       {"customer_id", ids[0].to_string()},
                                       {"territory", std::string("north")}});
  ids.push_back(order);
  r.update("customers", ids[1], {{"phone", std::string("1")}});  // moves to the end
  r.update("customers", ids[1], {{"phone", std::string("2")}});
  ASSERT_EQ(r.last_seq(), 10u);

  std::multiset<RecordId> seen;
  std::uint64_t checkpoint = 0;
  int pages = 0;
  while (true) {
    ChangeBatch batch = r.changes_since(checkpoint, 3);
    ++pages;
    ASSERT_LE(batch.states.size(), 3u);
    ASSERT_GT(batch.to_seq, checkpoint) << "no progress";
    for (const auto& s : batch.states) seen.insert(s.id);
    checkpoint = batch.to_seq;
    if (!batch.more) break;
    ASSERT_EQ(batch.states.size(), 3u);
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(checkpoint, r.last_seq());
  EXPECT_EQ(seen, std::multiset<RecordId>(ids.begin(), ids.end()));

  ChangeBatch all = r.changes_since(0);
  EXPECT_FALSE(all.more);
  EXPECT_EQ(all.states.size(), ids.size());
  EXPECT_EQ(all.to_seq, r.last_seq());
  ASSERT_EQ(all.seqs.size(), all.states.size());
  EXPECT_TRUE(std::is_sorted(all.seqs.begin(), all.seqs.end()));
  EXPECT_EQ(all.seqs.back(), r.last_seq());
  EXPECT_THAT(all.seqs, ElementsAre(1, 3, 4, 5, 6, 7, 8, 10));
  EXPECT_EQ(all.states.back().id, ids[1]);  // in sequence order: the last changed is last
  EXPECT_EQ(all.states.back(), r.get("customers", ids[1])->state);

  ChangeBatch none = r.changes_since(r.last_seq(), 3);
  EXPECT_TRUE(none.states.empty());
  EXPECT_FALSE(none.more);
  EXPECT_EQ(none.to_seq, r.last_seq());

  // A limit that exactly fits the rest is not "more".
  ChangeBatch exact = r.changes_since(r.last_seq() - 3, 2);  // seqs 8 and 10 (9 was superseded)
  EXPECT_EQ(exact.states.size(), 2u);
  EXPECT_FALSE(exact.more);
  EXPECT_EQ(exact.to_seq, r.last_seq());
}

TEST_F(ReplicaTest, ListFiltersSortsAndLimits) {
  Replica r = open();
  RecordId carol = r.create("customers", customer("Carol", "north"));
  RecordId alice = r.create("customers", customer("Alice", "south"));
  RecordId bob = r.create("customers", customer("Bob", "north"));
  RecordId dave = r.create("customers", customer("Dave", "north"));
  r.update("customers", bob, {{"tier", std::string("vip")}});
  r.remove("customers", dave);

  auto names = [](const std::vector<Record>& records) {
    std::vector<std::string> out;
    for (const auto& rec : records) out.push_back(text(rec, "name"));
    return out;
  };
  // Default: live records in creation (id) order.
  EXPECT_THAT(names(r.list("customers")), ElementsAre("Carol", "Alice", "Bob"));
  EXPECT_THAT(names(r.list("customers", Query().where("territory", std::string("north")))),
              ElementsAre("Carol", "Bob"));
  EXPECT_THAT(names(r.list("customers", Query().where("territory", std::string("north")).where("tier", std::string("vip")))),
              ElementsAre("Bob"));
  EXPECT_THAT(names(r.list("customers", Query().where("industry", Value{}))), ElementsAre("Carol", "Alice", "Bob"));
  // A create that leaves the tier out gets the schema's default.
  EXPECT_THAT(names(r.list("customers", Query().where("tier", std::string("potential")))), ElementsAre("Carol", "Alice"));
  EXPECT_THAT(names(r.list("customers", Query().order_by("name"))), ElementsAre("Alice", "Bob", "Carol"));
  EXPECT_THAT(names(r.list("customers", Query().order_by("name", true))), ElementsAre("Carol", "Bob", "Alice"));
  EXPECT_THAT(names(r.list("customers", Query().order_by("name").limit(2))), ElementsAre("Alice", "Bob"));
  EXPECT_THAT(names(r.list("customers", Query().order_by("name").with_deleted())),
              ElementsAre("Alice", "Bob", "Carol", "Dave"));
  auto with_deleted = r.list("customers", Query().where("territory", std::string("north")).with_deleted());
  ASSERT_EQ(with_deleted.size(), 3u);
  EXPECT_TRUE(with_deleted.back().deleted());
  EXPECT_EQ(with_deleted.back().state.id, dave);
  EXPECT_TRUE(with_deleted.front().pending);
  EXPECT_EQ(with_deleted.front().state.id, carol);
  EXPECT_EQ(r.list("customers", Query().order_by("name")).front().state.id, alice);

  EXPECT_TRUE(throws_error([&] { r.list("customers", Query().order_by("colour")); }, ErrorCode::kUnknownField, "colour"));
  EXPECT_TRUE(throws_error([&] { r.list("customers", Query().where("colour", std::string("red"))); },
                           ErrorCode::kUnknownField, "colour"));
  EXPECT_TRUE(throws_error([&] { r.list("customers", Query().where("tier", std::string("gold"))); },
                           ErrorCode::kInvalidValue, "tier"));
  EXPECT_TRUE(throws_error([&] { r.list("invoices"); }, ErrorCode::kUnknownCollection));
}

TEST_F(ReplicaTest, ListMatchesMoneyAndBooleanValues) {
  Replica r = open();
  r.create("products", {{"sku", std::string("A-1")}, {"name", std::string("Bolt")},
                        {"unit_price", std::int64_t{150}}, {"active", true}});
  r.create("products", {{"sku", std::string("A-2")}, {"name", std::string("Nut")},
                        {"unit_price", std::int64_t{75}}, {"active", false}});
  auto active = r.list("products", Query().where("active", true));
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(text(active.front(), "sku"), "A-1");
  auto cheap = r.list("products", Query().where("unit_price", std::int64_t{75}));
  ASSERT_EQ(cheap.size(), 1u);
  EXPECT_EQ(text(cheap.front(), "sku"), "A-2");
  auto by_price = r.list("products", Query().order_by("unit_price"));
  ASSERT_EQ(by_price.size(), 2u);
  EXPECT_EQ(by_price.front().value("unit_price"), Value{std::int64_t{75}});
}

TEST_F(ReplicaTest, ReopeningKeepsIdentityCounterClockAndData) {
  ReplicaId replica_id;
  RecordId id;
  std::uint64_t counter = 0;
  std::uint64_t seq = 0;
  Hlc clock;
  RecordState state;
  {
    Replica r = open();
    id = r.create("customers", customer("Acme"));
    r.update("customers", id, {{"phone", std::string("1")}});
    replica_id = r.replica_id();
    counter = r.counter();
    seq = r.last_seq();
    clock = r.clock();
    state = r.get("customers", id)->state;
  }
  clock_.set(kT - 60'000);  // the device clock went back while the app was closed
  Replica r = open();
  EXPECT_EQ(r.replica_id(), replica_id);
  EXPECT_EQ(r.counter(), counter);
  EXPECT_EQ(r.last_seq(), seq);
  EXPECT_EQ(r.clock(), clock);
  EXPECT_EQ(r.get("customers", id)->state, state);
  EXPECT_EQ(r.outbox_size(), 1u);

  r.update("customers", id, {{"phone", std::string("2")}});
  EXPECT_EQ(r.counter(), counter + 1);
  EXPECT_EQ(r.last_seq(), seq + 1);
  EXPECT_GT(r.clock(), clock);
  EXPECT_EQ(r.get("customers", id)->state.field("phone")->siblings.front().dot, (Dot{replica_id, counter + 1}));
  EXPECT_EQ(r.integrity_check(), "ok");
}

TEST_F(ReplicaTest, TransactionCommitsEveryWriteTogether) {
  Replica r = open();
  RecordId first;
  RecordId second;
  r.transaction([&] {
    first = r.create("customers", customer("A"));
    second = r.create("customers", customer("B"));
    r.update("customers", first, {{"phone", std::string("1")}});
  });
  EXPECT_EQ(r.counter(), 3u);
  EXPECT_EQ(r.last_seq(), 3u);
  EXPECT_EQ(r.outbox_size(), 2u);
  EXPECT_EQ(text(*r.get("customers", first), "phone"), "1");
  EXPECT_TRUE(r.get("customers", second).has_value());
}

TEST_F(ReplicaTest, TransactionRollsBackEveryWriteOnThrowAndTheCounterContinues) {
  Replica r = open();
  RecordId kept = r.create("customers", customer("Kept"));
  r.set_setting("checkpoint", "5");
  const Footprint before(r);
  const Hlc before_clock = r.clock();
  const RecordState kept_state = r.get("customers", kept)->state;

  RecordId inside;
  clock_.advance(500);
  EXPECT_THROW(r.transaction([&] {
    inside = r.create("customers", customer("Inside"));
    r.update("customers", kept, {{"phone", std::string("1")}});
    r.remove("customers", kept);
    r.set_setting("checkpoint", "9");
    throw std::runtime_error("the app gives up half way");
  }),
               std::runtime_error);

  EXPECT_EQ(Footprint(r), before);
  EXPECT_GE(r.clock(), before_clock);  // the clock never goes back, even on rollback
  EXPECT_FALSE(r.get("customers", inside).has_value());
  EXPECT_EQ(r.get("customers", kept)->state, kept_state);
  EXPECT_EQ(r.setting("checkpoint"), "5");
  EXPECT_EQ(r.list("customers").size(), 1u);

  // The next write takes the next counter after the last committed one, not after the
  // rolled-back ones: a dot is never skipped nor reused.
  r.update("customers", kept, {{"phone", std::string("2")}});
  EXPECT_EQ(r.counter(), before.counter + 1);
  EXPECT_EQ(r.last_seq(), before.last_seq + 1);
  EXPECT_EQ(r.get("customers", kept)->state.field("phone")->siblings.front().dot,
            (Dot{r.replica_id(), before.counter + 1}));
  EXPECT_EQ(r.integrity_check(), "ok");
}

TEST_F(ReplicaTest, TransactionSurvivesAFailedWriteTheBodyCaught) {
  Replica r = open();
  r.transaction([&] {
    r.create("customers", customer("A"));
    EXPECT_TRUE(throws_error([&] { r.update("customers", test::id_of(1), {{"phone", std::string("1")}}); },
                             ErrorCode::kNotFound));
    r.create("customers", customer("B"));
  });
  EXPECT_EQ(r.counter(), 2u);
  EXPECT_EQ(r.list("customers").size(), 2u);
}

TEST_F(ReplicaTest, SettingsRoundTripAndPersist) {
  {
    Replica r = open();
    EXPECT_FALSE(r.setting("server").has_value());
    r.set_setting("server", "wss://sync.example");
    r.set_setting("checkpoint", "17");
    r.set_setting("checkpoint", "18");
    EXPECT_EQ(r.setting("server"), "wss://sync.example");
    EXPECT_EQ(r.setting("checkpoint"), "18");
    r.set_setting("empty", "");
    EXPECT_EQ(r.setting("empty"), "");
  }
  Replica r = open();
  EXPECT_EQ(r.setting("checkpoint"), "18");
  EXPECT_EQ(r.setting("server"), "wss://sync.example");
  EXPECT_FALSE(r.setting("missing").has_value());
}

TEST_F(ReplicaTest, InMemoryReplicaWorks) {
  ManualClock clock{kT};
  Replica r = open_memory(clock);
  RecordId id = r.create("customers", customer("Acme"));
  EXPECT_EQ(text(*r.get("customers", id), "name"), "Acme");
  EXPECT_EQ(r.integrity_check(), "ok");
}

TEST_F(ReplicaTest, IntegrityCheckIsOkAfterMixedWork) {
  ManualClock clock_b{kT};
  Replica a = open();
  Replica b = open_memory(clock_b);
  for (int i = 0; i < 20; ++i) {
    RecordId id = a.create("customers", customer("C" + std::to_string(i)));
    if (i % 3 == 0) a.update("customers", id, {{"tier", std::string("vip")}});
    if (i % 5 == 0) a.remove("customers", id);
  }
  b.merge(a.changes_since(0).states);
  EXPECT_EQ(a.integrity_check(), "ok");
  EXPECT_EQ(b.integrity_check(), "ok");
  EXPECT_EQ(b.list("customers", Query().with_deleted()).size(), 20u);
}

}  // namespace
}  // namespace fieldsync

namespace fieldsync {
namespace {

TEST(ReplicaMergeDetail, CountsOnlyByDefaultAndTheSameStoredStates) {
  ManualClock clock{1'700'000'000'000};
  ReplicaOptions options;
  options.clock = &clock;
  Replica source = Replica::open(":memory:", Schema::domain(), options);
  for (int i = 0; i < 3; ++i) {
    source.create("customers", {{"name", Value("C" + std::to_string(i))}, {"territory", Value(std::string("north"))}});
  }
  auto states = source.changes_since(0).states;
  Replica counts = Replica::open(":memory:", Schema::domain(), options);
  Replica detailed = Replica::open(":memory:", Schema::domain(), options);
  MergeReport a = counts.merge(states);
  MergeReport b = detailed.merge(states, MergeDetail::kPerRecord);
  EXPECT_TRUE(a.merged.empty());
  EXPECT_EQ(b.merged.size(), 3u);
  EXPECT_EQ(a.inserted, b.inserted);
  EXPECT_EQ(a.last_seq, b.last_seq);
  EXPECT_EQ(counts.changes_since(0).states, detailed.changes_since(0).states);
}

// Two in-memory replicas on one manual clock.
class ReplicaMergeGate : public ::testing::Test {
 protected:
  Replica open() { return Replica::open(":memory:", Schema::domain(), ReplicaOptions{.clock = &clock_}); }
  ManualClock clock_{kT};
};

// The server's scope check: asked with what the replica holds, only for states that would
// change something; a refusal keeps the record out and says why, the rest merges.
TEST_F(ReplicaMergeGate, RefusesPerRecordAndIsNotAskedAboutWhatChangesNothing) {
  Replica phone = open();
  Replica office = open();
  const RecordId north = phone.create("customers", customer("Aurora", "north"));
  const RecordId south = phone.create("customers", customer("Baltic", "south"));
  office.merge(phone.changes_since(0).states);
  phone.update("customers", north, {{"phone", std::string("1")}});
  phone.update("customers", south, {{"phone", std::string("2")}});
  const RecordId fresh = phone.create("customers", customer("Cedar", "south"));

  std::vector<std::pair<std::string, bool>> asked;  // name, whether the office held it
  auto gate = [&](const RecordState& incoming, const RecordState* stored) -> std::optional<Error> {
    const auto& name = std::get<std::string>(incoming.field("name")->siblings.front().value);
    asked.emplace_back(name, stored != nullptr);
    const auto& territory = std::get<std::string>(incoming.field("territory")->siblings.front().value);
    if (territory == "south") return Error(ErrorCode::kForbidden, "territory south is not yours");
    return std::nullopt;
  };
  auto states = phone.changes_since(0).states;
  const auto held = office.state("customers", north).value();
  states.push_back(held);  // a re-send of what the office holds already
  MergeReport report = office.merge(states, MergeDetail::kPerRecord, gate);

  EXPECT_THAT(asked, UnorderedElementsAre(std::pair<std::string, bool>{"Aurora", true},
                                          std::pair<std::string, bool>{"Baltic", true},
                                          std::pair<std::string, bool>{"Cedar", false}));
  ASSERT_EQ(report.rejected.size(), 2u);
  for (const auto& rejection : report.rejected) {
    EXPECT_EQ(rejection.code, ErrorCode::kForbidden);
    EXPECT_EQ(rejection.reason, "territory south is not yours");
  }
  EXPECT_EQ(report.updated, 1u);
  EXPECT_EQ(report.unchanged, 1u);
  EXPECT_EQ(office.get("customers", north)->value("phone"), Value{std::string("1")});
  EXPECT_TRUE(is_null(office.get("customers", south)->value("phone")));
  EXPECT_FALSE(office.get("customers", fresh));
}

TEST_F(ReplicaMergeGate, PerRecordDetailNamesTheConflictsAMergeSettles) {
  Replica a = open();
  Replica b = open();
  const RecordId id = a.create("customers", customer("Aurora"));
  b.merge(a.changes_since(0).states);
  a.update("customers", id, {{"phone", std::string("1")}});
  b.update("customers", id, {{"phone", std::string("2")}});
  b.merge(a.changes_since(0).states);
  ASSERT_EQ(b.conflicts().size(), 1u);
  a.merge(b.changes_since(0).states);
  a.update("customers", id, {{"phone", std::string("3")}});  // a supervisor settles it

  MergeReport report = b.merge(a.changes_since(0).states, MergeDetail::kPerRecord);
  ASSERT_EQ(report.merged.size(), 1u);
  EXPECT_THAT(report.merged.front().settled_conflicts, ElementsAre("phone"));
  EXPECT_TRUE(report.merged.front().opened_conflicts.empty());
  EXPECT_TRUE(b.conflicts().empty());
}

}  // namespace
}  // namespace fieldsync

namespace fieldsync {
namespace {

TEST(ReplicaTwoConnections, CounterSeesWritesOfTheOtherConnectionAndDotsNeverRepeat) {
  test::TempDir dir("fieldsync-unit");
  Replica ui = Replica::open(dir.file("phone.db"), Schema::domain());
  Replica sync = Replica::open(dir.file("phone.db"), Schema::domain());
  const FieldValues customer{{"name", Value(std::string("Aurora"))}, {"territory", Value(std::string("north"))}};
  ui.create("customers", customer);
  ui.create("customers", customer);
  EXPECT_EQ(sync.counter(), 2u);  // the hello of a sync thread must not send a stale counter
  sync.create("customers", customer);
  EXPECT_EQ(ui.counter(), 3u);
  std::vector<std::uint64_t> dots;
  for (const auto& record : ui.list("customers")) dots.push_back(record.state.vv.get(ui.replica_id()));
  std::sort(dots.begin(), dots.end());
  EXPECT_EQ(dots, (std::vector<std::uint64_t>{1, 2, 3}));
}

}  // namespace
}  // namespace fieldsync
