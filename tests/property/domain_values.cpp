#include "domain_values.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "fieldsync/core/error.hpp"

namespace fieldsync::test {
namespace {

// Fields the simulated reps edit most, so that the same field is often written concurrently.
bool is_hot(const CollectionSchema& collection, const std::string& field) {
  static const std::array<std::pair<const char*, const char*>, 5> hot = {{
      {"customers", "tier"}, {"customers", "phone"}, {"orders", "status"}, {"orders", "amount"}, {"orders", "notes"}}};
  return std::any_of(hot.begin(), hot.end(), [&](const auto& h) { return collection.name == h.first && field == h.second; });
}

bool is_declared(const FieldSchema& field) { return field.name != kDeletedField; }

}  // namespace

std::string DomainValues::text(std::size_t max_length) {
  static const std::array<const char*, 4> pool = {"north", "south", "east", "west"};
  std::string value = chance(0.25) ? "v" + std::to_string(++unique_) : pool[below(pool.size())];
  if (max_length && value.size() > max_length) value.resize(max_length);
  return value;
}

std::string DomainValues::reference(const std::string& collection) {
  std::vector<const RecordId*> known;
  for (const auto& [c, id] : references_) {
    if (c == collection) known.push_back(&id);
  }
  if (!known.empty() && chance(0.9)) return known[below(known.size())]->to_string();
  Uuid::Bytes bytes{};
  for (auto& b : bytes) b = static_cast<std::uint8_t>(below(256));
  return Uuid(bytes).to_string();
}

Value DomainValues::value_for(const FieldSchema& field) {
  if (!field.required && chance(0.08)) return std::monostate{};
  switch (field.type) {
    case FieldType::kText: return text(field.max_length);
    case FieldType::kInteger: return static_cast<std::int64_t>(below(20)) - 5;
    case FieldType::kMoney: return static_cast<std::int64_t>(below(6)) * 2500;
    case FieldType::kReal: return static_cast<double>(below(8)) / 4.0;
    case FieldType::kBoolean: return chance(0.5);
    case FieldType::kEnum: return field.values[below(field.values.size())];
    case FieldType::kReference: return reference(field.references);
    case FieldType::kDate: {
      char date[11];
      std::snprintf(date, sizeof date, "2026-%02zu-%02zu", 1 + below(12), 1 + below(28));
      return std::string(date);
    }
  }
  throw Error(ErrorCode::kInvalidArgument, "no generator for field '" + field.name + "'");
}

FieldValues DomainValues::create_values(const CollectionSchema& collection) {
  FieldValues values;
  for (const auto& field : collection.fields) {
    if (!is_declared(field)) continue;
    if (field.required || chance(0.5)) values.emplace_back(field.name, value_for(field));
  }
  return values;
}

const FieldSchema& DomainValues::pick_field(const CollectionSchema& collection) {
  std::vector<const FieldSchema*> hot;
  std::vector<const FieldSchema*> all;
  for (const auto& field : collection.fields) {
    if (!is_declared(field)) continue;
    all.push_back(&field);
    if (is_hot(collection, field.name)) hot.push_back(&field);
  }
  if (!hot.empty() && chance(0.6)) return *hot[below(hot.size())];
  return *all[below(all.size())];
}

FieldValues DomainValues::update_values(const CollectionSchema& collection) {
  FieldValues values;
  const std::size_t count = 1 + below(3);
  for (std::size_t i = 0; i < count; ++i) {
    const FieldSchema& field = pick_field(collection);
    bool taken = std::any_of(values.begin(), values.end(), [&](const auto& v) { return v.first == field.name; });
    if (!taken) values.emplace_back(field.name, value_for(field));
  }
  return values;
}

void DomainValues::add_reference(const std::string& collection, const RecordId& id) {
  references_.emplace_back(collection, id);
}

}  // namespace fieldsync::test
