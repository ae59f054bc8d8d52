#pragma once

// The row that fuzz_row_state decodes states against, shared with fuzz_make_seeds: a
// layout with written text, integer and boolean columns and one column no store writes
// any more, and the values that row holds.
#include <optional>
#include <string>

#include "row_state.hpp"

namespace fieldsync::fuzz {

inline RowLayout row_layout() {
  using Holds = RowLayout::Holds;
  return RowLayout({{"name", Holds::kText, true},
                    {"tier", Holds::kText, true},
                    {"amount", Holds::kIntegers, true},
                    {"active", Holds::kNothing, true},
                    {"old_note", Holds::kText, false},
                    {"_deleted", Holds::kNothing, true}});
}

// What the fixture's row holds in each column.
class FixtureColumns final : public RowColumns {
 public:
  std::optional<Value> value(std::size_t column) const override {
    switch (column) {
      case 0: return Value(std::string("Hotel Aurora"));
      case 1: return Value(std::string("vip"));
      case 2: return Value(std::int64_t{123450});
      case 4: return Value(std::string("kept"));
      default: return std::nullopt;
    }
  }
};

}  // namespace fieldsync::fuzz
