#include "collection_table.hpp"

#include <set>

#include "fieldsync/core/state_codec.hpp"

namespace fieldsync {
namespace {

const char* sql_type(FieldType type) {
  switch (type) {
    case FieldType::kInteger:
    case FieldType::kMoney:
    case FieldType::kBoolean: return "INTEGER";
    case FieldType::kReal: return "REAL";
    default: return "TEXT";
  }
}

}  // namespace

std::string quoted(const std::string& identifier) { return "\"" + identifier + "\""; }

CollectionTable::CollectionTable(const CollectionSchema& schema) : schema_(&schema) {
  const std::string table = quoted(schema.name);
  load_sql_ = "SELECT _state, _seq FROM " + table + " WHERE id = ?1";

  std::string columns = "id";
  std::string params = "?1";
  std::string updates;
  int index = 2;
  auto add = [&](const std::string& column) {
    columns += ", " + column;
    params += ", ?" + std::to_string(index++);
    updates += (updates.empty() ? "" : ", ") + column + " = excluded." + column;
  };
  for (const auto& field : schema.fields) add(quoted(field.name));
  for (const char* engine_column : {"_conflicted", "_seq", "_state"}) add(engine_column);
  store_sql_ = "INSERT INTO " + table + " (" + columns + ") VALUES (" + params + ") ON CONFLICT(id) DO UPDATE SET " +
               updates;
}

void CollectionTable::create_or_migrate(sqlite::Database& db) const {
  const std::string table = quoted(name());
  std::set<std::string> existing;
  {
    sqlite::Statement info(db.handle(), "PRAGMA table_info(" + table + ")");
    while (info.step()) existing.emplace(info.column_text(1));
  }
  if (existing.empty()) {
    std::string ddl = "CREATE TABLE " + table + " (id TEXT PRIMARY KEY NOT NULL";
    for (const auto& field : schema_->fields) ddl += ", " + quoted(field.name) + " " + sql_type(field.type);
    ddl += ", _conflicted INTEGER NOT NULL DEFAULT 0, _seq INTEGER NOT NULL, _state BLOB NOT NULL)";
    db.exec(ddl);
  } else {
    for (const auto& field : schema_->fields) {
      if (!existing.contains(field.name)) {
        db.exec("ALTER TABLE " + table + " ADD COLUMN " + quoted(field.name) + " " + sql_type(field.type));
      }
    }
  }
  db.exec("CREATE UNIQUE INDEX IF NOT EXISTS " + quoted(name() + "_by_seq") + " ON " + table + " (_seq)");
  // Partial: costs nothing for the many records without a conflict.
  db.exec("CREATE INDEX IF NOT EXISTS " + quoted(name() + "_conflicted") + " ON " + table + " (_seq) WHERE _conflicted");
  for (const auto& field : schema_->fields) {
    if (field.indexed) {
      db.exec("CREATE INDEX IF NOT EXISTS " + quoted(name() + "_by_" + field.name) + " ON " + table + " (" +
              quoted(field.name) + ")");
    }
  }
}

std::optional<StoredState> CollectionTable::load(sqlite::Database& db, const std::string& id) const {
  auto& statement = db.cached(load_sql_);
  sqlite::ResetGuard reset(statement);
  statement.bind(1, id);
  if (!statement.step()) return std::nullopt;
  return StoredState{decode_state(statement.column_blob(0)), static_cast<std::uint64_t>(statement.column_int(1))};
}

void CollectionTable::store(sqlite::Database& db, const RecordState& state, std::uint64_t seq) const {
  auto& statement = db.cached(store_sql_);
  sqlite::ResetGuard reset(statement);
  statement.bind(1, state.id.to_string());
  int index = 2;
  // Bound straight from the state's siblings: no copy of the resolved values.
  for (const auto& field : schema_->fields) {
    const FieldState* f = state.field(field.name);
    if (f) {
      statement.bind_value(index++, resolve(field, f->siblings).value);
    } else {
      statement.bind_null(index++);
    }
  }
  statement.bind(index++, static_cast<std::int64_t>(state.conflicted() ? 1 : 0));
  statement.bind(index++, static_cast<std::int64_t>(seq));
  statement.bind_blob(index, encode_state(state));
  statement.run();
}

std::string CollectionTable::select_prefix() const { return "SELECT _state, _seq FROM " + quoted(name()); }

}  // namespace fieldsync
