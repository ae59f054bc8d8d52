#include "collection_table.hpp"

#include <set>

#include "fieldsync/core/error.hpp"

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

RowLayout::Holds holds_for(std::string_view declared_type) {
  if (declared_type == "TEXT") return RowLayout::Holds::kText;
  if (declared_type == "INTEGER") return RowLayout::Holds::kIntegers;
  return RowLayout::Holds::kNothing;
}

// The field columns of the row a statement stands on; they start after _state, _seq, id.
class StatementColumns final : public RowColumns {
 public:
  StatementColumns(const sqlite::Statement& row, const RowLayout& layout) : row_(row), layout_(layout) {}

  std::optional<Value> value(std::size_t column) const override {
    const int index = static_cast<int>(column) + 3;
    if (row_.column_is_null(index)) return std::nullopt;
    switch (layout_.columns()[column].holds) {
      case RowLayout::Holds::kText: return Value(std::string(row_.column_text(index)));
      case RowLayout::Holds::kIntegers: return Value(row_.column_int(index));
      case RowLayout::Holds::kNothing: break;
    }
    return std::nullopt;
  }

 private:
  const sqlite::Statement& row_;
  const RowLayout& layout_;
};

}  // namespace

std::string quoted(const std::string& identifier) { return "\"" + identifier + "\""; }

CollectionTable::CollectionTable(const CollectionSchema& schema) : schema_(&schema) {
  // Both statements bind ?1 the id, then the fields in schema order, then the engine's
  // columns. A new record is a plain INSERT: an upsert costs SQLite more per row.
  std::string columns = "id";
  std::string params = "?1";
  std::string updates;
  int index = 2;
  auto add = [&](const std::string& column) {
    const std::string param = "?" + std::to_string(index++);
    columns += ", " + column;
    params += ", " + param;
    updates += (updates.empty() ? "" : ", ") + column + " = " + param;
  };
  for (const auto& field : schema.fields) add(quoted(field.name));
  for (const char* engine_column : {"_conflicted", "_seq", "_state"}) add(engine_column);
  const std::string table = quoted(schema.name);
  insert_sql_ = "INSERT INTO " + table + " (" + columns + ") VALUES (" + params + ")";
  update_sql_ = "UPDATE " + table + " SET " + updates + " WHERE id = ?1";
}

void CollectionTable::create_or_migrate(sqlite::Database& db) {
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

  std::vector<RowLayout::Column> columns;
  row_columns_ = "_state, _seq, id";
  sqlite::Statement info(db.handle(), "PRAGMA table_info(" + table + ")");
  while (info.step()) {
    const std::string column(info.column_text(1));
    if (column == "id" || column == "_conflicted" || column == "_seq" || column == "_state") continue;
    columns.push_back({column, holds_for(info.column_text(2)), schema_->field(column) != nullptr});
    row_columns_ += ", " + quoted(column);
  }
  layout_ = RowLayout(std::move(columns));
  load_sql_ = select_prefix() + " WHERE id = ?1";
}

std::optional<StoredState> CollectionTable::load(sqlite::Database& db, const std::string& id) const {
  auto& statement = db.cached(load_sql_);
  sqlite::ResetGuard reset(statement);
  statement.bind(1, id);
  if (!statement.step()) return std::nullopt;
  return read_row(statement);
}

StoredState CollectionTable::read_row(const sqlite::Statement& row) const {
  const auto id = Uuid::parse(row.column_text(2));
  if (!id) throw Error(ErrorCode::kCorruptData, name() + " holds a malformed id");
  const StatementColumns columns(row, layout_);
  return StoredState{decode_row_state(row.column_blob(0), name(), *id, layout_, columns),
                     static_cast<std::uint64_t>(row.column_int(1))};
}

void CollectionTable::store(sqlite::Database& db, const std::string& id, const RecordState& state,
                            std::uint64_t seq, Row row) const {
  auto& statement = db.cached(row == Row::kNew ? insert_sql_ : update_sql_);
  sqlite::ResetGuard reset(statement);
  // Everything bound is borrowed from `id`, `state` and `encoded`, which outlive the step.
  using sqlite::Binding;
  statement.bind(1, id, Binding::kBorrow);
  int index = 2;
  for (const auto& field : schema_->fields) {
    const FieldState* f = state.field(field.name);
    if (f) {
      statement.bind_value(index++, resolve(field, f->siblings).value, Binding::kBorrow);
    } else {
      statement.bind_null(index++);
    }
  }
  statement.bind(index++, static_cast<std::int64_t>(state.conflicted() ? 1 : 0));
  statement.bind(index++, static_cast<std::int64_t>(seq));
  const std::string encoded = encode_row_state(state, layout_);
  statement.bind_blob(index, encoded, Binding::kBorrow);
  statement.run();
}

std::string CollectionTable::select_prefix() const { return "SELECT " + row_columns_ + " FROM " + quoted(name()); }

}  // namespace fieldsync
