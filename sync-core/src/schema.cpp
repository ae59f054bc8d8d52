#include "fieldsync/core/schema.hpp"

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/utf8.hpp"
#include "fieldsync/core/uuid.hpp"
#include "fieldsync/domain_schema_text.hpp"
#include "fieldsync/schema.pb.h"
#include "schema_rules_reader.hpp"

namespace fieldsync {
namespace {

FieldType to_field_type(proto::FieldType type, const std::string& where) {
  switch (type) {
    case proto::TEXT: return FieldType::kText;
    case proto::INTEGER: return FieldType::kInteger;
    case proto::REAL: return FieldType::kReal;
    case proto::BOOLEAN: return FieldType::kBoolean;
    case proto::DATE: return FieldType::kDate;
    case proto::ENUM: return FieldType::kEnum;
    case proto::REFERENCE: return FieldType::kReference;
    case proto::MONEY: return FieldType::kMoney;
    default: throw Error(ErrorCode::kSchemaMismatch, where + ": field type is missing");
  }
}

MergePolicy to_policy(proto::MergePolicy policy) {
  switch (policy) {
    case proto::FURTHEST_STAGE: return MergePolicy::kFurthestStage;
    case proto::ALIVE_WINS: return MergePolicy::kAliveWins;
    default: return MergePolicy::kLastWriterWins;
  }
}

FieldSchema deleted_field() {
  FieldSchema field;
  field.name = std::string(kDeletedField);
  field.type = FieldType::kBoolean;
  field.policy = MergePolicy::kAliveWins;
  return field;
}

bool is_identifier(std::string_view name) {
  if (name.empty() || name.front() == '_' || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

CollectionSchema to_collection(const proto::Collection& message) {
  if (!is_identifier(message.name())) {
    throw Error(ErrorCode::kSchemaMismatch, "collection name '" + message.name() + "' is not a lower_case identifier");
  }
  CollectionSchema collection;
  collection.name = message.name();
  collection.read_only_for_reps = message.read_only_for_reps();
  collection.territory_field = message.territory_field();
  collection.scope_parent = message.scope_parent();
  read_collection_rules(message, collection);
  for (const auto& f : message.fields()) {
    std::string where = collection.name + "." + f.name();
    if (!is_identifier(f.name())) throw Error(ErrorCode::kSchemaMismatch, where + ": not a lower_case identifier");
    if (collection.field(f.name())) throw Error(ErrorCode::kSchemaMismatch, where + ": declared twice");
    FieldSchema field;
    field.name = f.name();
    field.type = to_field_type(f.type(), where);
    field.policy = to_policy(f.policy());
    field.required = f.required();
    field.indexed = f.indexed();
    field.max_length = f.max_length();
    field.values.assign(f.values().begin(), f.values().end());
    field.references = f.references();
    read_field_rules(f, field);
    if (field.type == FieldType::kEnum && field.values.empty()) {
      throw Error(ErrorCode::kSchemaMismatch, where + ": an enum needs values");
    }
    if (field.policy == MergePolicy::kFurthestStage && field.type != FieldType::kEnum) {
      throw Error(ErrorCode::kSchemaMismatch, where + ": FURTHEST_STAGE applies to enums only");
    }
    if (field.policy == MergePolicy::kAliveWins && field.type != FieldType::kBoolean) {
      throw Error(ErrorCode::kSchemaMismatch, where + ": ALIVE_WINS applies to booleans only");
    }
    for (std::size_t i = 0; i < field.values.size(); ++i) {
      if (std::find(field.values.begin(), field.values.begin() + static_cast<std::ptrdiff_t>(i), field.values[i]) !=
          field.values.begin() + static_cast<std::ptrdiff_t>(i)) {
        throw Error(ErrorCode::kSchemaMismatch, where + ": enum value '" + field.values[i] + "' is repeated");
      }
    }
    collection.fields.push_back(std::move(field));
  }
  collection.fields.push_back(deleted_field());
  // Scope is enforced at every sync: a typo here must fail at start-up, not at the first push.
  if (!collection.territory_field.empty()) {
    const FieldSchema* territory = collection.field(collection.territory_field);
    if (!territory || territory->type != FieldType::kText) {
      throw Error(ErrorCode::kSchemaMismatch, collection.name + ": territory_field '" + collection.territory_field +
                                                  "' is not a text field of the collection");
    }
  }
  if (!collection.scope_parent.empty()) {
    const FieldSchema* parent = collection.field(collection.scope_parent);
    if (!parent || parent->type != FieldType::kReference) {
      throw Error(ErrorCode::kSchemaMismatch, collection.name + ": scope_parent '" + collection.scope_parent +
                                                  "' is not a reference field of the collection");
    }
  }
  return collection;
}

bool is_valid_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  int year = std::stoi(std::string(text.substr(0, 4)));
  int month = std::stoi(std::string(text.substr(5, 2)));
  int day = std::stoi(std::string(text.substr(8, 2)));
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int days = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= days;
}

[[noreturn]] void invalid(const FieldSchema& field, const std::string& why) {
  throw Error(ErrorCode::kInvalidValue, "field '" + field.name + "': " + why);
}

std::int64_t parse_integer(const FieldSchema& field, std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    invalid(field, "'" + std::string(text) + "' is not an integer");
  }
  return value;
}

// "1234.5" -> 123450: money is kept in minor units so that sums are exact.
std::int64_t parse_money(const FieldSchema& field, std::string_view text) {
  std::string_view digits = text;
  bool negative = !digits.empty() && digits.front() == '-';
  if (negative) digits.remove_prefix(1);
  auto dot = digits.find('.');
  std::string_view whole = digits.substr(0, dot);
  std::string_view cents = dot == std::string_view::npos ? std::string_view{} : digits.substr(dot + 1);
  auto all_digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  };
  if (whole.empty() || whole.size() > 15 || cents.size() > 2 || !all_digits(whole) || !all_digits(cents) ||
      (dot != std::string_view::npos && cents.empty())) {
    invalid(field, "'" + std::string(text) + "' is not an amount like 1234.50");
  }
  std::int64_t value = std::stoll(std::string(whole)) * 100;
  if (!cents.empty()) value += std::stoll(std::string(cents)) * (cents.size() == 1 ? 10 : 1);
  return negative ? -value : value;
}

}  // namespace

std::string_view field_type_name(FieldType type) {
  switch (type) {
    case FieldType::kText: return "text";
    case FieldType::kInteger: return "integer";
    case FieldType::kReal: return "real";
    case FieldType::kBoolean: return "boolean";
    case FieldType::kDate: return "date";
    case FieldType::kEnum: return "enum";
    case FieldType::kReference: return "reference";
    case FieldType::kMoney: return "money";
  }
  return "unknown";
}

std::optional<std::size_t> FieldSchema::stage_of(std::string_view value) const {
  auto it = std::find(values.begin(), values.end(), value);
  if (it == values.end()) return std::nullopt;
  return static_cast<std::size_t>(it - values.begin());
}

const FieldSchema* CollectionSchema::field(std::string_view field_name) const {
  auto index = field_index(field_name);
  return index ? &fields[*index] : nullptr;
}

std::optional<std::size_t> CollectionSchema::field_index(std::string_view field_name) const {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == field_name) return i;
  }
  return std::nullopt;
}

Schema Schema::from_text(std::string_view text) {
  proto::Schema message;
  if (!google::protobuf::TextFormat::ParseFromString(std::string(text), &message)) {
    throw Error(ErrorCode::kSchemaMismatch, "the schema text does not parse as fieldsync.proto.Schema");
  }
  Schema schema;
  schema.version_ = message.version();
  schema.roles_ = read_roles(message.roles());
  schema.settle_roles_ = read_roles(message.settle_roles());
  for (const auto& c : message.collections()) {
    if (schema.collection(c.name())) throw Error(ErrorCode::kSchemaMismatch, "collection '" + c.name() + "' declared twice");
    schema.collections_.push_back(to_collection(c));
  }
  for (const auto& c : schema.collections_) {
    for (const auto& f : c.fields) {
      if (f.type == FieldType::kReference && !schema.collection(f.references)) {
        throw Error(ErrorCode::kSchemaMismatch, c.name + "." + f.name + " references unknown collection '" + f.references + "'");
      }
    }
  }
  check_rules(schema);
  return schema;
}

const Schema& Schema::domain() {
  static const Schema schema = from_text(domain_schema_text());  // immutable after first use
  return schema;
}

const CollectionSchema* Schema::collection(std::string_view name) const {
  for (const auto& c : collections_) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const CollectionSchema& Schema::require(std::string_view name) const {
  if (const auto* c = collection(name)) return *c;
  throw Error(ErrorCode::kUnknownCollection, "unknown collection '" + std::string(name) + "'");
}

void validate_value(const FieldSchema& field, const Value& value) {
  if (is_null(value)) return;
  auto type_error = [&] { invalid(field, std::string("expected a value of type ") + std::string(field_type_name(field.type))); };
  switch (field.type) {
    case FieldType::kInteger:
    case FieldType::kMoney:
      if (!std::holds_alternative<std::int64_t>(value)) type_error();
      return;
    case FieldType::kReal:
      if (!std::holds_alternative<double>(value)) type_error();
      // NaN is unequal to itself: it would stay a conflict forever and never merge as unchanged.
      if (!std::isfinite(std::get<double>(value))) invalid(field, "not a finite number");
      return;
    case FieldType::kBoolean:
      if (!std::holds_alternative<bool>(value)) type_error();
      return;
    default:
      break;
  }
  const auto* text = std::get_if<std::string>(&value);
  if (!text) type_error();
  // Protobuf carries text as UTF-8 only: anything else could never be synced (nor quoted).
  if (!is_valid_utf8(*text)) invalid(field, "not valid UTF-8 text");
  switch (field.type) {
    case FieldType::kText:
      // Characters, not bytes: names with accented letters get the whole limit.
      if (field.max_length && utf8_length(*text) > field.max_length) {
        invalid(field, "longer than " + std::to_string(field.max_length) + " characters");
      }
      break;
    case FieldType::kDate:
      if (!is_valid_date(*text)) invalid(field, "'" + *text + "' is not a date like 2026-11-23");
      break;
    case FieldType::kEnum:
      if (!field.stage_of(*text)) {
        std::string allowed;
        for (const auto& v : field.values) allowed += (allowed.empty() ? "" : ", ") + v;
        invalid(field, "'" + *text + "' is not one of: " + allowed);
      }
      break;
    case FieldType::kReference:
      if (!Uuid::parse(*text)) invalid(field, "'" + *text + "' is not a record id");
      break;
    default:
      break;
  }
}

Value parse_value(const FieldSchema& field, std::string_view text) {
  if (text.empty()) return std::monostate{};
  Value value;
  switch (field.type) {
    case FieldType::kInteger: value = parse_integer(field, text); break;
    case FieldType::kMoney: value = parse_money(field, text); break;
    case FieldType::kReal: {
      std::size_t used = 0;
      try {
        value = std::stod(std::string(text), &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != text.size()) invalid(field, "'" + std::string(text) + "' is not a number");
      break;
    }
    case FieldType::kBoolean:
      if (text == "true" || text == "yes" || text == "1") {
        value = true;
      } else if (text == "false" || text == "no" || text == "0") {
        value = false;
      } else {
        invalid(field, "'" + std::string(text) + "' is not true or false");
      }
      break;
    default: value = std::string(text); break;
  }
  validate_value(field, value);
  return value;
}

std::string format_value(const FieldSchema& field, const Value& value) {
  if (is_null(value)) return {};
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    if (field.type != FieldType::kMoney) return std::to_string(*i);
    // Unsigned, so that the most negative amount does not overflow on negation.
    std::uint64_t magnitude = *i < 0 ? 0 - static_cast<std::uint64_t>(*i) : static_cast<std::uint64_t>(*i);
    std::string cents = std::to_string(magnitude % 100);
    if (cents.size() < 2) cents.insert(0, "0");
    return (*i < 0 ? "-" : "") + std::to_string(magnitude / 100) + "." + cents;
  }
  if (const auto* d = std::get_if<double>(&value)) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", *d);
    return buffer;
  }
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  return std::get<std::string>(value);
}

}  // namespace fieldsync
