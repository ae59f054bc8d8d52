#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fieldsync/core/record_state.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/core/sqlite.hpp"
#include "fieldsync/core/state_digest.hpp"
#include "row_state.hpp"

namespace fieldsync {

// A stored record: its state and the local sequence number of its last change.
struct StoredState {
  RecordState state;
  std::uint64_t seq = 0;
};

// The SQL table of one collection: a typed column per field (resolved values, for the app
// to query), plus the engine's columns _conflicted, _seq, _state (the RecordState, encoded
// relative to its row: row_state.hpp) and _digest (the state's wire_state_digest, so that
// naming or comparing held states decodes nothing; NULL in rows stored before it was kept).
// Knows the SQL; knows nothing of merging.
class CollectionTable {
 public:
  explicit CollectionTable(const CollectionSchema& schema);

  const CollectionSchema& schema() const { return *schema_; }
  const std::string& name() const { return schema_->name; }

  // Creates the table and its indexes, or adds columns for fields the schema gained; then
  // reads the file's column layout. Call before anything else.
  void create_or_migrate(sqlite::Database& db);

  enum class Row { kNew, kExisting };
  std::optional<StoredState> load(sqlite::Database& db, const std::string& id) const;
  // load(), for a merge of `received`: when the row holds exactly `received` already (its
  // _state is the bytes storing `received` would write and every field column the value it
  // would), nothing is decoded and `*same` is set: a redelivered state costs a lookup and
  // an encoding instead of a decode and a merge.
  std::optional<StoredState> load_unless_same(sqlite::Database& db, const std::string& id, const RecordState& received,
                                              bool* same) const;
  // Writes the row of `state`, whose id is `id` in text and whose digest is `digest`:
  // inserted, or updated in place.
  void store(sqlite::Database& db, const std::string& id, const RecordState& state, const StateDigest& digest,
             std::uint64_t seq, Row row) const;
  // Inserts the row of `state` unless the table holds `id` already (then nothing is written
  // and it returns false): a bulk load into an empty table skips the load before each insert.
  bool insert_if_new(sqlite::Database& db, const std::string& id, const RecordState& state,
                     const StateDigest& digest, std::uint64_t seq) const;

  bool empty(sqlite::Database& db) const;
  // Drops the table's secondary indexes but the one on _seq (which grows in order, so
  // keeping it costs little) and returns the SQL that creates them again: a bulk load
  // builds them once at its end instead of updating them row by row.
  std::vector<std::string> drop_secondary_indexes(sqlite::Database& db) const;

  // The columns read_row() decodes, for queries built by the caller ("_state, _seq, id,
  // and the field columns"); a caller's own columns follow at index row_column_count().
  const std::string& row_columns() const { return row_columns_; }
  int row_column_count() const { return static_cast<int>(layout_.columns().size()) + 3; }
  // "SELECT <row_columns> FROM t".
  std::string select_prefix() const;
  // Decodes the row a statement selecting row_columns() stands on.
  StoredState read_row(const sqlite::Statement& row) const;
  // The _digest a statement selected as column `index` (nullopt: the row was stored before
  // digests were kept).
  static std::optional<StateDigest> read_digest(const sqlite::Statement& row, int index);

 private:
  const CollectionSchema* schema_;
  RowLayout layout_;
  std::string row_columns_;
  std::string load_sql_;
  std::string insert_sql_;
  std::string update_sql_;
  std::string insert_if_new_sql_;
  // For each schema field, the index of its column in a row_columns() statement.
  std::vector<int> field_columns_;

  bool row_holds(const sqlite::Statement& row, const RecordState& state) const;

  void bind_row(sqlite::Statement& statement, const std::string& id, const RecordState& state, std::uint64_t seq,
                const std::string& encoded, const StateDigest& digest) const;
};

// Quotes an identifier for SQL ("name" -> "\"name\"").
std::string quoted(const std::string& identifier);

}  // namespace fieldsync
