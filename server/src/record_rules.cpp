#include "record_rules.hpp"

#include <algorithm>

#include "fieldsync/core/reference_order.hpp"

namespace fieldsync::server {
namespace {

bool holds_dot(const FieldState* field, const Dot& dot) {
  if (!field) return false;
  return std::any_of(field->siblings.begin(), field->siblings.end(), [&](const Sibling& s) { return s.dot == dot; });
}

}  // namespace

bool is_tombstone(const CollectionSchema& collection, const RecordState& state) {
  const FieldState* f = state.field(kDeletedField);
  const FieldSchema* field = collection.field(kDeletedField);
  if (!f || !field) return false;
  const bool* deleted = std::get_if<bool>(&resolve(*field, f->siblings).value);
  return deleted && *deleted;
}

std::optional<Error> missing_required_field(const CollectionSchema& collection, const RecordState& merged) {
  if (is_tombstone(collection, merged)) return std::nullopt;
  for (const auto& field : collection.fields) {
    if (!field.required) continue;
    const FieldState* f = merged.field(field.name);
    if (!f || is_null(resolve(field, f->siblings).value)) {
      return Error(ErrorCode::kMissingField, "field '" + field.name + "' is required and cannot be empty");
    }
  }
  return std::nullopt;
}

bool writes_field(const RecordState& merged, const RecordState* stored, std::string_view field_name) {
  const FieldState* now = merged.field(field_name);
  if (!now) return false;
  const FieldState* before = stored ? stored->field(field_name) : nullptr;
  return std::any_of(now->siblings.begin(), now->siblings.end(),
                     [&](const Sibling& s) { return !holds_dot(before, s.dot); });
}

std::vector<WrittenReference> written_references(const CollectionSchema& collection, const RecordState& merged,
                                                 const RecordState* stored) {
  std::vector<WrittenReference> written;
  for (const auto& field : collection.fields) {
    if (field.type != FieldType::kReference) continue;
    const FieldState* now = merged.field(field.name);
    if (!now) continue;
    const FieldState* before = stored ? stored->field(field.name) : nullptr;
    for (const auto& s : now->siblings) {
      if (holds_dot(before, s.dot)) continue;
      const auto* text = std::get_if<std::string>(&s.value);
      if (!text) continue;  // NULL: no reference
      if (auto target = Uuid::parse(*text)) written.push_back({&field, *target});
    }
  }
  return written;
}

void put_parents_first(const Schema& schema, std::vector<RecordState>& states, std::vector<std::size_t>& origin) {
  const auto ranks = reference_depths(schema);
  auto rank_of = [&](const RecordState& state) {
    auto it = ranks.find(state.collection);
    return it == ranks.end() ? 0 : it->second;  // an unknown collection is refused anyway
  };
  std::vector<std::size_t> order(states.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return rank_of(states[a]) < rank_of(states[b]); });
  std::vector<RecordState> sorted_states;
  std::vector<std::size_t> sorted_origin;
  sorted_states.reserve(states.size());
  sorted_origin.reserve(origin.size());
  for (std::size_t i : order) {
    sorted_states.push_back(std::move(states[i]));
    sorted_origin.push_back(origin[i]);
  }
  states = std::move(sorted_states);
  origin = std::move(sorted_origin);
}

}  // namespace fieldsync::server
