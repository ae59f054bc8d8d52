#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
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
  // Ends the connection: `error` (a fatal Error envelope) goes out after what is queued,
  // then the connection closes, and no frame of it is handled any more. Same rules as
  // deliver(). This default only delivers it (a client closes on a fatal error).
  virtual void end(proto::Envelope error) { deliver(std::move(error)); }
};

// One connection's protocol state, owned by its session.
struct Connection {
  std::uint64_t id = 0;
  Principal principal;
  std::optional<ReplicaId> replica;  // set by a successful hello
  std::weak_ptr<SessionSink> sink;
  std::string epoch;  // the replica epoch its welcome handed out
  std::uint64_t principal_version = 0;  // which of the service's account checks `principal` is from
};

// What one check of the open connections against the store's accounts did.
struct AccountCheck {
  std::size_t ended = 0;     // connections whose token or user no longer authenticates
  std::size_t rescoped = 0;  // connections whose user's territories or role changed
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

  // Checks the open connections again when the store's accounts changed since the last
  // check (Store::accounts_generation: a token revoked, a user disabled or given other
  // territories, also by an admin command in another process). A connection whose token
  // or user no longer authenticates gets a fatal Error kUnauthenticated and is closed
  // (SessionSink::end); one whose user now reads other records is sent a resync (a live
  // Batch with `resync`) and reads with the new scope from then on. Cheap when nothing
  // changed (one read of the generation). The server runs it on a timer of its own
  // (Limits::account_check_interval); hello, push and pull run the same check for their
  // own connection first, so a revoked connection's next request is refused at once.
  AccountCheck check_accounts();

  const Limits& limits() const { return limits_; }
  Store& store() { return *store_; }

 private:
  Reply hello(Connection& connection, const proto::Envelope& message);
  Reply push(Connection& connection, const proto::Envelope& message);
  Reply pull(Connection& connection, const proto::Envelope& message);

  // Account checks (sync_service_accounts.cpp).
  struct OpenConnection {
    Principal principal;  // what it stands for as of the last check
    std::uint64_t principal_version = 0;
    std::uint64_t checked_generation = 0;  // the accounts generation it was last checked at
    std::string refusal;                    // non-empty: why it no longer authenticates
    // Its scope changed while it was not live: the pages it pulled may be of the old one,
    // so it is sent a resync when its pull catches up (unless it pulls from 0 meanwhile).
    bool resync_due = false;
    std::weak_ptr<SessionSink> sink;
  };
  struct TokenLookup {
    std::optional<Principal> principal;
    std::string refusal;
  };
  struct AccountAction {
    std::shared_ptr<SessionSink> sink;
    proto::Envelope message;
    bool end = false;
  };
  // Refuses a request of a connection whose token or user no longer authenticates (checking
  // its token again if the accounts changed), and brings `connection.principal` up to date.
  std::optional<Reply> account_gate(Connection& connection);
  TokenLookup look_up_token(const std::string& token_id);
  // Applies a token's lookup to every open connection of it not yet checked at
  // `generation`. Call with mutex_ held; the actions are for after its release.
  void apply_lookup(const std::string& token_id, const TokenLookup& lookup, std::uint64_t generation,
                    std::vector<AccountAction>& actions, AccountCheck& done);
  void run_actions(std::vector<AccountAction>& actions);
  // `connection.principal` as the latest check left it. Call with mutex_ held.
  const Principal& current_principal(Connection& connection);
  // Whether the replica last pulled from 0 under another scope than `who` reads now.
  bool pulled_under_other_scope(const ReplicaId& replica, const ReplicaCheck& check, const Principal& who);
  // Under mutex_: whether `id` owes a resync (see OpenConnection::resync_due); clears it.
  bool take_resync_due(std::uint64_t id);
  proto::Envelope resync_batch(std::uint64_t to_seq) const;
  // Sends each live connection the committed changes it may read. Call with mutex_ held.
  // The sinks it delivered to (or found) are appended to `keep_alive`, which the caller
  // must destroy only after releasing mutex_: dropping the last reference to a session
  // runs its destructor, which calls disconnect() and would deadlock under the lock.
  // `pusher`: the connection whose push made the commit, and the states it pushed.
  struct Pusher {
    std::uint64_t connection = 0;
    const std::vector<RecordState>* states = nullptr;
    // Records whose stamps the server lowered: the pusher does not hold them as stored.
    const std::set<std::pair<std::string, RecordId>>* altered = nullptr;
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
  std::map<std::uint64_t, OpenConnection> open_;  // every connected connection, by id
};

}  // namespace fieldsync::server
