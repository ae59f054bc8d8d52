// How a replica stores a record's state beside its typed columns (sync-core/src/row_state.hpp):
// each value once, older rows still readable, dropped fields kept, tampered rows refused.
#include <gtest/gtest.h>

#include <string>

#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/sqlite.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "test_support.hpp"

namespace fieldsync {
namespace {

using test::kReplicaA;
using test::kReplicaB;
using test::StateBuilder;
using test::throws_error;

constexpr std::uint64_t kT = 1'700'000'000'000;

class RowStorageTest : public ::testing::Test {
 protected:
  Replica open(const Schema& schema = Schema::domain()) {
    return Replica::open(dir_.file("replica.db"), schema, ReplicaOptions{.clock = &clock_});
  }

  static std::string stored_bytes(Replica& replica, const std::string& table, const RecordId& id) {
    sqlite::Statement s(replica.database().handle(), "SELECT _state FROM \"" + table + "\" WHERE id = ?1");
    s.bind(1, id.to_string());
    EXPECT_TRUE(s.step());
    return std::string(s.column_blob(0));
  }

  static void set_stored_bytes(Replica& replica, const std::string& table, const RecordId& id,
                               const std::string& bytes) {
    sqlite::Statement s(replica.database().handle(), "UPDATE \"" + table + "\" SET _state = ?1 WHERE id = ?2");
    s.bind_blob(1, bytes).bind(2, id.to_string());
    s.run();
  }

  test::TempDir dir_;
  ManualClock clock_{kT};
};

TEST_F(RowStorageTest, TheStateLeavesLoneValuesToTheirColumns) {
  Replica r = open();
  const RecordId id = r.create("customers", {{"name", std::string("Hoffmann Baustoffe GmbH")},
                                             {"territory", std::string("north")},
                                             {"phone", std::string("007")},
                                             {"address", std::string("Hafenstrasse 12, 28217 Bremen")}});
  const std::string bytes = stored_bytes(r, "customers", id);
  EXPECT_EQ(bytes.find("Hoffmann"), std::string::npos);
  EXPECT_EQ(bytes.find("Hafenstrasse"), std::string::npos);
  EXPECT_EQ(bytes.find("customers"), std::string::npos);  // the table says it
  EXPECT_LT(bytes.size(), encode_state(r.state("customers", id).value()).size() / 2);

  auto record = r.get("customers", id);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->value("name"), Value{std::string("Hoffmann Baustoffe GmbH")});
  EXPECT_EQ(record->value("phone"), Value{std::string("007")});  // text that looks like a number stays text
  EXPECT_EQ(record->state.collection, "customers");
  EXPECT_EQ(record->state.id, id);
  EXPECT_EQ(r.changes_since(0).states.front(), record->state);
  EXPECT_EQ(r.list("customers").front().state, record->state);
}

TEST_F(RowStorageTest, IntegersComeFromTheirColumnAndOtherTypesStayInline) {
  Replica r = open();
  const RecordId id = r.create("products", {{"sku", std::string("A-1")}, {"name", std::string("Bolt")},
                                            {"unit_price", std::int64_t{-150}}, {"active", true}});
  auto product = r.get("products", id);
  ASSERT_TRUE(product);
  EXPECT_EQ(product->value("unit_price"), Value{std::int64_t{-150}});
  EXPECT_EQ(product->value("active"), Value{true});  // a boolean, not the column's 1
  EXPECT_EQ(product->value("_deleted"), Value{false});
}

TEST_F(RowStorageTest, ConcurrentSiblingsKeepTheirValuesInTheState) {
  Replica r = open();
  const RecordId id = r.create("customers", {{"name", std::string("Acme")}, {"territory", std::string("north")}});
  const RecordState base = r.state("customers", id).value();
  const RecordState theirs = StateBuilder(base).edit(kReplicaB, 1, kT + 5, {{"phone", std::string("+49 40 1111")}});
  r.update("customers", id, {{"phone", std::string("+49 40 2222")}});
  r.merge(std::vector<RecordState>{theirs});

  const std::string bytes = stored_bytes(r, "customers", id);
  EXPECT_NE(bytes.find("+49 40 1111"), std::string::npos);
  EXPECT_NE(bytes.find("+49 40 2222"), std::string::npos);
  EXPECT_EQ(bytes.find("Acme"), std::string::npos);
  auto conflicts = r.conflicts();
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts.front().field, "phone");
  EXPECT_EQ(conflicts.front().siblings.size(), 2u);
}

TEST_F(RowStorageTest, RowsWrittenBeforeTheRowFormatStillReadAndAreRewrittenOnTheNextChange) {
  RecordId id;
  RecordState state;
  {
    Replica r = open();
    id = r.create("customers", {{"name", std::string("Acme")}, {"territory", std::string("north")}});
    state = r.state("customers", id).value();
    set_stored_bytes(r, "customers", id, encode_state(state));  // as an older FieldSync stored it
  }
  Replica r = open();
  EXPECT_EQ(r.get("customers", id)->state, state);
  EXPECT_EQ(r.changes_since(0).states.front(), state);
  r.update("customers", id, {{"phone", std::string("1")}});
  EXPECT_EQ(stored_bytes(r, "customers", id).find("Acme"), std::string::npos);
  EXPECT_EQ(r.get("customers", id)->value("name"), Value{std::string("Acme")});
}

TEST_F(RowStorageTest, AFieldTheSchemaNoLongerDeclaresKeepsItsValue) {
  const Schema before = Schema::from_text(
      "version: 1\ncollections { name: \"things\" fields { name: \"a\" type: TEXT } fields { name: \"b\" type: TEXT } }");
  const Schema after = Schema::from_text("version: 2\ncollections { name: \"things\" fields { name: \"a\" type: TEXT } }");
  RecordId kept;
  RecordId edited;
  {
    Replica r = open(before);
    kept = r.create("things", {{"a", std::string("a1")}, {"b", std::string("b1")}});
    edited = r.create("things", {{"a", std::string("a2")}, {"b", std::string("b2")}});
  }
  {
    // The table keeps column b, which no store writes any more: the untouched record's
    // state still finds b there, the edited one carries b itself.
    Replica r = open(after);
    r.update("things", edited, {{"a", std::string("a2'")}});
    EXPECT_EQ(r.state("things", kept)->field("b")->siblings.front().value, Value{std::string("b1")});
    EXPECT_EQ(r.state("things", edited)->field("b")->siblings.front().value, Value{std::string("b2")});
    EXPECT_NE(stored_bytes(r, "things", edited).find("b2"), std::string::npos);
  }
  Replica r = open(before);  // the field comes back
  EXPECT_EQ(r.get("things", kept)->value("b"), Value{std::string("b1")});
  EXPECT_EQ(r.get("things", edited)->value("b"), Value{std::string("b2")});
  EXPECT_EQ(r.get("things", edited)->value("a"), Value{std::string("a2'")});
}

TEST_F(RowStorageTest, AColumnClearedBehindTheEnginesBackIsACorruptRowNotAWrongValue) {
  Replica r = open();
  const RecordId id = r.create("customers", {{"name", std::string("Acme")}, {"territory", std::string("north")}});
  r.database().exec("UPDATE customers SET name = NULL");
  EXPECT_TRUE(throws_error([&] { r.get("customers", id); }, ErrorCode::kCorruptData));
  EXPECT_TRUE(throws_error([&] { r.changes_since(0); }, ErrorCode::kCorruptData));
}

TEST_F(RowStorageTest, TruncatedOrForeignStateBytesAreCorrupt) {
  Replica r = open();
  const RecordId id = r.create("customers", {{"name", std::string("Acme")}, {"territory", std::string("north")}});
  const RecordId other = r.create("customers", {{"name", std::string("Bolt")}, {"territory", std::string("north")}});
  const std::string bytes = stored_bytes(r, "customers", id);
  set_stored_bytes(r, "customers", id, bytes.substr(0, bytes.size() - 1));
  EXPECT_TRUE(throws_error([&] { r.get("customers", id); }, ErrorCode::kCorruptData));
  // An old-format state of another record in this row.
  set_stored_bytes(r, "customers", id, encode_state(r.state("customers", other).value()));
  EXPECT_TRUE(throws_error([&] { r.get("customers", id); }, ErrorCode::kCorruptData));
}

}  // namespace
}  // namespace fieldsync
