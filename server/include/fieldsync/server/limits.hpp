#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "fieldsync/core/causal_check.hpp"

namespace fieldsync::server {

// Every flow-control limit of the server in one place (configurable: docs/operations.md).
struct Limits {
  std::size_t max_frame_bytes = 8 * 1024 * 1024;  // a larger WebSocket message is refused
  std::size_t max_batch_records = 1000;           // records per push and per pull batch
  std::size_t send_queue_messages = 64;           // per session; a client that lets it fill is disconnected
  std::size_t send_queue_bytes = 4 * 1024 * 1024;  // likewise in bytes (one larger message still goes alone)
  std::chrono::milliseconds handshake_timeout{10'000};  // upgrade + hello must finish within this
  std::chrono::milliseconds idle_timeout{60'000};       // no frame at all for this long: close
  std::chrono::milliseconds ping_interval{20'000};      // WebSocket ping while idle
  // A device clock further off gets a warning (never a refusal); pushed stamps further ahead
  // of the server clock are lowered to it.
  std::uint64_t max_clock_skew_ms = 5 * 60 * 1000;
  std::size_t max_connections_per_user = 16;
  std::size_t max_messages_per_second = 200;            // per session
  // A replica's counter in a pushed dot or its own version-vector entry; larger is refused
  // (kUnverifiedHistory): a forged counter would make the replica's later writes look old.
  std::uint64_t max_replica_counter = kMaxReplicaCounter;
  // How often the running server checks open connections against the store's tokens and
  // users (revocations, disabled users, changed territories made by the admin commands):
  // a revoked connection ends within about this long.
  std::chrono::milliseconds account_check_interval{1'000};
  std::size_t max_audit_text_bytes = 1024;  // per text (reason, field names) in one audit entry
};

}  // namespace fieldsync::server
