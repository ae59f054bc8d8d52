#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "fieldsync/core/value.hpp"

namespace fieldsync::sqlite {

// Throws Error(kStorage) with SQLite's message when rc is not one of the ok codes.
void check(sqlite3* db, int rc, std::string_view what);

// Whether SQLite copies bound text and blobs (kCopy), or reads them where they are until
// the statement is reset (kBorrow: on hot paths, when the caller keeps them alive).
enum class Binding { kCopy, kBorrow };

// A prepared statement. Reset (and bindings cleared) by ResetGuard or reset().
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  Statement& bind_value(int index, const Value& value, Binding binding = Binding::kCopy);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text, Binding binding = Binding::kCopy);
  Statement& bind_blob(int index, std::string_view bytes, Binding binding = Binding::kCopy);
  Statement& bind_null(int index);

  // Steps once: true while a row is available, false when done.
  bool step();
  // Steps a statement that returns no rows.
  void run();
  void reset();

  std::int64_t column_int(int index) const;
  double column_double(int index) const;
  std::string_view column_text(int index) const;
  std::string_view column_blob(int index) const;
  bool column_is_null(int index) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a cached statement on scope exit, whatever path leaves the scope.
class ResetGuard {
 public:
  explicit ResetGuard(Statement& statement) : statement_(statement) {}
  ResetGuard(const ResetGuard&) = delete;
  ResetGuard& operator=(const ResetGuard&) = delete;
  ~ResetGuard() { statement_.reset(); }

 private:
  Statement& statement_;
};

// An open SQLite connection with a cache of prepared statements.
class Database {
 public:
  explicit Database(const std::string& path);
  Database(Database&&) noexcept = default;
  Database& operator=(Database&&) noexcept = default;
  ~Database();

  sqlite3* handle() const { return db_.get(); }
  void exec(std::string_view sql);
  // The cached statement for `sql`, prepared on first use. Callers hold a ResetGuard.
  Statement& cached(const std::string& sql);
  // Copies the whole database to a new file at `path` with SQLite's online backup: a
  // consistent snapshot even while other connections write. Written to `path` + ".part"
  // and renamed, so `path` is never a half-written copy.
  void backup_to(const std::string& path);

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Closer> db_;
  // Destroyed before db_ (declared after it).
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> statements_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit() ran. Nested
// transactions join the outermost one: only it commits.
class Transaction {
 public:
  explicit Transaction(Database& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  void commit();

 private:
  Database& db_;
  bool outermost_;
  bool done_ = false;
};

}  // namespace fieldsync::sqlite
