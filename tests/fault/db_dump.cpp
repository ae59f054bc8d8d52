#include "db_dump.hpp"

#include <sstream>
#include <stdexcept>
#include <vector>

namespace fieldsync::test {
namespace {

void check(sqlite3* db, int rc, const std::string& what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    throw std::runtime_error(what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
  }
}

}  // namespace

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string dump_tables(sqlite3* db) {
  std::vector<std::string> tables;
  {
    sqlite3_stmt* s = nullptr;
    check(db, sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", -1, &s, nullptr),
          "list tables");
    while (sqlite3_step(s) == SQLITE_ROW) tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
    check(db, sqlite3_finalize(s), "list tables");
  }
  std::ostringstream out;
  for (const auto& table : tables) {
    const std::string select_all = "SELECT * FROM \"" + table + "\"";
    sqlite3_stmt* probe = nullptr;
    check(db, sqlite3_prepare_v2(db, select_all.c_str(), -1, &probe, nullptr), "prepare " + select_all);
    const int columns = sqlite3_column_count(probe);
    sqlite3_finalize(probe);
    std::string order;
    for (int i = 1; i <= columns; ++i) order += (i > 1 ? ", " : "") + std::to_string(i);
    sqlite3_stmt* s = nullptr;
    check(db, sqlite3_prepare_v2(db, (select_all + " ORDER BY " + order).c_str(), -1, &s, nullptr), "prepare " + table);
    out << "[" << table << "]\n";
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      for (int i = 0; i < columns; ++i) {
        out << (i ? " | " : "");
        switch (sqlite3_column_type(s, i)) {
          case SQLITE_NULL: out << "NULL"; break;
          case SQLITE_BLOB:
            out << "x"
                << hex({static_cast<const char*>(sqlite3_column_blob(s, i)),
                        static_cast<std::size_t>(sqlite3_column_bytes(s, i))});
            break;
          default: out << reinterpret_cast<const char*>(sqlite3_column_text(s, i)); break;
        }
      }
      out << "\n";
    }
    sqlite3_finalize(s);
    check(db, rc, "dump " + table);
  }
  return out.str();
}

std::string dump_file(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close_v2(db);
    throw std::runtime_error("open " + path + ": " + sqlite3_errstr(rc));
  }
  std::string text;
  try {
    text = dump_tables(db);
  } catch (...) {
    sqlite3_close_v2(db);
    throw;
  }
  sqlite3_close_v2(db);
  return text;
}

std::string first_difference(const std::string& expected, const std::string& actual) {
  std::istringstream a(expected);
  std::istringstream b(actual);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_b = static_cast<bool>(std::getline(b, lb));
    if (!more_a && !more_b) return "(no difference)";
    if (!more_a || !more_b || la != lb) {
      return "line " + std::to_string(line) + ":\n  expected: " + (more_a ? la : "<end>") +
             "\n  actual:   " + (more_b ? lb : "<end>");
    }
  }
}

}  // namespace fieldsync::test
