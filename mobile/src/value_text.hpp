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
// "2024-05-03 14:07" in local time, for an HLC or wall-clock millisecond stamp.
QString time_text(std::uint64_t ms);

}  // namespace fieldsync::app
