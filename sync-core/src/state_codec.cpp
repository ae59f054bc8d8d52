#include "fieldsync/core/state_codec.hpp"

#include "fieldsync/core/error.hpp"

namespace fieldsync {

void validate_state(const Schema& schema, const RecordState& state) {
  const auto& collection = schema.require(state.collection);
  if (state.id.is_nil()) throw Error(ErrorCode::kInvalidValue, "the record id is empty");
  const FieldState* previous = nullptr;
  for (const auto& f : state.fields) {
    const FieldSchema* field = collection.field(f.name);
    if (!field) {
      throw Error(ErrorCode::kUnknownField, "collection '" + collection.name + "' has no field '" + f.name + "'");
    }
    if (previous && !(previous->name < f.name)) {
      throw Error(ErrorCode::kCorruptData, "field '" + f.name + "' is repeated or out of order");
    }
    if (f.siblings.empty()) throw Error(ErrorCode::kCorruptData, "field '" + f.name + "' has no value");
    const Sibling* before = nullptr;
    for (const auto& s : f.siblings) {
      if (s.dot.counter == 0) throw Error(ErrorCode::kCorruptData, "field '" + f.name + "': a sibling has no dot");
      validate_value(*field, s.value);
      // Every sibling's write must be inside the causal context that carries it.
      if (!state.vv.contains(s.dot)) {
        throw Error(ErrorCode::kCorruptData, "field '" + f.name + "': a sibling's dot is outside the version vector");
      }
      if (before && !(before->dot < s.dot)) {
        throw Error(ErrorCode::kCorruptData, "field '" + f.name + "': two values for one write, or siblings out of order");
      }
      before = &s;
    }
    previous = &f;
  }
}

}  // namespace fieldsync
