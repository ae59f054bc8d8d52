#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
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
#include "fieldsync/core/state_digest.hpp"
#include "fieldsync/server/limits.hpp"
#include "fieldsync/server/metrics.hpp"
#include "fieldsync/server/principal.hpp"
#include "fieldsync/server/scope.hpp"
#include "fieldsync/server/store.hpp"
#include "fieldsync/sync.pb.h"

namespace fieldsync::server {

// Where live changes for one connection go. Implemented by the WebSocket session:
// deliver() may be called from any thread and runs while the SyncService holds its lock
// (so that every connection gets live batches in sequence order): it must not block and
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
  // The pull from scratch under way (from its pull from 0 to its last page) named these
  // held states (Pull.held_digests), sorted: its pages leave them out.
  std::vector<StateDigest> held_digests;
  bool pulling_from_scratch = false;
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
// fan-out to caught-up connections. Thread-safe. Every call may wait on the store: the
// server makes them on its store workers, never on an I/O thread.
//
// Live fan-out reads the store by sequence (sync_service_fanout.cpp): each live
// connection is known to have been sent every change up to its own position; a pass reads
// changes_since(the lowest position) and sends each connection what it may read beyond
// its own, in sequence order. A pass runs whenever asked (request_fanout): by the store's
// commit signal (Store::on_commit: commits by this server or, for a shared database,
// another), after each push, and periodically, so a lost signal costs latency only.
class SyncService {
 public:
  // Runs a task elsewhere (the server: its store workers). It must not run the task
  // inside the call.
  using Executor = std::function<void(std::function<void()>)>;

  // With `fanout_executor`, fan-out passes run on it and the store's commit signal is
  // listened to. Without (tests and tools driving the service by hand), a pass runs on
  // the calling thread at the end of each push and each pull that goes live, and only
  // request_fanout() brings commits made elsewhere.
  SyncService(Store& store, const Schema& schema, Limits limits, Metrics& metrics, const Clock& clock,
              Executor fanout_executor = {});
  ~SyncService();  // stop_fanout()s
  SyncService(const SyncService&) = delete;
  SyncService& operator=(const SyncService&) = delete;

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

  // Asks for a fan-out pass: one starts (on the executor) unless one is running, which
  // then goes round once more. Never blocks with an executor. Thread-safe.
  void request_fanout();
  // No pass starts after it; waits for a running one; stops listening to the store.
  // Idempotent. Not from the executor's threads.
  void stop_fanout();

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
  // Fan-out (sync_service_fanout.cpp). Passes run one at a time: run_fanout loops while
  // requests keep coming. One pass pages from the lowest live position to the head.
  void run_fanout();
  void fanout_pass();
  // Sends each live connection at or past `from` the changes of `page` beyond its
  // position. Call with mutex_ held; returns whether a connection behind `from` needs
  // another pass. Sinks reached are appended to `keep_alive`, which the caller releases
  // only after mutex_ (dropping the last reference to a session runs its destructor,
  // which calls disconnect() and would deadlock under the lock).
  // `encoded` and `readers`: each state of the page on the wire, and who may read it.
  bool deliver_page(std::uint64_t from, const ChangePage& page, const std::vector<std::string>& encoded,
                    const std::vector<ScopePolicy::Readers>& readers, std::span<const TerritoryMove> moves,
                    std::vector<std::shared_ptr<SessionSink>>& keep_alive);
  // Marks the commits of a push on the pusher's live entry, if it is live (mutex_ taken
  // here): `altered` are records whose stamps the server lowered, which the pusher does
  // not hold as stored.
  void mark_own_commits(std::uint64_t connection, const std::vector<CommittedChange>& committed,
                        const std::vector<RecordState>& pushed,
                        const std::set<std::pair<std::string, RecordId>>& altered);
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
    // Every change up to here that it may read has been sent to it (or was in its pull).
    std::uint64_t position = 0;
    // Its own pushes' commits not yet passed: sequence -> whether it holds the stored
    // state already (then the record is not echoed back: sync_service_fanout.cpp).
    std::map<std::uint64_t, bool> own;
  };

  Store* store_;
  const Schema* schema_;
  Limits limits_;
  Metrics* metrics_;
  const Clock* clock_;
  ScopePolicy scope_;
  Executor executor_;
  // Held by a push from its commit until its territory moves are noted and its own
  // commits marked on its live entry; a fan-out pass takes it after reading a page, so
  // that what it sends of a local commit is decided with those notes in place.
  std::mutex commit_mutex_;
  // Guards the connection tables below. Never held across a store call.
  std::mutex mutex_;
  std::uint64_t next_connection_ = 1;
  std::map<std::uint64_t, LiveSubscriber> live_;
  std::map<std::string, std::size_t> connections_per_user_;
  std::map<ReplicaId, ReplicaCheckpoint> pulled_;  // what pulls said, not yet recorded
  std::map<std::uint64_t, OpenConnection> open_;  // every connected connection, by id
  std::uint64_t fanned_to_ = 0;  // the to_seq of the latest page a pass delivered (mutex_)

  // Lock-free: the store's signal may come with the store's own locks held.
  std::atomic<bool> fanout_requested_{false};
  std::atomic<bool> fanout_running_{false};
  std::atomic<bool> fanout_stopping_{false};
  std::mutex fanout_idle_mutex_;
  std::condition_variable fanout_idle_;
  CommitSubscription commit_signal_;  // last: dropped first
};

}  // namespace fieldsync::server
