#include "collection_table.hpp"

#include <algorithm>
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
  for (const char* engine_column : {"_conflicted", "_seq", "_state", "_digest"}) add(engine_column);
  const std::string table = quoted(schema.name);
  insert_sql_ = "INSERT INTO " + table + " (" + columns + ") VALUES (" + params + ")";
  update_sql_ = "UPDATE " + table + " SET " + updates + " WHERE id = ?1";
  // OR IGNORE skips the row on any constraint; the only one a row built here can break is
  // the primary key (every other column is bound, and _seq is always new).
  insert_if_new_sql_ = "INSERT OR IGNORE INTO " + table + " (" + columns + ") VALUES (" + params + ")";
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
    ddl += ", _conflicted INTEGER NOT NULL DEFAULT 0, _seq INTEGER NOT NULL, _state BLOB NOT NULL, _digest BLOB)";
    db.exec(ddl);
  } else {
    // A file from before digests were kept: its rows get theirs as they are next written.
    if (!existing.contains("_digest")) db.exec("ALTER TABLE " + table + " ADD COLUMN _digest BLOB");
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
    if (column == "id" || column == "_conflicted" || column == "_seq" || column == "_state" || column == "_digest") {
      continue;
    }
    columns.push_back({column, holds_for(info.column_text(2)), schema_->field(column) != nullptr});
    row_columns_ += ", " + quoted(column);
  }
  layout_ = RowLayout(std::move(columns));
  load_sql_ = select_prefix() + " WHERE id = ?1";
  field_columns_.clear();
  for (const auto& field : schema_->fields) {
    const auto& all = layout_.columns();
    const auto it = std::find_if(all.begin(), all.end(), [&](const RowLayout::Column& c) { return c.name == field.name; });
    field_columns_.push_back(static_cast<int>(it - all.begin()) + 3);  // after _state, _seq, id
  }
}

std::optional<StoredState> CollectionTable::load(sqlite::Database& db, const std::string& id) const {
  auto& statement = db.cached(load_sql_);
  sqlite::ResetGuard reset(statement);
  statement.bind(1, id);
  if (!statement.step()) return std::nullopt;
  return read_row(statement);
}

std::optional<StoredState> CollectionTable::load_unless_same(sqlite::Database& db, const std::string& id,
                                                             const RecordState& received, bool* same) const {
  auto& statement = db.cached(load_sql_);
  sqlite::ResetGuard reset(statement);
  statement.bind(1, id);
  *same = false;
  if (!statement.step()) return std::nullopt;
  if (row_holds(statement, received)) {
    *same = true;
    return std::nullopt;
  }
  return read_row(statement);
}

namespace {

// Whether column `index` of `row` holds `value` as a store binds it (booleans as 0/1). The
// column's declared type is the field's (TEXT, INTEGER, REAL), so SQLite kept what was bound.
bool column_holds(const sqlite::Statement& row, int index, const Value& value) {
  if (row.column_is_null(index)) return is_null(value);
  if (const auto* t = std::get_if<std::string>(&value)) return *t == row.column_text(index);
  if (const auto* i = std::get_if<std::int64_t>(&value)) return *i == row.column_int(index);
  if (const auto* b = std::get_if<bool>(&value)) return (*b ? 1 : 0) == row.column_int(index);
  if (const auto* d = std::get_if<double>(&value)) return *d == row.column_double(index);
  return false;
}

}  // namespace

// The row decodes to `state` exactly when its blob is the one storing `state` writes and the
// columns that blob leaves values to hold them: decode_row_state is a function of the two.
// Comparing every schema field's column (not only the ones left to columns) is stricter.
bool CollectionTable::row_holds(const sqlite::Statement& row, const RecordState& state) const {
  if (encode_row_state(state, layout_) != row.column_blob(0)) return false;
  for (std::size_t i = 0; i < schema_->fields.size(); ++i) {
    const auto& field = schema_->fields[i];
    const FieldState* f = state.field(field.name);
    if (!column_holds(row, field_columns_[i], f ? resolve(field, f->siblings).value : Value{})) return false;
  }
  return true;
}

StoredState CollectionTable::read_row(const sqlite::Statement& row) const {
  const auto id = Uuid::parse(row.column_text(2));
  if (!id) throw Error(ErrorCode::kCorruptData, name() + " holds a malformed id");
  const StatementColumns columns(row, layout_);
  return StoredState{decode_row_state(row.column_blob(0), name(), *id, layout_, columns),
                     static_cast<std::uint64_t>(row.column_int(1))};
}

std::optional<StateDigest> CollectionTable::read_digest(const sqlite::Statement& row, int index) {
  const std::string_view bytes = row.column_blob(index);
  if (bytes.size() != kStateDigestBytes) return std::nullopt;  // NULL
  StateDigest digest;
  bytes.copy(reinterpret_cast<char*>(digest.data()), kStateDigestBytes);
  return digest;
}

void CollectionTable::store(sqlite::Database& db, const std::string& id, const RecordState& state,
                            const StateDigest& digest, std::uint64_t seq, Row row) const {
  auto& statement = db.cached(row == Row::kNew ? insert_sql_ : update_sql_);
  sqlite::ResetGuard reset(statement);
  const std::string encoded = encode_row_state(state, layout_);
  bind_row(statement, id, state, seq, encoded, digest);
  statement.run();
}

bool CollectionTable::insert_if_new(sqlite::Database& db, const std::string& id, const RecordState& state,
                                    const StateDigest& digest, std::uint64_t seq) const {
  auto& statement = db.cached(insert_if_new_sql_);
  sqlite::ResetGuard reset(statement);
  const std::string encoded = encode_row_state(state, layout_);
  bind_row(statement, id, state, seq, encoded, digest);
  statement.run();
  return sqlite3_changes(db.handle()) > 0;
}

void CollectionTable::bind_row(sqlite::Statement& statement, const std::string& id, const RecordState& state,
                               std::uint64_t seq, const std::string& encoded, const StateDigest& digest) const {
  // Everything bound is borrowed from `id`, `state`, `encoded` and `digest`, which outlive
  // the step.
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
  statement.bind_blob(index++, encoded, Binding::kBorrow);
  statement.bind_blob(index, std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()),
                      Binding::kBorrow);
}

bool CollectionTable::empty(sqlite::Database& db) const {
  sqlite::Statement any(db.handle(), "SELECT 1 FROM " + quoted(name()) + " LIMIT 1");
  return !any.step();
}

std::vector<std::string> CollectionTable::drop_secondary_indexes(sqlite::Database& db) const {
  std::vector<std::pair<std::string, std::string>> indexes;  // name, sql
  {
    sqlite::Statement list(db.handle(),
                           "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 "
                           "AND sql IS NOT NULL AND name <> ?2 ORDER BY name");
    list.bind(1, name()).bind(2, name() + "_by_seq");
    while (list.step()) indexes.emplace_back(std::string(list.column_text(0)), std::string(list.column_text(1)));
  }
  std::vector<std::string> create;
  for (auto& [index, sql] : indexes) {
    db.exec("DROP INDEX " + quoted(index));
    create.push_back(std::move(sql));
  }
  return create;
}

std::string CollectionTable::select_prefix() const { return "SELECT " + row_columns_ + " FROM " + quoted(name()); }

}  // namespace fieldsync
