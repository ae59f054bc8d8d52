#include "fieldsync/server/scope.hpp"

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

bool ScopePolicy::may_read(const Principal& who, const RecordState& state) const {
  if (who.sees_everything()) return true;
  const CollectionSchema* collection = schema_->collection(state.collection);
  if (!collection) return false;
  if (collection->read_only_for_reps) return true;  // the catalogue is for everyone
  auto territory = territory_of(state);
  return territory && who.covers(*territory);
}

std::optional<std::string> ScopePolicy::write_refusal(const Principal& who, const RecordState& incoming,
                                                      const RecordState* stored) const {
  if (who.sees_everything()) return std::nullopt;
  const CollectionSchema* collection = schema_->collection(incoming.collection);
  if (!collection) return "unknown collection '" + incoming.collection + "'";
  if (collection->read_only_for_reps) return "reps may not change " + collection->name;
  // Both the record as it is and as it would become must be in the rep's territories:
  // a rep may neither edit another territory's record nor move one into or out of theirs.
  if (stored) {
    auto before = territory_of(*stored);
    if (!before || !who.covers(*before)) {
      return "this " + collection->name + " record belongs to territory '" + before.value_or("?") +
             "', outside your territories";
    }
  }
  auto merged = stored ? merge(*stored, incoming) : incoming;
  auto after = territory_of(merged);
  if (!after) return "its territory cannot be determined (is its parent record synced?)";
  if (!who.covers(*after)) return "territory '" + *after + "' is outside your territories";
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
