#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "fieldsync/core/record_state.hpp"
#include "fieldsync/server/limits.hpp"

namespace fieldsync::server {

// The per-record limits of a push (Limits::max_record_bytes, max_siblings_per_field,
// max_version_vector_entries). Each returns why a record is refused (Error kTooLarge), or
// nothing. The byte check runs on the serialised state, before it is decoded: it is what
// keeps an 8 MB record from being decoded and merged at all.
std::optional<std::string> record_bytes_refusal(const Limits& limits, std::string_view wire_state);
std::optional<std::string> record_shape_refusal(const Limits& limits, const RecordState& state);

}  // namespace fieldsync::server
