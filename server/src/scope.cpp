#include "fieldsync/server/scope.hpp"

#include "fieldsync/core/write_rules.hpp"
#include "record_rules.hpp"

namespace fieldsync::server {
namespace {

// Parents are followed at most this far: the domain has chains of two (order line ->
// order); a cycle in bad data must not loop.
constexpr int kMaxParentDepth = 4;

std::optional<std::string> text_value(const CollectionSchema& collection, const RecordState& state,
                                      const std::string& field_name) {
  const FieldSchema* field = collection.field(field_name);
  const FieldState* f = state.field(field_name);
  if (!field || !f) return std::nullopt;
  const auto* text = std::get_if<std::string>(&resolve(*field, f->siblings).value);
  if (!text) return std::nullopt;
  return *text;
}

// The one refusal a rep gets for a record outside their scope, whatever territory it is in
// and whether the server holds it or not.
Error outside_scope(const Principal& who, const CollectionSchema& collection) {
  std::string mine;
  for (const auto& t : who.territories) mine += (mine.empty() ? "" : ", ") + t;
  return Error(ErrorCode::kForbidden,
               "this " + collection.name + " record is outside your scope (your territories: " + mine + ")");
}

}  // namespace

std::optional<std::string> ScopePolicy::territory_of(const RecordState& state) const {
  const RecordState* current = &state;
  std::optional<RecordState> parent;
  for (int depth = 0; depth < kMaxParentDepth; ++depth) {
    const CollectionSchema* collection = schema_->collection(current->collection);
    if (!collection) return std::nullopt;
    if (!collection->territory_field.empty()) return text_value(*collection, *current, collection->territory_field);
    if (collection->scope_parent.empty()) return std::nullopt;
    auto parent_id = text_value(*collection, *current, collection->scope_parent);
    const FieldSchema* reference = collection->field(collection->scope_parent);
    if (!parent_id || !reference) return std::nullopt;
    auto id = Uuid::parse(*parent_id);
    if (!id) return std::nullopt;
    parent = store_->get(reference->references, *id);
    if (!parent) return std::nullopt;
    current = &*parent;
  }
  return std::nullopt;
}

ScopePolicy::Readers ScopePolicy::readers_of(const RecordState& state) const {
  const CollectionSchema* collection = schema_->collection(state.collection);
  if (!collection) return {};
  if (collection->read_only_for_reps) return {true, std::nullopt};
  return {false, territory_of(state)};
}

bool ScopePolicy::may_read(const Principal& who, const Readers& readers) {
  return who.sees_everything() || readers.everyone || (readers.territory && who.covers(*readers.territory));
}

bool ScopePolicy::may_read(const Principal& who, const RecordState& state) const {
  if (who.sees_everything()) return true;
  const CollectionSchema* collection = schema_->collection(state.collection);
  if (!collection) return false;
  if (collection->read_only_for_reps) return true;  // the catalogue is for everyone
  auto territory = territory_of(state);
  return territory && who.covers(*territory);
}

ReadScope ScopePolicy::read_scope(const Principal& who) const {
  if (who.sees_everything()) return {};
  // territory_of and the filter follow the same schema declarations: a territory field, or
  // a scope parent's territory.
  TerritoryFilter filter{who.territories, {}};
  for (const auto& collection : schema_->collections()) {
    if (collection.read_only_for_reps) filter.whole_collections.push_back(collection.name);
  }
  return {std::move(filter)};
}

std::optional<Error> ScopePolicy::write_refusal(const Principal& who, const RecordState& incoming,
                                                const RecordState* stored) const {
  const CollectionSchema* collection = schema_->collection(incoming.collection);
  if (!collection) return Error(ErrorCode::kUnknownCollection, "unknown collection '" + incoming.collection + "'");
  if (auto refusal = collection_refusal(*collection, role_name(who.role))) return refusal;
  const bool rep = !who.sees_everything();
  // Both the record as it is and as it would become must be in the rep's territories:
  // a rep may neither edit another territory's record nor move one into or out of theirs.
  // Checked first, so that nothing below judges (and tells of) a record the rep may not see.
  if (rep && stored && !may_read(who, *stored)) return outside_scope(who, *collection);
  const RecordState merged = stored ? merge(*stored, incoming) : incoming;
  if (auto missing = missing_required_field(*collection, merged)) return missing;
  if (auto refusal = reference_refusal(who, *collection, merged, stored)) return refusal;
  if (rep) {
    auto after = territory_of(merged);
    if (!after || !who.covers(*after)) return outside_scope(who, *collection);
  }
  if (auto mismatch = territory_mismatch(*collection, merged, stored)) return mismatch;
  return duplicate_refusal(*collection, merged, stored);
}

// Phones number orders in series of their own (order_numbers.hpp), so two never collide;
// this guards against a buggy or hostile client. Only a value the write brings is judged:
// duplicates stored before the rule stay editable in their other fields.
std::optional<Error> ScopePolicy::duplicate_refusal(const CollectionSchema& collection, const RecordState& merged,
                                                    const RecordState* stored) const {
  if (is_tombstone(collection, merged)) return std::nullopt;
  for (const auto& field : collection.fields) {
    if (!field.unique || !writes_field(merged, stored, field.name)) continue;
    const auto value = text_value(collection, merged, field.name);
    if (!value) continue;
    if (store_->alive_record_with(collection.name, field.name, Value(*value), merged.id)) {
      return Error(ErrorCode::kAlreadyExists, "field '" + field.name + "': " + *value + " is already the " + field.name +
                                                  " of another " + collection.name + " record");
    }
  }
  return std::nullopt;
}

// Only the references the write brings are judged: a record whose parent has since left
// the rep's scope (a customer handed to another rep) stays editable in its other fields.
std::optional<Error> ScopePolicy::reference_refusal(const Principal& who, const CollectionSchema& collection,
                                                    const RecordState& merged, const RecordState* stored) const {
  for (const auto& reference : written_references(collection, merged, stored)) {
    const std::string& target_collection = reference.field->references;
    auto target = store_->get(target_collection, reference.target);
    if (who.sees_everything()) {
      if (target) continue;
      return Error(ErrorCode::kNotFound, "field '" + reference.field->name + "' names " + target_collection + " " +
                                             reference.target.to_string() +
                                             ", which the server does not hold (is it synced?)");
    }
    // One text whether the record is missing or in another territory: no existence oracle.
    if (!target || !may_read(who, *target)) {
      return Error(ErrorCode::kForbidden, "field '" + reference.field->name + "': the " + target_collection +
                                              " record it names is outside your scope");
    }
  }
  return std::nullopt;
}

// A record with a territory of its own that references a record with a territory (an
// order and its customer) must be in that territory: otherwise the reps of one would see
// it without the other. Judged when the write brings either field, so that moving a
// customer does not make its orders unwritable until they are moved after it.
std::optional<Error> ScopePolicy::territory_mismatch(const CollectionSchema& collection, const RecordState& merged,
                                                     const RecordState* stored) const {
  if (collection.territory_field.empty()) return std::nullopt;
  const auto own = text_value(collection, merged, collection.territory_field);
  if (!own) return std::nullopt;  // a tombstone without one: nothing to keep together
  const bool territory_written = writes_field(merged, stored, collection.territory_field);
  for (const auto& field : collection.fields) {
    if (field.type != FieldType::kReference) continue;
    const CollectionSchema* target_collection = schema_->collection(field.references);
    if (!target_collection || (target_collection->territory_field.empty() && target_collection->scope_parent.empty())) {
      continue;  // it references a record without a territory (a product)
    }
    if (!territory_written && !writes_field(merged, stored, field.name)) continue;
    const auto target_text = text_value(collection, merged, field.name);
    const auto target_id = target_text ? Uuid::parse(*target_text) : std::nullopt;
    if (!target_id) continue;
    const auto target = store_->get(field.references, *target_id);
    if (!target) continue;  // reference_refusal has judged what this write brings
    const auto theirs = territory_of(*target);
    if (theirs && *theirs != *own) {
      return Error(ErrorCode::kInvalidValue, "field '" + collection.territory_field + "' must be the territory of the " +
                                                 field.references + " record that field '" + field.name +
                                                 "' names");
    }
  }
  return std::nullopt;
}

std::optional<TerritoryMove> ScopePolicy::move_of(const RecordState& incoming, const RecordState* stored) const {
  if (!stored) return std::nullopt;
  const CollectionSchema* collection = schema_->collection(incoming.collection);
  if (!collection) return std::nullopt;
  // Only a change to the field that decides the territory can move a record; most writes
  // leave it alone and cost one comparison here.
  const std::string& deciding = collection->territory_field.empty() ? collection->scope_parent : collection->territory_field;
  if (deciding.empty()) return std::nullopt;
  const FieldState* now = incoming.field(deciding);
  const FieldState* before = stored->field(deciding);
  if (!now || (before && *before == *now)) return std::nullopt;
  auto from = territory_of(*stored);
  auto to = territory_of(merge(*stored, incoming));
  if (!from || !to || *from == *to) return std::nullopt;
  return TerritoryMove{0, std::move(*from), std::move(*to)};
}

}  // namespace fieldsync::server
