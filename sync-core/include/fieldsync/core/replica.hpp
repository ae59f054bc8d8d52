#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fieldsync/core/clock.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/core/record_state.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/core/state_digest.hpp"
#include "fieldsync/core/territory_filter.hpp"

namespace fieldsync {

namespace sqlite {
class Database;
}

// A record as the app sees it: resolved values plus the replicated state behind them.
struct Record {
  const CollectionSchema* collection = nullptr;
  RecordState state;
  std::vector<Value> values;  // resolved, aligned with collection->fields
  std::uint64_t seq = 0;      // local change sequence of the last change
  bool pending = false;       // a local edit waits in the outbox
  bool deleted() const;
  // Resolved value of a field; throws Error(kUnknownField).
  const Value& value(std::string_view field) const;
};

// An open conflict: a field whose concurrent siblings disagree.
struct Conflict {
  std::string collection;
  RecordId id;
  std::string field;
  Value shown;                    // what the field's policy resolves to
  std::vector<Sibling> siblings;  // every concurrent value with its author and time
};

struct ListQuery {
  FieldValues equals;          // field = value, all must hold
  std::string order_by;        // a field name; empty: by id (creation order)
  bool descending = false;
  bool include_deleted = false;
  std::size_t limit = 0;       // 0: no limit
};

// A slice of the local change sequence.
struct ChangeBatch {
  std::vector<RecordState> states;
  std::vector<std::uint64_t> seqs;  // each state's change sequence
  // With HeldStates: the changes whose digest it names, left undecoded, and their
  // sequences, in sequence order (apart from `states`).
  std::vector<StateDigest> held;
  std::vector<std::uint64_t> held_seqs;
  std::uint64_t to_seq = 0;  // checkpoint to ask from next time
  bool more = false;         // the limit cut the batch short
};

struct RecordRejection {
  std::size_t index = 0;  // position in the merged batch
  std::string collection;
  std::string id;
  ErrorCode code = ErrorCode::kInvalidValue;
  std::string reason;
};

// What merging changed in one record (for audit logs and change notifications).
struct MergedRecord {
  std::size_t index = 0;  // position in the merged batch
  std::uint64_t seq = 0;  // the record's new change sequence
  bool inserted = false;
  std::vector<std::string> changed_fields;  // fields whose siblings changed
  std::vector<std::string> opened_conflicts;
  std::vector<std::string> settled_conflicts;  // fields in conflict before, no longer
  RecordState state;  // the merged state as stored
};

// How much Replica::merge reports: counts only, or also what changed in each record
// (the server's audit log and live fan-out need it; it costs a copy of every merged state).
enum class MergeDetail { kCounts, kPerRecord };

// Decides whether a valid received state may change the record: `stored` is what the
// replica holds of it (nullptr: nothing). An Error refuses it: it is left out of the merge
// and reported in MergeReport::rejected. Asked only for states that would change something,
// so re-sending what the replica holds is never refused.
using MergeGate = std::function<std::optional<Error>(const RecordState& incoming, const RecordState* stored)>;

struct MergeReport {
  std::size_t inserted = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;
  std::size_t conflicts_opened = 0;  // fields that were not in conflict before
  std::vector<RecordRejection> rejected;
  std::vector<MergedRecord> merged;  // with MergeDetail::kPerRecord: inserted and updated records, in batch order
  std::uint64_t last_seq = 0;
};

// A record waiting to be pushed: its current state and the counter of its last local edit.
struct OutboxEntry {
  RecordState state;
  std::uint64_t change = 0;
};

// Acknowledges an outbox entry up to `change`: a later edit stays queued.
struct OutboxAck {
  std::string collection;
  RecordId id;
  std::uint64_t change = 0;
};

// What the server holds of a refused record, as far as this replica knows.
struct ServerCopy {
  // False: the server did not say (an older server, a record refused before it was sent,
  // an ack without room for it, a malformed answer). Dismissing then keeps the local copy.
  bool known = false;
  // Known: the server's state; nullopt: the server holds none the user may read.
  std::optional<RecordState> state;
};

// A local edit the server refused (out of scope, invalid): kept so the user can see why,
// with the server's copy of the record, which dismissing it brings back.
struct PushRejection {
  std::string collection;
  RecordId id;
  ErrorCode code = ErrorCode::kForbidden;
  std::string reason;
  std::uint64_t at_ms = 0;
  ServerCopy server{};
};

// What Replica::dismiss_rejection did to the local record.
enum class Dismissal {
  kReverted,  // it now holds the server's state
  kRemoved,   // the server holds none (a refused creation): it is gone
  kKept,      // the server's state is not known: the local copy is left as it is
};

// What Replica::collect_tombstones removed.
struct CollectedTombstones {
  std::size_t records = 0;
  std::uint64_t max_seq = 0;  // the highest change sequence among them; 0 if none
};

// What Replica::correct_clock did.
struct ClockCorrection {
  std::int64_t previous_offset_ms = 0;
  std::int64_t offset_ms = 0;   // now in force
  std::size_t restamped = 0;    // siblings of unpushed local edits whose stamp changed
};

struct ReplicaOptions {
  const Clock* clock = nullptr;  // default: the system clock
  // Received stamps further ahead of our clock than this are not adopted (DESIGN: Clocks).
  std::uint64_t max_clock_skew_ms = 5 * 60 * 1000;
  // Synchronous=FULL makes each commit durable across power loss; NORMAL (WAL) only
  // across process crashes.
  bool durable_commits = false;
  // SQLite's page cache for this connection (allocated as it fills).
  std::size_t cache_kib = 32 * 1024;
  // Judge local writes by the schema's sales rules (write_rules.hpp) for the role the last
  // welcome named. Off: everything is left to the server (tests of the server's checks).
  bool judge_rules = true;
  // Keep the indexes that make changes_since with a TerritoryFilter read only the rows it
  // returns (a server's store, read by many reps); a phone reads everything it holds.
  bool territory_read_indexes = false;
};

// Who last signed in on this replica, as the server's welcome named them: the role local
// writes are judged for, and the user `$user` defaults name. Unset before the first sync.
inline constexpr std::string_view kSignedInUserSetting = "sync.user";
inline constexpr std::string_view kSignedInRoleSetting = "sync.role";
// Their territories, comma-separated (empty for all: supervisors and admins).
inline constexpr std::string_view kSignedInTerritoriesSetting = "sync.territories";

// One replica: a SQLite file (WAL) with a typed table per collection plus the engine's
// metadata (states, replica id, counter, clock, outbox, settings). Every write is one
// transaction: row, state and outbox entry together, or none of them.
// Not thread-safe: one thread owns a Replica.
class Replica {
 public:
  // Opens or creates a replica database; ":memory:" makes a private in-memory one.
  static Replica open(const std::string& path, const Schema& schema, ReplicaOptions options = {});

  Replica(Replica&&) noexcept;
  Replica& operator=(Replica&&) noexcept;
  ~Replica();

  const Schema& schema() const;
  ReplicaId replica_id() const;
  std::uint64_t counter() const;  // dot counter of the last local write, by any connection
  Hlc clock() const;            // the last stamp issued or adopted
  // The wall clock the replica stamps with: the device clock corrected by clock_offset_ms().
  std::uint64_t now_ms() const;
  std::uint64_t device_now_ms() const;  // the device clock as it is set, uncorrected
  std::int64_t clock_offset_ms() const;  // true time (the server's) minus the device clock
  std::uint64_t last_seq() const;  // local change sequence of the last change

  // Local writes. Values are validated against the schema; a bad one throws an Error naming
  // the field and nothing is written.
  RecordId create(std::string_view collection, const FieldValues& values);
  void create(std::string_view collection, const RecordId& id, const FieldValues& values);
  void update(std::string_view collection, const RecordId& id, const FieldValues& values);
  void remove(std::string_view collection, const RecordId& id);
  // Runs `body` in one transaction: every write inside commits together, or none does.
  void transaction(const std::function<void()>& body);
  // Takes back the last move of a lifecycle field (an order's or ticket's status) that
  // update() made on this record, while it has not left this replica: the record, its
  // state and its outbox entry are put back as they were before the move, in one
  // transaction (the entry is removed if nothing was pending then). One move per record is
  // remembered (a later move replaces it); it is forgotten once a push has read it, and
  // void once the record changed again (another write, a merge). Otherwise, and when no
  // move was made, Error(kNotFound) says why and nothing changes.
  void undo_last_move(std::string_view collection, const RecordId& id);
  // Whether undo_last_move would take a move back now.
  bool can_undo_move(std::string_view collection, const RecordId& id) const;

  std::optional<Record> get(std::string_view collection, const RecordId& id) const;
  // Just the replicated state (no resolved values, no outbox lookup): for merging code.
  std::optional<RecordState> state(std::string_view collection, const RecordId& id) const;
  std::vector<Record> list(std::string_view collection, const ListQuery& query = {}) const;
  std::vector<Conflict> conflicts() const;

  // States changed (locally or by merge) after `seq`, in sequence order.
  ChangeBatch changes_since(std::uint64_t seq, std::size_t limit = 0) const;
  // The same, of the records `filter` keeps only: to_seq still moves past the others.
  ChangeBatch changes_since(std::uint64_t seq, std::size_t limit, const TerritoryFilter& filter) const;
  // Either (no filter: every record), with the changes whose digest `held` names in
  // ChangeBatch::held (at most held.limit of them besides `limit` states): a pull from
  // scratch of a replica that holds them. A row's digest is stored with it, so a held row
  // is not decoded. An empty `held` checks nothing.
  ChangeBatch changes_since(std::uint64_t seq, std::size_t limit, const TerritoryFilter* filter,
                            const HeldStates& held) const;
  // Merges received states in one transaction. Invalid states, and those `gate` refuses,
  // are rejected one by one with a reason; the rest of the batch is merged. `wire_digests`,
  // if not empty, holds each incoming state's wire_state_digest, hashed by the caller from
  // the bytes it decoded (a pull's: the server sends canonical states), sparing an encoding
  // and a hash for each state stored as it came.
  MergeReport merge(std::span<const RecordState> incoming, MergeDetail detail = MergeDetail::kCounts,
                    const MergeGate& gate = {}, std::span<const StateDigest> wire_digests = {});

  // A load of many received states at once: a first sync, or a pull from scratch. See
  // BulkLoad below; merges made until it finishes use it.
  class BulkLoad;
  BulkLoad start_bulk_load();
  bool bulk_load_active() const;

  std::vector<OutboxEntry> outbox(std::size_t limit = 0) const;  // parents first (reference_order.hpp), then by edit
  // outbox(), read for a push: the moves of these records can no longer be undone (they may
  // reach the server), so undo_last_move never takes back what another replica may see.
  std::vector<OutboxEntry> outbox_for_push(std::size_t limit = 0);
  std::size_t outbox_size() const;
  void acknowledge(std::span<const OutboxAck> acks);
  // Queues every record for pushing again, as it is now (after the server was restored
  // from a backup it may lack writes it had acknowledged; merging makes the re-send safe).
  void requeue_all();

  // Tombstone collection (DESIGN: Change log and sync): removes for good the deleted
  // records whose last change is at or before `up_to_seq`, so that a state of one of them
  // arriving later is merged as a new record. The server calls it once every replica it
  // waits for has pulled past `up_to_seq`. Records with an edit in the outbox are kept.
  CollectedTombstones collect_tombstones(std::uint64_t up_to_seq);
  // Every record id of a collection, deleted ones included, in id order.
  std::vector<RecordId> record_ids(std::string_view collection) const;
  // Removes records for good, leaving no tombstone and nothing to push: after a resync from
  // scratch, the records the server no longer holds (collected tombstones, records that left
  // this replica's scope). A record with an edit in the outbox or a refusal on show is kept,
  // so nothing typed is lost. Returns how many were removed.
  std::size_t forget(std::string_view collection, std::span<const RecordId> ids);
  // A resync from scratch forgets, at its end, what it held and the full pull did not bring.
  // The records the pull brings are tallied in a temporary table of this connection (on a
  // temporary file past its page cache: temp_store = FILE), not in memory, so that a resync
  // of a million records needs no more memory than one of a thousand. Starting a tally
  // drops an earlier one; it lasts until forget_untallied() or the connection closes.
  void start_pull_tally();
  void tally_pulled(std::span<const RecordState> states);
  // The digests (wire_state_digest) of the states this replica holds, deleted records
  // included, at most `limit`, one after the other (kStateDigestBytes each): a pull from
  // scratch names them (Pull.held_digests) so that the server sends only what differs.
  // During a tally each is kept with its record, and tally_unchanged() tallies the
  // records of the digests the server says are unchanged (given the same way).
  std::string held_state_digests(std::size_t limit);
  void tally_unchanged(std::string_view digests);
  // forget() of every record of every collection that was not tallied; ends the tally.
  std::size_t forget_untallied();
  // Keeps the server's refusal of a pushed record, with what the server holds of it (newest
  // replaces older ones for it).
  void record_rejection(const std::string& collection, const RecordId& id, ErrorCode code, const std::string& reason,
                        const ServerCopy& server = {});
  std::vector<PushRejection> rejections() const;
  // States the server sent since (pulled, or pushed and accepted) are merged into the
  // server's copy kept with a refusal of their record, so that it stays what the server holds.
  void note_server_states(std::span<const RecordState> states);
  // The user has seen why a record was refused: in one transaction, drops the refusal and
  // the record's outbox entry, and puts the record back to the server's copy (or removes
  // it, if the server holds none). Other records are untouched. Throws Error(kNotFound) if
  // the record has no refusal, and Error(kInvalidArgument) for an unverified_history one
  // (it is held back and pushed again, not dismissed).
  Dismissal dismiss_rejection(std::string_view collection, const RecordId& id);
  // Withdraws a refusal of `code` for a record the server has since accepted.
  void clear_rejection(const std::string& collection, const RecordId& id, ErrorCode code);

  // For a database restored from a backup or copied to a second phone (the server answers
  // replica_id_reused): takes a fresh replica id and re-stamps the unpushed edits with it,
  // so that no dot of the old id is ever written twice with different values. Each
  // outbox record's own siblings get a new dot, and its context forgets the old id (its
  // pushed writes then meet the re-stamped ones as concurrent siblings: equal values show
  // no conflict, different ones are a conflict for review; nothing is lost).
  // Returns the new id.
  ReplicaId take_new_replica_id();

  // The sync server measured the device clock `offset_ms` behind true time (negative: ahead).
  // From now on the replica stamps with the corrected clock (the offset is kept in its
  // settings: it survives restarts and serves offline edits). The stamps of unpushed local
  // edits made since the last correction are shifted by the change of offset (they were
  // made with the clock as wrong as it is now; stamps a clock set back left pinned at the
  // HLC are not moved forward), and none is left beyond the corrected now; dots are unchanged. A change within `kClockToleranceMs` is ignored, so that network
  // delays do not re-stamp anything. Other replicas' siblings are never touched.
  ClockCorrection correct_clock(std::int64_t offset_ms);
  static constexpr std::int64_t kClockToleranceMs = 1000;

  // Small persistent key/value settings (sync checkpoint, server address, ...).
  std::optional<std::string> setting(std::string_view key) const;
  void set_setting(std::string_view key, std::string_view value);

  // Runs PRAGMA integrity_check; returns "ok" or SQLite's complaint.
  std::string integrity_check() const;

  // The connection, for tables that live beside the replica's (the server's users and
  // audit log) and for read-only queries (the app's reports). Its transactions join the
  // engine's. Never write the engine's own tables through it.
  sqlite::Database& database();

 private:
  struct Impl;
  explicit Replica(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A bulk load holds the replica's write transaction from start_bulk_load() until finish():
// every merge and write on this connection meanwhile joins it, so that the whole load and
// whatever is written with it (the sync checkpoint) commit once, or not at all. A process
// killed in the middle leaves the replica as it was before the load. Other connections to
// the file (the app's UI) read the last committed state throughout; their writes wait for
// the end of the load (SQLite's busy timeout) and fail if it outlasts it.
// For a collection that is empty when the load starts, received states are inserted without
// looking the record up first (a record that arrives twice is merged as usual), and the
// table's secondary indexes are dropped and built once by finish(): cheaper than keeping
// them up to date row by row. Collections that hold records keep their indexes.
// Destroying an unfinished load rolls it back.
class Replica::BulkLoad {
 public:
  BulkLoad(BulkLoad&& other) noexcept;
  BulkLoad& operator=(BulkLoad&&) = delete;
  ~BulkLoad();

  // Builds the dropped indexes again and commits.
  void finish();
  // Rolls back now (as the destructor does).
  void abort() noexcept;

 private:
  friend class Replica;
  explicit BulkLoad(Impl& impl) : impl_(&impl) {}
  Impl* impl_;
};

}  // namespace fieldsync
