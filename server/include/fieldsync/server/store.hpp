#pragma once

#include <filesystem>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/record_state.hpp"
#include "fieldsync/core/state_digest.hpp"
#include "fieldsync/core/territory_filter.hpp"
#include "fieldsync/server/principal.hpp"

namespace fieldsync::server {

struct DeviceRecord {
  std::string replica;  // replica id text
  std::string user;
};

struct UserRecord {
  std::string name;
  Role role = Role::kRep;
  std::vector<std::string> territories;
  bool disabled = false;  // cannot authenticate; `user disable` / `user enable`
  // How people see the user in history and conflicts ("Anna Weber"); empty: the name.
  std::string display_name{};
};

struct IssuedToken {
  std::string token;     // shown once; the store keeps only its hash
  std::string token_id;  // short public id, for `token revoke`
  std::uint64_t expires_ms = 0;
};

struct TokenInfo {
  std::string token_id;
  std::string user;
  std::uint64_t issued_ms = 0;
  std::uint64_t expires_ms = 0;
  bool revoked = false;
};

// A one-time enrolment code (`fieldsync-server enrol`): a phone exchanges it once, within
// its lifetime, for a fresh token of `user`. Only its hash is stored.
struct EnrolmentCode {
  std::string user;
  std::string code_hash;  // enrolment_code_hash() of the normalised code
  std::uint64_t created_ms = 0;
  std::uint64_t expires_ms = 0;
  std::uint64_t token_ttl_ms = 0;  // the lifetime of the token it is exchanged for
};

// What redeem_enrolment_code did: issued a token, or why not.
enum class EnrolmentStatus {
  kIssued,
  kUnknown,       // no such code (a mistyped or guessed one)
  kUsed,          // exchanged before: a code works once
  kExpired,
  kReplaced,      // a newer code was issued for the same user
  kUserDisabled,
};

struct EnrolmentExchange {
  EnrolmentStatus status = EnrolmentStatus::kUnknown;
  std::string user;     // the code's user; empty for kUnknown
  IssuedToken token{};  // kIssued only
};

enum class ReplicaStatus {
  kNew,               // first time seen: registered
  kKnown,             // its epoch is the current or the pending one, its counter is not behind
  kCounterWentBack,   // a restored backup or a copied database: must take a new id
  kOtherUser,         // registered by another user: refused, nothing recorded
};

// What one round of tombstone collection did.
struct TombstoneCollection {
  std::uint64_t up_to_seq = 0;     // every replica waited for had pulled this far
  std::size_t replicas_waited_for = 0;  // seen within the horizon
  std::size_t records = 0;         // tombstones removed
  std::uint64_t collected_seq = 0;  // the store's collected_seq() afterwards
};

struct ReplicaCheckpoint {
  ReplicaId replica;
  std::uint64_t checkpoint = 0;
  std::uint64_t full_pull_seq = 0;  // the head when it last began a pull from 0 (0: none noted)
  // The reader's scope (scope_key) that pull from 0 ran under; empty: none noted.
  std::string full_pull_scope{};
};

struct ReplicaCheck {
  ReplicaStatus status = ReplicaStatus::kNew;
  std::string epoch;  // accepted: the replica's next epoch, for the welcome
  std::uint64_t full_pull_seq = 0;  // the head when it last pulled from 0 (note_full_pull)
  std::string full_pull_scope{};   // the scope that pull ran under (empty: not known)
};

// A committed change that took a record from one territory to another.
struct TerritoryMove {
  std::uint64_t seq = 0;
  std::string from;
  std::string to;
};

// Why one pushed record was refused.
struct PushRefusal {
  std::size_t index = 0;
  ErrorCode code = ErrorCode::kForbidden;
  std::string reason;
};

// A change committed to the store, for live fan-out.
struct CommittedChange {
  RecordState state;
  std::uint64_t seq = 0;
};

struct PushResult {
  std::vector<PushRefusal> refused;
  std::vector<CommittedChange> committed;  // records whose state changed
  std::uint64_t head = 0;                  // server sequence after the commit
  std::size_t conflicts_opened = 0;
};

// What a reader's scope can contain (ScopePolicy::read_scope): changes_since reads only
// those changes, through indexes, instead of every change to judge each. Unset `only`:
// everything (supervisors, admins, live fan-out). The ReadCheck stays the authority over
// the states a page carries: the scope may let through more than it does, never less. Held
// states a store compares by stored digest are judged by the scope alone (changes_since).
struct ReadScope {
  std::optional<TerritoryFilter> only;
};

struct ChangePage {
  std::vector<RecordState> states;
  std::vector<std::uint64_t> seqs;  // each state's server sequence
  // The changes changes_since's HeldStates named: their digests and
  // sequences, in sequence order (apart from `states`).
  std::vector<StateDigest> held;
  std::vector<std::uint64_t> held_seqs;
  std::uint64_t to_seq = 0;
  bool more = false;
};

// One field's change in an audit entry, in shown values (format_value's text, cut to
// max_audit_text_bytes; nullopt: NULL, or no value before the record existed).
struct FieldChange {
  std::string field;
  std::optional<std::string> old_value;  // shown before the change
  std::optional<std::string> new_value;  // shown after it
  // conflict_opened: the concurrent values now; conflict_settled: those the write replaced.
  std::vector<std::optional<std::string>> values{};

  friend bool operator==(const FieldChange&, const FieldChange&) = default;
};

struct AuditEntry {
  std::uint64_t at_ms = 0;
  std::uint64_t seq = 0;           // server sequence of the change (0 for refusals)
  std::string user;
  std::string replica;             // replica id text
  std::string collection;
  std::string id;
  std::string action;              // accepted, refused, conflict_opened, conflict_settled
  std::vector<std::string> fields;
  std::string detail;              // a refusal's reason
  // accepted: each field whose shown value changed; conflict_opened and conflict_settled:
  // each field concerned. Empty for refusals: a refused record's values are not kept.
  std::vector<FieldChange> changes{};
  std::string display_name{};      // the user's, as it is now (read from the users)
};

struct PushContext {
  std::string user;
  ReplicaId replica;
  std::uint64_t now_ms = 0;
  std::string epoch;  // the one register_replica handed this session
};

// A listener registered with Store::on_commit. Destroying it (or reset()) unregisters the
// listener: it is not called afterwards, and a call in progress finishes first. Move-only.
class CommitSubscription {
 public:
  CommitSubscription() = default;
  // `cancel` unregisters the listener (and waits for a call in progress).
  explicit CommitSubscription(std::function<void()> cancel) : cancel_(std::move(cancel)) {}
  CommitSubscription(CommitSubscription&& other) noexcept : cancel_(std::exchange(other.cancel_, nullptr)) {}
  CommitSubscription& operator=(CommitSubscription&& other) noexcept {
    if (this != &other) {
      reset();
      cancel_ = std::exchange(other.cancel_, nullptr);
    }
    return *this;
  }
  CommitSubscription(const CommitSubscription&) = delete;
  CommitSubscription& operator=(const CommitSubscription&) = delete;
  ~CommitSubscription() { reset(); }

  void reset() {
    if (auto cancel = std::exchange(cancel_, nullptr)) cancel();
  }

 private:
  std::function<void()> cancel_;
};

// The server's storage. The embedded SQLite store implements it; a PostgreSQL store is to
// come, so nothing above this interface may assume SQLite. Implementations are
// thread-safe: calls come from the server's store workers (any thread).
class Store {
 public:
  // Decides, inside the push's transaction, whether the pusher may write `incoming` given the
  // stored state (nullptr if new); returns the refusal reason, or nullopt to accept.
  using WriteCheck = std::function<std::optional<PushRefusal>(const RecordState& incoming, const RecordState* stored)>;
  // Decides whether a reader may see a state (scope filter for pulls and live batches).
  using ReadCheck = std::function<bool(const RecordState& state)>;

  virtual ~Store() = default;

  // Validates, authorises, merges and audits a pushed batch in one transaction; returns
  // only after the commit. Refused records are audited with their reason. Throws
  // Error(kReplicaIdReused), writing nothing, if `context.epoch` is no longer the replica's
  // latest: another session of the same replica id (a copy) registered since.
  virtual PushResult push(const PushContext& context, std::span<const RecordState> records,
                          const WriteCheck& check) = 0;
  // States changed after `after_seq` within `scope` that `visible` lets through, at most
  // `limit`. Sequences must be visible in order: a page never reaches past a sequence that
  // is assigned but not yet committed, so that every change up to `to_seq` is either in the
  // page or filtered out by `scope` or `visible` (to_seq moves past other scopes' changes). Pulls and live fan-out both move a phone's
  // checkpoint to `to_seq` (with several servers on one database, a store that hands out
  // sequences before commit must stop its pages below the oldest one still in flight).
  //
  // With `held` (a pull from scratch that names the states it holds), the changes whose
  // state's digest it names go to ChangePage::held instead of `states`. A store that keeps
  // each state's digest compares it without decoding the state, so `scope` decides alone
  // for those (ScopePolicy::read_scope is exact: territory_reads.cpp follows the same
  // declarations as ScopePolicy::territory_of); one that hashes decoded states asks
  // `visible` first. Either way no state outside the scope is named held.
  virtual ChangePage changes_since(std::uint64_t after_seq, std::size_t limit, const ReadScope& scope,
                                   const ReadCheck& visible, const HeldStates& held) = 0;
  ChangePage changes_since(std::uint64_t after_seq, std::size_t limit, const ReadScope& scope,
                           const ReadCheck& visible) {
    return changes_since(after_seq, limit, scope, visible, {});
  }
  virtual std::optional<RecordState> get(const std::string& collection, const RecordId& id) = 0;
  // An alive record of `collection`, other than `except`, whose field `field` shows `value`
  // (what a `unique` field may not repeat), or nullopt. Inside a push's check it sees the
  // records merged earlier in the same push. Throws Error(kUnknownField) for a field the
  // schema does not declare.
  virtual std::optional<RecordId> alive_record_with(const std::string& collection, const std::string& field,
                                                    const Value& value, const RecordId& except) = 0;
  virtual std::uint64_t head() = 0;

  // Checks a replica at its hello. A counter below the highest one the server holds, or an
  // epoch other than the current one or the one handed out since (a welcome that arrived
  // but was never used), means the database was restored or copied. Otherwise hands out a
  // new epoch, pending until the replica's first push with it.
  // `checkpoint` is the one the hello carries: how far the replica has pulled.
  // A replica id belongs to the user who registered it first: another user presenting it
  // gets kOtherUser and changes nothing.
  virtual ReplicaCheck register_replica(const ReplicaId& replica, std::uint64_t counter, const std::string& epoch,
                                        std::uint64_t checkpoint, const std::string& user) = 0;
  // Replicas have applied the server's changes up to these checkpoints (their pulls say
  // so), and began pulls from 0 at these heads (once paged through, a replica holds its
  // whole scope as of then); recorded in one transaction. Neither moves back here.
  virtual void note_checkpoints(std::span<const ReplicaCheckpoint> checkpoints) = 0;
  virtual void note_territory_moves(std::span<const TerritoryMove> moves) = 0;
  // For each pair of territories, the latest move between them if it came after
  // `after_seq`, in sequence order.
  virtual std::vector<TerritoryMove> territory_moves_since(std::uint64_t after_seq) = 0;

  // Removes the tombstones (records whose resolved `_deleted` is true) that every replica
  // seen since `now_ms - horizon_ms` has pulled past. Replicas not seen for longer are not
  // waited for: at their next hello, collected_seq() tells them to resync from scratch.
  virtual TombstoneCollection collect_tombstones(std::uint64_t now_ms, std::uint64_t horizon_ms) = 0;
  // The highest sequence of any collected tombstone (0: none), sent in every welcome.
  virtual std::uint64_t collected_seq() = 0;

  // Throws kAlreadyExists, or kInvalidArgument for a bad display name (empty: the name).
  virtual void add_user(const UserRecord& user) = 0;
  virtual std::vector<UserRecord> users() = 0;
  // Every replica id the server has registered, with its user: the user directory names
  // the people behind the dots phones hold.
  virtual std::vector<DeviceRecord> devices() = 0;
  // Throws Error(kNotFound) for an unknown user, Error(kInvalidArgument) for a bad display
  // name (not UTF-8, over 100 characters, or holding a control character); empty: the user
  // name. No connection depends on it: accounts_generation() stays.
  virtual void set_user_display_name(const std::string& user, const std::string& display_name) = 0;
  // These three throw Error(kNotFound) for an unknown user; each change (and each
  // revoke_token) moves accounts_generation() on, in the same transaction.
  virtual void set_user_disabled(const std::string& user, bool disabled) = 0;
  virtual void set_user_territories(const std::string& user, const std::vector<std::string>& territories) = 0;
  virtual IssuedToken issue_token(const std::string& user, std::uint64_t ttl_ms, std::uint64_t now_ms) = 0;
  virtual bool revoke_token(const std::string& token_id) = 0;
  // Enrolment (docs/operations.md, "Enrolling a phone"). Stores a new code for its user and
  // makes the user's earlier unused codes kReplaced, in one transaction; codes that ended
  // long ago may be forgotten. Throws Error(kNotFound) for an unknown user.
  virtual void add_enrolment_code(const EnrolmentCode& code) = 0;
  // Exchanges the code with this hash, once: in one transaction, checks it (known, not
  // used, not replaced, not expired at `now_ms`, its user enabled), marks it used and
  // issues a token of its user as issue_token does. Refusals change nothing.
  virtual EnrolmentExchange redeem_enrolment_code(const std::string& code_hash, std::uint64_t now_ms) = 0;
  virtual std::vector<TokenInfo> tokens() = 0;
  // The principal a token stands for; throws Error(kUnauthenticated) saying why not
  // (unknown, revoked, expired, or its user disabled). The principal names the token's id.
  virtual Principal authenticate(const std::string& token, std::uint64_t now_ms) = 0;
  // The same for a token already authenticated once, by its id: what an open connection
  // stands for now. Throws Error(kUnauthenticated) saying why it no longer does.
  virtual Principal principal_of_token(const std::string& token_id, std::uint64_t now_ms) = 0;
  // Moves on with every revocation and every change to a user: the running server reads
  // it (cheaply) to learn that open connections must be checked again, also when the
  // change was made by an admin command in another process.
  virtual std::uint64_t accounts_generation() = 0;

  virtual std::vector<AuditEntry> history(const std::string& collection, const RecordId& id) = 0;
  // Removes the audit entries written before `before_ms`; returns how many went.
  virtual std::size_t prune_audit(std::uint64_t before_ms) = 0;

  // The commit signal that drives live fan-out: SyncService reads committed changes with
  // changes_since from where its live connections are, whenever `listener` is called.
  // The contract, for every store:
  //  - `listener` is called after a commit that gave records new sequences, once that
  //    commit is visible to changes_since (on any connection). Stores shared by several
  //    servers call it for the other servers' commits too (PostgreSQL: LISTEN/NOTIFY).
  //  - Calls may be coalesced (one for many commits), late, lost, or spurious: the signal
  //    only says "look again". The server also looks every account_check_interval, so a
  //    lost signal costs latency, never data.
  //  - It may be called on any thread, also from inside push() with the store's own locks
  //    held: it must return at once (post the work elsewhere) and never call the store.
  //  - Once the returned subscription is destroyed, it is not called again.
  // The default never calls: the server then learns of its own commits only (it signals
  // itself after each push) and of other writers' at its periodic look.
  virtual CommitSubscription on_commit(std::function<void()> listener) {
    (void)listener;
    return {};
  }

  // Names this incarnation of the store's data; a restore from a backup starts a new one
  // (sent in every welcome).
  virtual std::string generation() = 0;
  // An online, consistent copy of the whole store in `file`, taken while serving.
  virtual void backup(const std::filesystem::path& file) = 0;
};

}  // namespace fieldsync::server
