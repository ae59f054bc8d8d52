#pragma once

// Field values as the forms and lists show them, and back: the schema's own text forms
// (money as "1234.50", dates as YYYY-MM-DD), so what a rep types is read exactly as the
// command line and the CSV import read it.

#include <QString>
#include <QVariant>

#include <cstdint>

#include "fieldsync/core/schema.hpp"
#include "fieldsync/core/value.hpp"
#include "fieldsync/core/version_vector.hpp"

namespace fieldsync::app {

QString to_text(const FieldSchema& field, const Value& value);
// Throws Error(kInvalidValue) naming the field, as parse_value does.
Value from_text(const FieldSchema& field, const QString& text);
// A human label for a field or enum value: "next_follow_up" -> "Next follow up".
QString label_for(const QString& name);
// A date and time in local time and the app's locale ("12/4/26 2:07 PM", "2026/12/4 14:07";
// "2026-12-04 14:07" without a locale), for an HLC or wall-clock millisecond stamp.
QString time_text(std::uint64_t ms);
// How long ago `ms` was at `now_ms`, in words of the app's language: "just now",
// "5 minutes ago", "3 hours ago", "2 days ago"; a week or more: the date and time.
QString ago_text(std::uint64_t ms, std::uint64_t now_ms);
// An amount in minor units in the locale's digits and separators ("1,234.50"), exact.
QString money_text(const FieldSchema& money, std::int64_t minor_units);

}  // namespace fieldsync::app
