#include "fieldsync/core/sqlite.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <type_traits>

#include "fieldsync/core/error.hpp"

namespace fieldsync::sqlite {

void check(sqlite3* db, int rc, std::string_view what) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
  std::string message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  throw Error(ErrorCode::kStorage, message);
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                              &stmt_, nullptr);
  check(db, rc, "prepare '" + std::string(sql) + "'");
}

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
  other.stmt_ = nullptr;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

namespace {

sqlite3_destructor_type lifetime(Binding binding) {
  return binding == Binding::kBorrow ? SQLITE_STATIC : SQLITE_TRANSIENT;
}

}  // namespace

Statement& Statement::bind_value(int index, const Value& value, Binding binding) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          bind_null(index);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          bind(index, v);
        } else if constexpr (std::is_same_v<T, double>) {
          check(db_, sqlite3_bind_double(stmt_, index, v), "bind");
        } else if constexpr (std::is_same_v<T, std::string>) {
          bind(index, std::string_view(v), binding);
        } else {
          bind(index, static_cast<std::int64_t>(v ? 1 : 0));
        }
      },
      value);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  check(db_, sqlite3_bind_int64(stmt_, index, value), "bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view text, Binding binding) {
  check(db_, sqlite3_bind_text64(stmt_, index, text.data(), text.size(), lifetime(binding), SQLITE_UTF8), "bind");
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes, Binding binding) {
  check(db_, sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), lifetime(binding)), "bind");
  return *this;
}

Statement& Statement::bind_null(int index) {
  check(db_, sqlite3_bind_null(stmt_, index), "bind");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  check(db_, rc, "step");
  return false;
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

double Statement::column_double(int index) const { return sqlite3_column_double(stmt_, index); }

std::string_view Statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(stmt_, index);
  if (!text) return {};
  return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index))};
}

std::string_view Statement::column_blob(int index) const {
  const void* blob = sqlite3_column_blob(stmt_, index);
  if (!blob) return {};
  return {static_cast<const char*>(blob), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index))};
}

bool Statement::column_is_null(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

Database::Database(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  db_.reset(raw);  // closes even when open failed
  check(raw, rc, "open " + path);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);
}

Database::~Database() {
  statements_.clear();  // finalize before close
}

void Database::exec(std::string_view sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_.get(), std::string(sql).c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    throw Error(ErrorCode::kStorage, "exec: " + text);
  }
}

void Database::backup_to(const std::string& path) {
  const std::string part = path + ".part";
  std::filesystem::remove(part);
  {
    // A backup holds everything the database does: readable by its owner only (mode 0600,
    // whatever the umask). SQLite keeps the mode of a file that exists when it opens it.
    const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw Error(ErrorCode::kIo, "cannot create " + part + ": " + std::strerror(errno));
    ::close(fd);
  }
  {
    Database target(part);
    struct Finisher {
      void operator()(sqlite3_backup* b) const { sqlite3_backup_finish(b); }
    };
    std::unique_ptr<sqlite3_backup, Finisher> backup(sqlite3_backup_init(target.handle(), "main", db_.get(), "main"));
    if (!backup) check(target.handle(), sqlite3_errcode(target.handle()), "backup to " + path);
    // One step copies every page under one read transaction: a snapshot of one moment.
    const int rc = sqlite3_backup_step(backup.get(), -1);
    if (rc != SQLITE_DONE) check(target.handle(), rc, "backup to " + path);
    backup.reset();
    check(target.handle(), sqlite3_errcode(target.handle()), "backup to " + path);
  }
  std::filesystem::rename(part, path);
}

Statement& Database::cached(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    it = statements_.emplace(sql, std::make_unique<Statement>(db_.get(), sql)).first;
  }
  return *it->second;
}

Transaction::Transaction(Database& db) : db_(db), outermost_(sqlite3_get_autocommit(db.handle()) != 0) {
  if (outermost_) db_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (outermost_ && !done_) {
    // Cannot throw from here; a failed rollback leaves SQLite to roll back on close.
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Transaction::commit() {
  if (outermost_ && !done_) db_.exec("COMMIT");
  done_ = true;
}

}  // namespace fieldsync::sqlite
