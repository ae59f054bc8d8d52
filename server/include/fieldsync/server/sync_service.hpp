#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fieldsync/core/clock.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/server/limits.hpp"
#include "fieldsync/server/metrics.hpp"
#include "fieldsync/server/principal.hpp"
#include "fieldsync/server/scope.hpp"
#include "fieldsync/server/store.hpp"
#include "fieldsync/sync.pb.h"

namespace fieldsync::server {

// Where live changes for one connection go. Implemented by the WebSocket session:
// deliver() may be called from any thread and runs while the SyncService holds its lock
// (so that every connection gets live batches in commit order): it must not block and
// must not call back into the SyncService. The service keeps the sink alive (a locked
// shared_ptr) until after it released the lock, so a session's destructor, which calls
// disconnect(), never runs inside deliver's caller. A session whose bounded queue is full
// closes itself (the client then reconnects and pulls from its checkpoint, so nothing is
// lost).
class SessionSink {
 public:
  virtual ~SessionSink() = default;
  virtual void deliver(proto::Envelope message) = 0;
};

// One connection's protocol state, owned by its session.
struct Connection {
  std::uint64_t id = 0;
  Principal principal;
  std::optional<ReplicaId> replica;  // set by a successful hello
  std::weak_ptr<SessionSink> sink;
  std::string epoch;  // the replica epoch its welcome handed out
};

// What to send back for one received frame, in order; `close` after sending them.
struct Reply {
  std::vector<proto::Envelope> messages;
  bool close = false;
};

// The server side of the sync protocol, free of I/O: authentication, handshake, push
// (scope check, merge, audit, ack after commit), pull (scope-filtered pages) and live
// fan-out to caught-up connections. Thread-safe.
class SyncService {
 public:
  SyncService(Store& store, const Schema& schema, Limits limits, Metrics& metrics, const Clock& clock);

  // The principal behind a bearer token; throws Error(kUnauthenticated) saying why not.
  Principal authenticate(std::string_view token);

  // A new authenticated connection. Call disconnect() when it ends. Throws
  // Error(kRateLimited) when the user already holds the configured number of connections.
  Connection connect(Principal principal, std::weak_ptr<SessionSink> sink);
  void disconnect(const Connection& connection);

  // Decodes and handles one binary frame. Never throws: every error becomes an Error
  // envelope (fatal ones set Reply::close).
  Reply handle_frame(Connection& connection, std::string_view frame);
  Reply handle(Connection& connection, const proto::Envelope& message);

  static proto::Envelope error_message(ErrorCode code, const std::string& text, bool fatal,
                                       std::uint64_t request_id = 0);

  // Records the checkpoints the pulls since the last call showed (kept in memory until
  // then: a write per pull would cost an fsync each; losing them only delays collection).
  void flush_checkpoints();
  // flush_checkpoints(), then the store's tombstone collection with this horizon.
  TombstoneCollection collect_tombstones(std::uint64_t horizon_ms);

  const Limits& limits() const { return limits_; }
  Store& store() { return *store_; }

 private:
  Reply hello(Connection& connection, const proto::Envelope& message);
  Reply push(Connection& connection, const proto::Envelope& message);
  Reply pull(Connection& connection, const proto::Envelope& message);
  // Sends each live connection the committed changes it may read. Call with mutex_ held.
  // The sinks it delivered to (or found) are appended to `keep_alive`, which the caller
  // must destroy only after releasing mutex_: dropping the last reference to a session
  // runs its destructor, which calls disconnect() and would deadlock under the lock.
  // `pusher`: the connection whose push made the commit, and the states it pushed.
  struct Pusher {
    std::uint64_t connection = 0;
    const std::vector<RecordState>* states = nullptr;
  };
  void publish(const std::vector<CommittedChange>& committed, std::uint64_t head,
               std::span<const TerritoryMove> moves, std::vector<std::shared_ptr<SessionSink>>& keep_alive,
               const Pusher& pusher);
  // Records the moves among the committed changes; returns them.
  std::vector<TerritoryMove> note_moves(const std::map<std::pair<std::string, RecordId>, TerritoryMove>& moving,
                                        const std::vector<CommittedChange>& committed);
  // The head when `replica` last began a pull from 0, as far as anyone noted it.
  std::uint64_t full_pull_seq(const ReplicaId& replica, const ReplicaCheck& check);
  // Whether records moved into or out of `who`'s territories after `full_pull_seq`.
  bool scope_changed_since(const Principal& who, std::uint64_t full_pull_seq);
  static bool scope_changed_by(const Principal& who, std::span<const TerritoryMove> moves);

  struct LiveSubscriber {
    Principal principal;
    std::weak_ptr<SessionSink> sink;
  };

  Store* store_;
  const Schema* schema_;
  Limits limits_;
  Metrics* metrics_;
  const Clock* clock_;
  ScopePolicy scope_;
  // Serialises pushes with live publication and the last page of a pull with live
  // registration, so that a connection sees every commit exactly once and in order.
  std::mutex mutex_;
  std::uint64_t next_connection_ = 1;
  std::map<std::uint64_t, LiveSubscriber> live_;
  std::map<std::string, std::size_t> connections_per_user_;
  std::map<ReplicaId, ReplicaCheckpoint> pulled_;  // what pulls said, not yet recorded
};

}  // namespace fieldsync::server
