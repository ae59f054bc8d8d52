#include "bare_sqlite.hpp"

#include "fieldsync/core/error.hpp"

namespace fieldsync::bench {
namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw Error(ErrorCode::kStorage, std::string(what) + ": " + sqlite3_errmsg(db));
}

}  // namespace

BareStatement::BareStatement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) !=
      SQLITE_OK) {
    fail(db, "prepare");
  }
}

BareStatement::~BareStatement() { sqlite3_finalize(stmt_); }

BareStatement& BareStatement::text(int index, std::string_view value) {
  if (sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
    fail(db_, "bind");
  }
  return *this;
}

BareStatement& BareStatement::blob(int index, std::string_view value) {
  if (sqlite3_bind_blob(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
    fail(db_, "bind");
  }
  return *this;
}

BareStatement& BareStatement::integer(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

void BareStatement::run() {
  const int rc = sqlite3_step(stmt_);
  sqlite3_reset(stmt_);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) fail(db_, "step");
}

BareDatabase::BareDatabase(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  db_.reset(raw);  // owned even when the open failed: SQLite wants it closed either way
  if (rc != SQLITE_OK) fail(raw, "open " + path);
  exec("PRAGMA journal_mode = WAL");
  exec("PRAGMA synchronous = NORMAL");
  exec("PRAGMA temp_store = FILE");
}

void BareDatabase::exec(const std::string& sql) {
  if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) fail(db_.get(), sql);
}

BareTransaction::BareTransaction(BareDatabase& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

BareTransaction::~BareTransaction() {
  if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);  // cannot throw here
}

void BareTransaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace fieldsync::bench
