#pragma once

#include <string>
#include <string_view>

#include "fieldsync/core/record_state.hpp"

namespace fieldsync {

// The wire form (wire_state.cpp): the protobuf encoding of fieldsync.proto.RecordState
// (record.proto), as sync messages and change files carry it in their `bytes records`.
std::string encode_wire_state(const RecordState& state);
void append_wire_state(std::string& out, const RecordState& state);
// Throws Error(kCorruptData) on malformed input, ids or dots; the result is canonical.
RecordState decode_wire_state(std::string_view bytes);
// The compact storage form of a state (state_bytes.cpp): what a replica keeps in its
// `_state` column. Deterministic: equal canonical states encode to equal bytes.
std::string encode_state(const RecordState& state);
// Throws Error(kCorruptData) if `bytes` is not an encoded state.
RecordState decode_state(std::string_view bytes);

// Checks a received state against the schema: known collection and fields, values of the
// right type, at least one sibling per field. Throws Error naming the field.
void validate_state(const Schema& schema, const RecordState& state);

}  // namespace fieldsync
