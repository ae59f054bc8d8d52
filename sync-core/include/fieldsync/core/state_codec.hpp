#pragma once

#include <string>
#include <string_view>

#include "fieldsync/core/record_state.hpp"
#include "fieldsync/record.pb.h"

namespace fieldsync {

// Between the engine's RecordState and its protobuf form (storage and wire).
proto::RecordState to_proto(const RecordState& state);
// Throws Error(kCorruptData) on malformed ids or dots; the result is canonical.
RecordState from_proto(const proto::RecordState& message);

// The compact storage form of a state (state_bytes.cpp): what a replica keeps in its
// `_state` column. Deterministic: equal canonical states encode to equal bytes.
std::string encode_state(const RecordState& state);
// Throws Error(kCorruptData) if `bytes` is not an encoded state.
RecordState decode_state(std::string_view bytes);

// Checks a received state against the schema: known collection and fields, values of the
// right type, at least one sibling per field. Throws Error naming the field.
void validate_state(const Schema& schema, const RecordState& state);

}  // namespace fieldsync
