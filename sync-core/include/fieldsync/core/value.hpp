#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace fieldsync {

// A field value as stored and merged. monostate is NULL. Text carries text, dates
// (YYYY-MM-DD), enum values and references; int64 carries integers and money in minor units.
using Value = std::variant<std::monostate, std::int64_t, double, std::string, bool>;

inline bool is_null(const Value& v) { return std::holds_alternative<std::monostate>(v); }

}  // namespace fieldsync
