#pragma once

#include <cstddef>

#include "fieldsync/server/limits.hpp"

namespace fieldsync::server {

// A record in a batch costs its bytes plus a field tag and a length prefix; an envelope
// costs a few fields besides its records.
inline constexpr std::size_t kRecordFramingBytes = 6;
inline constexpr std::size_t kEnvelopeBytes = 64;

// The record bytes one batch (a pull page or a live batch) may carry, so that a client
// taking the welcome's max_frame_bytes as its own can read it.
inline std::size_t page_budget_bytes(const Limits& limits) {
  return limits.max_frame_bytes > kEnvelopeBytes ? limits.max_frame_bytes - kEnvelopeBytes : 0;
}

}  // namespace fieldsync::server
