#include "report_dates.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>

#include "fieldsync/core/error.hpp"

namespace fieldsync::reports {
namespace {

std::optional<std::chrono::year_month_day> parse_date(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0, d = 0;
  auto number = [&](std::size_t at, std::size_t len, auto& out) {
    const char* first = date.data() + at;
    auto [end, ec] = std::from_chars(first, first + len, out);
    return ec == std::errc() && end == first + len;
  };
  if (!number(0, 4, y) || !number(5, 2, m) || !number(8, 2, d)) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

}  // namespace

std::optional<std::int64_t> day_number(std::string_view date) {
  const auto ymd = parse_date(date);
  if (!ymd) return std::nullopt;
  return std::chrono::sys_days(*ymd).time_since_epoch().count();
}

std::string add_days(std::string_view date, std::int64_t days) {
  const auto ymd = parse_date(date);
  if (!ymd) throw Error(ErrorCode::kInvalidArgument, "not a date (YYYY-MM-DD): '" + std::string(date) + "'");
  const std::chrono::year_month_day later{std::chrono::sys_days(*ymd) + std::chrono::days(days)};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(later.year()),
                static_cast<unsigned>(later.month()), static_cast<unsigned>(later.day()));
  return text;
}

std::string month_of(std::string_view date) {
  return parse_date(date) ? std::string(date.substr(0, 7)) : std::string();
}

void require_date_or_empty(std::string_view date, std::string_view what) {
  if (!date.empty() && !parse_date(date)) {
    throw Error(ErrorCode::kInvalidArgument,
                std::string(what) + " must be a date like 2030-06-15, not '" + std::string(date) + "'");
  }
}

}  // namespace fieldsync::reports
