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
  // One record's state, refused per record beyond these (Error too_large in the ack): a
  // record the size of a whole frame would hold the store for seconds while it merges.
  std::size_t max_record_bytes = 1024 * 1024;    // its serialised RecordState
  std::size_t max_siblings_per_field = 256;      // concurrent values of one field
  std::size_t max_version_vector_entries = 4096;  // replicas that ever wrote the record
  std::size_t send_queue_messages = 64;           // per session; a client that lets it fill is disconnected
  // Likewise in bytes; at least max_frame_bytes + send_queue_reserve_bytes(), so that the
  // reply to any legal request (an ack, then a full page) always fits.
  std::size_t send_queue_bytes = 12 * 1024 * 1024;
  std::chrono::milliseconds handshake_timeout{10'000};  // upgrade + hello must finish within this
  std::chrono::milliseconds idle_timeout{60'000};       // no frame at all for this long: close
  std::chrono::milliseconds ping_interval{20'000};      // WebSocket ping while idle
  // A device clock further off gets a warning (never a refusal); pushed stamps further ahead
  // of the server clock are lowered to it.
  std::uint64_t max_clock_skew_ms = 5 * 60 * 1000;
  std::size_t max_connections_per_user = 16;
  std::size_t max_messages_per_second = 200;            // per session
  // Messages of one session read but not yet answered (waiting for a store worker); one
  // more: fatal rate_limited. No phone needs more than three (a push, two pulls).
  std::size_t max_unanswered_messages = 8;
  // Held states one pull from scratch may name (Pull.held_digests), 16 bytes each kept for
  // its length: a supervisor's million records and then some.
  std::size_t max_held_digests = 2'000'000;
  // A replica's counter in a pushed dot or its own version-vector entry; larger is refused
  // (kUnverifiedHistory): a forged counter would make the replica's later writes look old.
  std::uint64_t max_replica_counter = kMaxReplicaCounter;
  // How often the running server checks open connections against the store's tokens and
  // users (revocations, disabled users, changed territories made by the admin commands):
  // a revoked connection ends within about this long.
  std::chrono::milliseconds account_check_interval{1'000};
  std::size_t max_audit_text_bytes = 1024;  // per text (reason, field names, each value) in one audit entry
  // Open TCP connections of any kind (HTTP, WebSocket, TLS handshakes), and from one remote
  // address. 0: derived at start from the process's descriptor limit (see fd_limit.hpp);
  // a configured value above what the descriptors allow is lowered to it.
  std::size_t max_connections = 0;
  std::size_t max_connections_per_address = 256;
};

// A rejection's reason in an ack is cut to this many bytes, so that an ack is bounded.
inline constexpr std::size_t kMaxRejectionReasonBytes = 200;

// The server's copies of refused records (Rejection.current) in one ack take at most this
// many bytes together; the rest are left out.
inline constexpr std::size_t kMaxAckServerCopyBytes = 256 * 1024;

// What the send queue must hold besides one full page: the largest ack (every record of a
// push refused, each with a reason, and the server's copies) and a few small messages
// (pong, error).
constexpr std::size_t send_queue_reserve_bytes(const Limits& limits) {
  constexpr std::size_t kPerRejection = kMaxRejectionReasonBytes + 24;  // index, code, copy's framing
  constexpr std::size_t kSmallMessages = 16 * 1024;
  return limits.max_batch_records * kPerRejection + kMaxAckServerCopyBytes + kSmallMessages;
}

}  // namespace fieldsync::server
