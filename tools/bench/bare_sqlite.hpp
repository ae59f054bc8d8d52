#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace fieldsync::bench {

// The bare-SQLite baselines' own minimal wrappers: the engine's are private to sync-core,
// and a baseline should not lean on the code it is measured against anyway.
class BareStatement {
 public:
  BareStatement(sqlite3* db, std::string_view sql);
  BareStatement(const BareStatement&) = delete;
  BareStatement& operator=(const BareStatement&) = delete;
  ~BareStatement();

  BareStatement& text(int index, std::string_view value);
  BareStatement& blob(int index, std::string_view value);
  BareStatement& integer(int index, std::int64_t value);
  // Steps to completion and resets, ready for the next bindings. Throws Error(kStorage).
  void run();

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// A connection configured like the engine's: WAL, synchronous=NORMAL, temp_store=FILE.
class BareDatabase {
 public:
  explicit BareDatabase(const std::string& path);

  sqlite3* handle() const { return db_.get(); }
  void exec(const std::string& sql);

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Closer> db_;
};

// BEGIN IMMEDIATE now; COMMIT by commit(), ROLLBACK if the scope is left without it.
class BareTransaction {
 public:
  explicit BareTransaction(BareDatabase& db);
  BareTransaction(const BareTransaction&) = delete;
  BareTransaction& operator=(const BareTransaction&) = delete;
  ~BareTransaction();

  void commit();

 private:
  BareDatabase& db_;
  bool done_ = false;
};

}  // namespace fieldsync::bench
