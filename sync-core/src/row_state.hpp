#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fieldsync/core/record_state.hpp"

namespace fieldsync {

// The field columns of one collection table, in the order the database file has them
// (columns are only ever added, so a position names the same column for the file's life).
// A stored state refers to its row through this: the table is its collection, the id
// column its id, and a field column holds the value of a field with a single sibling, so
// that value is not stored twice.
class RowLayout {
 public:
  // What a column gives back exactly as bound: text from a TEXT column, integers from an
  // INTEGER one. (NULL costs a byte inline; reals and booleans would not round-trip.)
  enum class Holds { kText, kIntegers, kNothing };
  struct Column {
    std::string name;
    Holds holds = Holds::kNothing;
    bool written = false;  // the schema still declares it: every store sets the column
  };

  RowLayout() = default;
  explicit RowLayout(std::vector<Column> columns);

  const std::vector<Column>& columns() const { return columns_; }
  // The position of the column every store writes for `field`, or nullopt.
  std::optional<std::size_t> written_column(std::string_view field) const;
  // Whether column `column` gives `value` back unchanged.
  bool holds(std::size_t column, const Value& value) const;

 private:
  std::vector<Column> columns_;
  std::vector<std::size_t> written_by_name_;  // positions of written columns, by name
};

// The storage form of a state inside its row (format 3 of state_bytes.cpp). The row's
// column `c` must hold the resolved value of the field that column names.
std::string encode_row_state(const RecordState& state, const RowLayout& layout);

// The field column values of the row being decoded, read only when a state refers to one.
class RowColumns {
 public:
  // The value of layout column `column`: text or an integer as its Holds says; nullopt if
  // the column is NULL.
  virtual std::optional<Value> value(std::size_t column) const = 0;

 protected:
  ~RowColumns() = default;
};

// Decodes what encode_row_state (or, for rows written before it, encode_state) made.
// Throws Error(kCorruptData) if the bytes or the columns they refer to do not fit.
RecordState decode_row_state(std::string_view bytes, std::string_view collection, const RecordId& id,
                             const RowLayout& layout, const RowColumns& columns);

}  // namespace fieldsync
