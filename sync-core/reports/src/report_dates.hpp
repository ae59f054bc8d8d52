#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fieldsync::reports {

// Dates as the schema stores them: YYYY-MM-DD text.

// Days since 1970-01-01, or nullopt unless `date` is a valid YYYY-MM-DD.
std::optional<std::int64_t> day_number(std::string_view date);
// The date `days` after a valid `date`.
std::string add_days(std::string_view date, std::int64_t days);
// YYYY-MM of a valid date, else "".
std::string month_of(std::string_view date);
// Throws Error(kInvalidArgument) naming `what` unless `date` is empty or a valid date.
void require_date_or_empty(std::string_view date, std::string_view what);

}  // namespace fieldsync::reports
