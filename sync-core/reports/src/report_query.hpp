#pragma once

#include <functional>
#include <string>
#include <vector>

#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/sqlite.hpp"

namespace fieldsync::reports {

// "name" for SQL.
std::string quoted_name(const std::string& name);

// The SQL of a field's value for the row `alias` of its collection: its column, or, for a
// field the schema declares `derived`, the sum over the referencing alive records of the
// product of their fields while there are any, else its column.
std::string field_value_sql(const FieldSchema& field, const std::string& alias);

// Every statement of one report reads one snapshot of the file, even while another
// connection (the app's sync thread) commits: a read transaction, unless one is open.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Replica& replica);
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;
  ~ReadSnapshot();

 private:
  sqlite::Database* db_;
  bool began_ = false;
};

// Runs read-only `sql` with text parameters ?1..?n, calling `row` for each result row.
void for_each_row(Replica& replica, const std::string& sql, const std::vector<std::string>& params,
                  const std::function<void(const sqlite::Statement&)>& row);
// A column's text; "" for NULL.
std::string text_at(const sqlite::Statement& row, int column);

}  // namespace fieldsync::reports
