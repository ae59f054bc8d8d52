#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "fieldsync/core/record_state.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/core/sqlite.hpp"

namespace fieldsync {

// A stored record: its state and the local sequence number of its last change.
struct StoredState {
  RecordState state;
  std::uint64_t seq = 0;
};

// The SQL table of one collection: a typed column per field (resolved values, for the app
// to query), plus the engine's columns _conflicted, _seq and _state (the encoded
// RecordState). Knows the SQL; knows nothing of merging.
class CollectionTable {
 public:
  explicit CollectionTable(const CollectionSchema& schema);

  const CollectionSchema& schema() const { return *schema_; }
  const std::string& name() const { return schema_->name; }

  // Creates the table and its indexes, or adds columns for fields the schema gained.
  void create_or_migrate(sqlite::Database& db) const;

  std::optional<StoredState> load(sqlite::Database& db, const std::string& id) const;
  void store(sqlite::Database& db, const RecordState& state, std::uint64_t seq) const;

  // "SELECT _state, _seq FROM t" for queries built by the caller.
  std::string select_prefix() const;

 private:
  const CollectionSchema* schema_;
  std::string load_sql_;
  std::string store_sql_;
};

// Quotes an identifier for SQL ("name" -> "\"name\"").
std::string quoted(const std::string& identifier);

}  // namespace fieldsync
