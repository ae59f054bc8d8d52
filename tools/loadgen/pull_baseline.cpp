#include "pull_baseline.hpp"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <memory>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/schema.hpp"

namespace fieldsync::loadgen {
// Named, not anonymous: BareLoadBaseline::Table holds these types, and the unity build
// puts this file beside others with helpers of the same names.
namespace bare_sql {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;
struct FreeValue {
  void operator()(sqlite3_value* v) const { sqlite3_value_free(v); }
};
struct FinalizeStatement {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Statement = std::unique_ptr<sqlite3_stmt, FinalizeStatement>;

void check(sqlite3* db, int rc, const std::string& what) {
  if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE) {
    throw Error(ErrorCode::kStorage, "bare baseline: " + what + ": " + sqlite3_errmsg(db));
  }
}

Db open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  check(db.get(), rc, "open " + path);
  return db;
}

void exec(sqlite3* db, const std::string& sql) { check(db, sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), sql); }

Statement prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  check(db, sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr), sql);
  return Statement(raw);
}

}  // namespace bare_sql

using namespace bare_sql;

struct BareLoadBaseline::Table {
  std::string create_sql;
  std::vector<std::string> index_sql;
  std::string insert_sql;
  int columns = 0;
  std::vector<std::unique_ptr<sqlite3_value, FreeValue>> values;  // row after row
};

BareLoadBaseline::BareLoadBaseline(const std::string& pulled_db) {
  Db db = open(pulled_db, SQLITE_OPEN_READONLY);
  for (const auto& collection : Schema::domain().collections()) {
    Table table;
    auto schema = prepare(db.get(), "SELECT type, sql FROM sqlite_master WHERE tbl_name = ?1 AND sql IS NOT NULL");
    sqlite3_bind_text(schema.get(), 1, collection.name.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(schema.get()) == SQLITE_ROW) {
      const std::string type = reinterpret_cast<const char*>(sqlite3_column_text(schema.get(), 0));
      std::string sql = reinterpret_cast<const char*>(sqlite3_column_text(schema.get(), 1));
      if (type == "table") {
        table.create_sql = std::move(sql);
      } else {
        table.index_sql.push_back(std::move(sql));
      }
    }
    auto rows = prepare(db.get(), "SELECT * FROM \"" + collection.name + "\"");
    table.columns = sqlite3_column_count(rows.get());
    table.insert_sql = "INSERT INTO \"" + collection.name + "\" VALUES (";
    for (int c = 0; c < table.columns; ++c) table.insert_sql += c ? ", ?" : "?";
    table.insert_sql += ")";
    while (sqlite3_step(rows.get()) == SQLITE_ROW) {
      for (int c = 0; c < table.columns; ++c) table.values.emplace_back(sqlite3_value_dup(sqlite3_column_value(rows.get(), c)));
      ++rows_;
    }
    tables_.push_back(std::move(table));
  }
}

BareLoadBaseline::~BareLoadBaseline() = default;

double BareLoadBaseline::load(const std::string& path) const {
  std::filesystem::remove(path);
  Db db = open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  exec(db.get(), "PRAGMA journal_mode = WAL");
  exec(db.get(), "PRAGMA synchronous = NORMAL");
  exec(db.get(), "PRAGMA temp_store = FILE");
  exec(db.get(), "PRAGMA cache_size = -32768");
  for (const auto& table : tables_) exec(db.get(), table.create_sql);
  std::vector<Statement> inserts;
  for (const auto& table : tables_) inserts.push_back(prepare(db.get(), table.insert_sql));

  const auto start = std::chrono::steady_clock::now();
  exec(db.get(), "BEGIN IMMEDIATE");
  for (std::size_t t = 0; t < tables_.size(); ++t) {
    const auto& table = tables_[t];
    sqlite3_stmt* insert = inserts[t].get();
    for (std::size_t v = 0; v < table.values.size(); v += static_cast<std::size_t>(table.columns)) {
      for (int c = 0; c < table.columns; ++c) sqlite3_bind_value(insert, c + 1, table.values[v + static_cast<std::size_t>(c)].get());
      check(db.get(), sqlite3_step(insert), "insert");
      sqlite3_reset(insert);
    }
  }
  for (const auto& table : tables_) {
    for (const auto& sql : table.index_sql) exec(db.get(), sql);
  }
  exec(db.get(), "COMMIT");
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace fieldsync::loadgen
