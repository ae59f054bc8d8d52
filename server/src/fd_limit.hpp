#pragma once

#include <cstddef>
#include <cstdint>

#include "fieldsync/server/limits.hpp"

namespace fieldsync::server {

// Descriptors kept for what is not a client connection: the store's files, the log, the
// listening socket, epoll and timers, and the socket of a connection being refused.
inline constexpr std::uint64_t kReservedDescriptors = 64;

// Raises the process's soft RLIMIT_NOFILE to its hard limit (most systems start services
// at 1024 soft, with a far higher hard limit) and returns the soft limit now in force.
std::uint64_t raise_descriptor_limit();

// The connection caps in force with `descriptors` available: max_connections (0: derived)
// is kept below the descriptor limit, and the per-address cap within the total.
struct ConnectionCaps {
  std::size_t total = 0;
  std::size_t per_address = 0;
  bool lowered = false;  // a configured max_connections was above what the descriptors allow
};
ConnectionCaps connection_caps(const Limits& limits, std::uint64_t descriptors);

}  // namespace fieldsync::server
