// XXH3 (libxxhash): fast on short inputs, and its 64-bit output is stable across versions
// and platforms, so a phone and the server compute the same digest of the same bytes.
#include <xxhash.h>

#include "fieldsync/core/state_codec.hpp"

namespace fieldsync {

std::uint64_t wire_state_digest(std::string_view wire_bytes) {
  return XXH3_64bits(wire_bytes.data(), wire_bytes.size());
}

}  // namespace fieldsync
