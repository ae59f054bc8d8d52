#include "fieldsync/server/sqlite_store.hpp"

#include <charconv>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>

#include <spdlog/spdlog.h>

#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/sqlite.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "audit_changes.hpp"
#include "audit_text.hpp"
#include "display_name.hpp"
#include "enrolment_code.hpp"
#include "fieldsync/server/limits.hpp"
#include "log_fields.hpp"
#include "periodic_task.hpp"
#include "private_files.hpp"
#include "stored_lists.hpp"
#include "tokens.hpp"

namespace fieldsync::server {
namespace {

// The server's own tables, beside the replica's; numbered, each applied in one
// transaction, the number kept in the replica's settings.
constexpr const char* kMigrations[] = {
    R"sql(
      CREATE TABLE srv_users (
        name TEXT PRIMARY KEY NOT NULL,
        role TEXT NOT NULL,
        territories TEXT NOT NULL);
      CREATE TABLE srv_tokens (
        token_id TEXT PRIMARY KEY NOT NULL,
        secret_hash TEXT NOT NULL,
        user TEXT NOT NULL REFERENCES srv_users (name),
        issued_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE srv_replicas (
        replica_id TEXT PRIMARY KEY NOT NULL,
        user TEXT NOT NULL,
        max_counter INTEGER NOT NULL,
        first_seen_ms INTEGER NOT NULL,
        last_seen_ms INTEGER NOT NULL);
      CREATE TABLE srv_audit (
        entry INTEGER PRIMARY KEY,
        at_ms INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        user TEXT NOT NULL,
        replica TEXT NOT NULL,
        collection TEXT NOT NULL,
        id TEXT NOT NULL,
        action TEXT NOT NULL,
        fields TEXT NOT NULL,
        detail TEXT NOT NULL);
      CREATE INDEX srv_audit_by_record ON srv_audit (collection, id);
    )sql",
    // 2: replica epochs, to tell a copied database from the original.
    R"sql(
      ALTER TABLE srv_replicas ADD COLUMN epoch TEXT NOT NULL DEFAULT '';
    )sql",
    // 3: the store generation each replica last registered under (restores start a new one).
    R"sql(
      ALTER TABLE srv_replicas ADD COLUMN generation TEXT NOT NULL DEFAULT '';
    )sql",
    // 4: how far each replica has pulled, for tombstone collection.
    R"sql(
      ALTER TABLE srv_replicas ADD COLUMN checkpoint INTEGER NOT NULL DEFAULT 0;
    )sql",
    // 5: the epoch handed out in the last welcome, until the replica shows it has it.
    R"sql(
      ALTER TABLE srv_replicas ADD COLUMN pending_epoch TEXT NOT NULL DEFAULT '';
    )sql",
    // 6: the latest move of a record between each pair of territories, and when each
    // replica last pulled from 0. One row a pair: a reorganisation moving thousands of
    // customers costs every hello the same few rows.
    R"sql(
      CREATE TABLE srv_territory_moves (
        from_territory TEXT NOT NULL,
        to_territory TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (from_territory, to_territory)) WITHOUT ROWID;
      ALTER TABLE srv_replicas ADD COLUMN full_pull_seq INTEGER NOT NULL DEFAULT 0;
    )sql",
    // 7: users can be disabled; the scope each replica last pulled from 0 under (a user's
    // changed territories make it resync); audit entries by age, for retention.
    R"sql(
      ALTER TABLE srv_users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE srv_replicas ADD COLUMN full_pull_scope TEXT NOT NULL DEFAULT '';
      CREATE INDEX srv_audit_by_time ON srv_audit (at_ms);
    )sql",
    // 8: users' display names (the user name until one is set); audit entries keep each
    // changed field's shown values, old and new (encode_changes).
    R"sql(
      ALTER TABLE srv_users ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
      UPDATE srv_users SET display_name = name;
      ALTER TABLE srv_audit ADD COLUMN changes TEXT NOT NULL DEFAULT '';
    )sql",
    // 9: one-time enrolment codes, by the SHA-256 of the code; state open, used or
    // replaced; token_id names the token a used code was exchanged for.
    R"sql(
      CREATE TABLE srv_enrolment_codes (
        code_hash TEXT PRIMARY KEY NOT NULL,
        user TEXT NOT NULL REFERENCES srv_users (name),
        created_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL,
        token_ttl_ms INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'open',
        used_ms INTEGER NOT NULL DEFAULT 0,
        token_id TEXT NOT NULL DEFAULT '');
      CREATE INDEX srv_enrolment_codes_by_user ON srv_enrolment_codes (user);
    )sql",
};

constexpr std::string_view kMigrationSetting = "server.migration";
// Changes when the store is restored from a backup (restore_sqlite_store); replicas that
// see a new one re-send everything they hold.
constexpr std::string_view kGenerationSetting = "server.generation";
// The highest sequence of a collected tombstone (Store::collected_seq).
constexpr std::string_view kCollectedSeqSetting = "server.collected_seq";
// Moves on with every token revocation and user change (Store::accounts_generation).
constexpr std::string_view kAccountsGenerationSetting = "server.accounts_generation";
constexpr const char* kDatabaseFile = "fieldsync-server.db";
constexpr std::chrono::milliseconds kCheckpointInterval{250};

// A read transaction: the statements inside see one snapshot of the file (WAL), also when
// another connection commits meanwhile, so that a page's to_seq never passes a change it
// missed. Inside a transaction already open it does nothing.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(sqlite::Database& db) : db_(db), outermost_(sqlite3_get_autocommit(db.handle()) != 0) {
    if (outermost_) db_.exec("BEGIN");
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;
  // Ending a read writes nothing; should it fail all the same, a rollback ends it too.
  ~ReadSnapshot() {
    if (outermost_ && sqlite3_exec(db_.handle(), "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }

 private:
  sqlite::Database& db_;
  bool outermost_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(const std::filesystem::path& data_dir, const Schema& schema, const Clock& clock,
              const SqliteStoreOptions& options)
      : audit_text_bytes_(options.max_audit_text_bytes),
        clock_(&clock),
        replica_(open_replica(data_dir, schema, clock, options.durable)),
        db_(&replica_.database()) {
    migrate();
    if (!replica_.setting(kGenerationSetting)) replica_.set_setting(kGenerationSetting, random_hex(8));
    generation_ = *replica_.setting(kGenerationSetting);
    if (options.background_checkpoints) start_background_checkpoints(data_dir / kDatabaseFile, options.durable);
  }

  std::string generation() override {
    std::lock_guard lock(mutex_);
    return generation_;
  }

  void backup(const std::filesystem::path& file) override {
    std::lock_guard lock(mutex_);
    db_->backup_to(file.string());
  }

  // Only for restore_sqlite_store: the restored data is older than what replicas hold.
  void start_new_generation() {
    std::lock_guard lock(mutex_);
    generation_ = random_hex(8);
    replica_.set_setting(kGenerationSetting, generation_);
  }

  PushResult push(const PushContext& context, std::span<const RecordState> records, const WriteCheck& check) override {
    std::lock_guard lock(mutex_);
    PushResult result;
    replica_.transaction([&] {
      claim_epoch(context);
      // The scope check runs inside the merge, on the state the merge loaded: each record
      // is read and validated once. The gate passes every state the merge goes on to store,
      // in batch order, so the states it lets through are kept as the audit's "before".
      std::deque<std::optional<RecordState>> before;
      auto gate = [&](const RecordState& incoming, const RecordState* stored) -> std::optional<Error> {
        if (auto refusal = check(incoming, stored)) return Error(refusal->code, refusal->reason);
        before.push_back(stored ? std::optional<RecordState>(*stored) : std::nullopt);
        return std::nullopt;
      };
      MergeReport report = replica_.merge(records, MergeDetail::kPerRecord, gate);
      std::vector<bool> refused(records.size(), false);
      for (const auto& rejection : report.rejected) refused[rejection.index] = true;
      std::uint64_t pusher_counter = 0;
      for (std::size_t i = 0; i < records.size(); ++i) {
        if (!refused[i]) pusher_counter = std::max(pusher_counter, records[i].vv.get(context.replica));
      }
      // The audit log in batch order: refusals and accepted changes interleaved as pushed.
      auto rejection = report.rejected.begin();
      auto audit_refusals_before = [&](std::size_t index) {
        for (; rejection != report.rejected.end() && rejection->index < index; ++rejection) {
          // The reason and the field names, never the values: a refused record may be large.
          audit(context, 0, rejection->collection, rejection->id, "refused", field_names(records[rejection->index]),
                rejection->reason, {});
          result.refused.push_back({rejection->index, rejection->code, rejection->reason});
        }
      };
      for (auto& merged : report.merged) {
        audit_refusals_before(merged.index);
        const auto& state = merged.state;
        if (before.empty()) throw Error(ErrorCode::kInternal, "a merged record the push gate never saw");
        const std::optional<RecordState> was = std::move(before.front());
        before.pop_front();
        if (was && (was->collection != state.collection || was->id != state.id)) {
          throw Error(ErrorCode::kInternal, "the push gate saw the merged records in another order");
        }
        const RecordState* old_state = was ? &*was : nullptr;
        const ChangeDescriber describe(replica_.schema().require(state.collection), audit_text_bytes_);
        const std::string id = state.id.to_string();
        audit(context, merged.seq, state.collection, id, "accepted", merged.changed_fields, "",
              describe.shown_changes(old_state, state, merged.changed_fields));
        if (!merged.opened_conflicts.empty()) {
          audit(context, merged.seq, state.collection, id, "conflict_opened", merged.opened_conflicts, "",
                describe.opened(old_state, state, merged.opened_conflicts));
        }
        if (!merged.settled_conflicts.empty() && was) {
          audit(context, merged.seq, state.collection, id, "conflict_settled", merged.settled_conflicts, "",
                describe.settled(*was, state, merged.settled_conflicts));
        }
        result.committed.push_back({std::move(merged.state), merged.seq});
      }
      audit_refusals_before(records.size());
      result.conflicts_opened = report.conflicts_opened;
      if (pusher_counter) note_counter(context, pusher_counter);
    });
    result.head = replica_.last_seq();
    if (!result.committed.empty()) signal_commit();  // committed: visible to every connection now
    return result;
  }

  CommitSubscription on_commit(std::function<void()> listener) override {
    std::lock_guard lock(listeners_mutex_);
    const std::uint64_t id = next_listener_++;
    listeners_.emplace(id, std::move(listener));
    return CommitSubscription([this, id] {
      std::lock_guard unregister(listeners_mutex_);  // waits for a signal in progress
      listeners_.erase(id);
    });
  }

  using Store::changes_since;
  ChangePage changes_since(std::uint64_t after_seq, std::size_t limit, const ReadScope& scope,
                           const ReadCheck& visible, const HeldStates& held) override {
    std::lock_guard lock(mutex_);
    const ReadSnapshot snapshot(*db_);
    // Read in the snapshot: another connection to the file may have committed since this
    // one last wrote (its in-memory head is then behind).
    const std::uint64_t head = stored_seq();
    ChangePage page;
    page.to_seq = after_seq;
    auto room = [](std::size_t cap, std::size_t used) { return cap ? cap - used : 0; };  // 0: no limit
    do {
      // Held rows are compared by their stored digest, undecoded: the scope's SQL alone
      // picks them (Store::changes_since).
      ChangeBatch batch = replica_.changes_since(page.to_seq, room(limit, page.states.size()),
                                                 scope.only ? &*scope.only : nullptr,
                                                 {held.check, room(held.limit, page.held.size())});
      for (std::size_t i = 0; i < batch.states.size(); ++i) {
        if (!visible(batch.states[i])) continue;
        page.states.push_back(std::move(batch.states[i]));
        page.seqs.push_back(batch.seqs[i]);
      }
      page.held.insert(page.held.end(), batch.held.begin(), batch.held.end());
      page.held_seqs.insert(page.held_seqs.end(), batch.held_seqs.begin(), batch.held_seqs.end());
      page.to_seq = batch.to_seq;
      page.more = batch.more;
    } while (page.more && page.states.size() < limit && (!held.limit || page.held.size() < held.limit));
    if (!page.more) page.to_seq = std::max(page.to_seq, head);
    return page;
  }

  std::optional<RecordState> get(const std::string& collection, const RecordId& id) override {
    std::lock_guard lock(mutex_);
    if (!replica_.schema().collection(collection)) return std::nullopt;
    return replica_.state(collection, id);
  }

  std::optional<RecordId> alive_record_with(const std::string& collection, const std::string& field,
                                            const Value& value, const RecordId& except) override {
    std::lock_guard lock(mutex_);
    // Names go into the SQL only once the schema has vouched for them.
    if (!replica_.schema().require(collection).field(field)) {
      throw Error(ErrorCode::kUnknownField, collection + " has no field '" + field + "'");
    }
    auto& s = db_->cached("SELECT id FROM \"" + collection + "\" WHERE \"" + field +
                          "\" = ?1 AND _deleted = 0 AND id <> ?2 LIMIT 1");
    sqlite::ResetGuard reset(s);
    s.bind_value(1, value).bind(2, except.to_string());
    if (!s.step()) return std::nullopt;
    return Uuid::parse(s.column_text(0));
  }

  std::uint64_t head() override {
    std::lock_guard lock(mutex_);
    return stored_seq();
  }

  ReplicaCheck register_replica(const ReplicaId& replica, std::uint64_t counter, const std::string& epoch,
                                std::uint64_t checkpoint, const std::string& user) override {
    std::lock_guard lock(mutex_);
    const std::string id = replica.to_string();
    auto& select = db_->cached(
        "SELECT max_counter, epoch, pending_epoch, generation, full_pull_seq, user, full_pull_scope FROM srv_replicas "
        "WHERE replica_id = ?1");
    struct Known {
      std::uint64_t max_counter;
      std::string epoch;
      std::string pending_epoch;
      std::string generation;
      std::uint64_t full_pull_seq;
      std::string user;
      std::string full_pull_scope;
    };
    std::optional<Known> known;
    {
      sqlite::ResetGuard reset(select);
      select.bind(1, id);
      if (select.step()) {
        known = Known{static_cast<std::uint64_t>(select.column_int(0)), std::string(select.column_text(1)),
                      std::string(select.column_text(2)), std::string(select.column_text(3)),
                      static_cast<std::uint64_t>(select.column_int(4)), std::string(select.column_text(5)),
                      std::string(select.column_text(6))};
      }
    }
    // Writes under this id are that user's: another user may not write in their name.
    if (known && known->user != user) return {ReplicaStatus::kOtherUser, {}};
    // Epochs handed out after the backup a restored store was made from are unknown to it:
    // the first hello in a new generation is judged by its counter alone.
    const bool same_generation = known && (known->generation.empty() || known->generation == generation_);
    // The current epoch, or the pending one: a welcome that reached the replica before the
    // connection broke, and that it never got to use.
    const bool epoch_known =
        !same_generation || epoch == known->epoch || (!epoch.empty() && epoch == known->pending_epoch);
    if (known && (counter < known->max_counter || !epoch_known)) {
      return {ReplicaStatus::kCounterWentBack, {}};
    }
    // A checkpoint from another generation counts other changes: the replica starts over.
    const bool checkpoint_valid = same_generation && checkpoint <= stored_seq();
    ReplicaCheck check{known ? ReplicaStatus::kKnown : ReplicaStatus::kNew, random_hex(8),
                       checkpoint_valid && known ? known->full_pull_seq : 0,
                       checkpoint_valid && known ? known->full_pull_scope : std::string()};
    // The epoch presented is the one this replica certainly holds; the new one stays pending
    // until a push proves it arrived (claim_epoch). A pending one it replaces is void, which
    // is what stops a concurrent copy that got it.
    auto& upsert = db_->cached(
        "INSERT INTO srv_replicas (replica_id, user, max_counter, first_seen_ms, last_seen_ms, epoch, "
        "pending_epoch, generation, checkpoint) VALUES (?1, ?2, 0, ?3, ?3, ?4, ?5, ?6, ?7) "
        "ON CONFLICT (replica_id) DO UPDATE SET last_seen_ms = excluded.last_seen_ms, "
        "epoch = excluded.epoch, pending_epoch = excluded.pending_epoch, generation = excluded.generation, "
        "checkpoint = excluded.checkpoint");
    sqlite::ResetGuard reset(upsert);
    upsert.bind(1, id).bind(2, user).bind(3, now()).bind(4, epoch).bind(5, check.epoch).bind(6, generation_);
    upsert.bind(7, static_cast<std::int64_t>(checkpoint_valid ? checkpoint : 0));
    upsert.run();
    return check;
  }

  void note_territory_moves(std::span<const TerritoryMove> moves) override {
    std::lock_guard lock(mutex_);
    replica_.transaction([&] {
      auto& s = db_->cached(
          "INSERT INTO srv_territory_moves (seq, from_territory, to_territory) VALUES (?1, ?2, ?3) "
          "ON CONFLICT (from_territory, to_territory) DO UPDATE SET seq = max(seq, excluded.seq)");
      for (const auto& move : moves) {
        sqlite::ResetGuard reset(s);
        s.bind(1, static_cast<std::int64_t>(move.seq)).bind(2, move.from).bind(3, move.to);
        s.run();
      }
    });
  }

  std::vector<TerritoryMove> territory_moves_since(std::uint64_t after_seq) override {
    std::lock_guard lock(mutex_);
    auto& s = db_->cached(
        "SELECT seq, from_territory, to_territory FROM srv_territory_moves WHERE seq > ?1 ORDER BY seq");
    sqlite::ResetGuard reset(s);
    s.bind(1, static_cast<std::int64_t>(after_seq));
    std::vector<TerritoryMove> moves;
    while (s.step()) {
      moves.push_back({static_cast<std::uint64_t>(s.column_int(0)), std::string(s.column_text(1)),
                       std::string(s.column_text(2))});
    }
    return moves;
  }

  void note_checkpoints(std::span<const ReplicaCheckpoint> checkpoints) override {
    std::lock_guard lock(mutex_);
    replica_.transaction([&] {
      // last_seen_ms stays the hello's: these may be noted long after the pull.
      // The scope of the latest pull from 0 wins, even at an unchanged head (a user's
      // territories changed and nothing was committed since).
      auto& s = db_->cached(
          "UPDATE srv_replicas SET checkpoint = max(checkpoint, ?2), full_pull_seq = max(full_pull_seq, ?3), "
          "full_pull_scope = CASE WHEN ?4 = '' THEN full_pull_scope ELSE ?4 END WHERE replica_id = ?1");
      for (const auto& noted : checkpoints) {
        sqlite::ResetGuard reset(s);
        s.bind(1, noted.replica.to_string());
        s.bind(2, static_cast<std::int64_t>(std::min(noted.checkpoint, replica_.last_seq())));
        s.bind(3, static_cast<std::int64_t>(std::min(noted.full_pull_seq, replica_.last_seq())));
        s.bind(4, noted.full_pull_scope);
        s.run();
      }
    });
  }

  TombstoneCollection collect_tombstones(std::uint64_t now_ms, std::uint64_t horizon_ms) override {
    std::lock_guard lock(mutex_);
    TombstoneCollection result;
    replica_.transaction([&] {
      auto& s = db_->cached("SELECT count(*), min(checkpoint) FROM srv_replicas WHERE last_seen_ms >= ?1");
      {
        sqlite::ResetGuard reset(s);
        s.bind(1, static_cast<std::int64_t>(now_ms > horizon_ms ? now_ms - horizon_ms : 0));
        s.step();
        result.replicas_waited_for = static_cast<std::size_t>(s.column_int(0));
        result.up_to_seq = result.replicas_waited_for ? static_cast<std::uint64_t>(s.column_int(1)) : replica_.last_seq();
      }
      const CollectedTombstones collected = replica_.collect_tombstones(result.up_to_seq);
      result.records = collected.records;
      result.collected_seq = std::max(stored_collected_seq(), collected.max_seq);
      replica_.set_setting(kCollectedSeqSetting, std::to_string(result.collected_seq));
    });
    return result;
  }

  // Read from the database every time: `fieldsync-server collect-tombstones` may have
  // collected while this process serves.
  std::uint64_t collected_seq() override {
    std::lock_guard lock(mutex_);
    return stored_collected_seq();
  }

  void add_user(const UserRecord& user) override {
    std::lock_guard lock(mutex_);
    if (user.name.empty()) throw Error(ErrorCode::kInvalidArgument, "a user needs a name");
    const std::string display_name = checked_display_name(user.name, user.display_name);
    auto& s = db_->cached(
        "INSERT INTO srv_users (name, role, territories, display_name) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING");
    sqlite::ResetGuard reset(s);
    s.bind(1, user.name).bind(2, role_name(user.role)).bind(3, join_list(user.territories)).bind(4, display_name);
    s.run();
    if (sqlite3_changes(db_->handle()) == 0) throw Error(ErrorCode::kAlreadyExists, "user '" + user.name + "' already exists");
  }

  std::vector<UserRecord> users() override {
    std::lock_guard lock(mutex_);
    auto& s = db_->cached("SELECT name, role, territories, disabled, display_name FROM srv_users ORDER BY name");
    sqlite::ResetGuard reset(s);
    std::vector<UserRecord> out;
    while (s.step()) out.push_back(user_from(s, 0));
    return out;
  }

  std::vector<DeviceRecord> devices() override {
    std::lock_guard lock(mutex_);
    auto& s = db_->cached("SELECT replica_id, user FROM srv_replicas ORDER BY user, first_seen_ms");
    sqlite::ResetGuard reset(s);
    std::vector<DeviceRecord> out;
    while (s.step()) out.push_back({std::string(s.column_text(0)), std::string(s.column_text(1))});
    return out;
  }

  IssuedToken issue_token(const std::string& user, std::uint64_t ttl_ms, std::uint64_t now_ms) override {
    std::lock_guard lock(mutex_);
    if (!find_user(user)) throw Error(ErrorCode::kNotFound, "no user '" + user + "'");
    return insert_token(user, ttl_ms, now_ms);
  }

  // A new token of an existing user; the caller holds mutex_.
  IssuedToken insert_token(const std::string& user, std::uint64_t ttl_ms, std::uint64_t now_ms) {
    TokenParts parts{random_hex(6), random_hex(24)};
    IssuedToken issued{make_token(parts), parts.id, now_ms + ttl_ms};
    auto& s = db_->cached(
        "INSERT INTO srv_tokens (token_id, secret_hash, user, issued_ms, expires_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
    sqlite::ResetGuard reset(s);
    s.bind(1, parts.id).bind(2, sha256_hex(parts.secret)).bind(3, user);
    s.bind(4, static_cast<std::int64_t>(now_ms)).bind(5, static_cast<std::int64_t>(issued.expires_ms));
    s.run();
    return issued;
  }

  void add_enrolment_code(const EnrolmentCode& code) override {
    std::lock_guard lock(mutex_);
    replica_.transaction([&] {
      if (!find_user(code.user)) throw Error(ErrorCode::kNotFound, "no user '" + code.user + "'");
      auto& replace = db_->cached("UPDATE srv_enrolment_codes SET state = 'replaced' WHERE user = ?1 AND state = 'open'");
      sqlite::ResetGuard reset_replace(replace);
      replace.bind(1, code.user);
      replace.run();
      // Codes that ended a month ago say nothing any more: an old code gets "unknown".
      auto& forget = db_->cached("DELETE FROM srv_enrolment_codes WHERE expires_ms < ?1");
      sqlite::ResetGuard reset_forget(forget);
      forget.bind(1, static_cast<std::int64_t>(enrolment_codes_forgotten_before(code.created_ms)));
      forget.run();
      auto& insert = db_->cached(
          "INSERT INTO srv_enrolment_codes (code_hash, user, created_ms, expires_ms, token_ttl_ms) "
          "VALUES (?1, ?2, ?3, ?4, ?5)");
      sqlite::ResetGuard reset_insert(insert);
      insert.bind(1, code.code_hash).bind(2, code.user).bind(3, static_cast<std::int64_t>(code.created_ms));
      insert.bind(4, static_cast<std::int64_t>(code.expires_ms)).bind(5, static_cast<std::int64_t>(code.token_ttl_ms));
      insert.run();
    });
  }

  EnrolmentExchange redeem_enrolment_code(const std::string& code_hash, std::uint64_t now_ms) override {
    std::lock_guard lock(mutex_);
    EnrolmentExchange out;
    replica_.transaction([&] {
      auto& s = db_->cached(
          "SELECT c.user, c.expires_ms, c.token_ttl_ms, c.state, u.disabled FROM srv_enrolment_codes c "
          "JOIN srv_users u ON u.name = c.user WHERE c.code_hash = ?1");
      std::uint64_t ttl_ms = 0;
      {
        sqlite::ResetGuard reset(s);
        s.bind(1, code_hash);
        if (!s.step()) return;  // kUnknown
        out.user = std::string(s.column_text(0));
        const std::string_view state = s.column_text(3);
        if (state == "used") out.status = EnrolmentStatus::kUsed;
        else if (state == "replaced") out.status = EnrolmentStatus::kReplaced;
        else if (static_cast<std::uint64_t>(s.column_int(1)) <= now_ms) out.status = EnrolmentStatus::kExpired;
        else if (s.column_int(4) != 0) out.status = EnrolmentStatus::kUserDisabled;
        else out.status = EnrolmentStatus::kIssued;
        ttl_ms = static_cast<std::uint64_t>(s.column_int(2));
      }
      if (out.status != EnrolmentStatus::kIssued) return;
      out.token = insert_token(out.user, ttl_ms, now_ms);
      auto& use = db_->cached(
          "UPDATE srv_enrolment_codes SET state = 'used', used_ms = ?2, token_id = ?3 WHERE code_hash = ?1");
      sqlite::ResetGuard reset(use);
      use.bind(1, code_hash).bind(2, static_cast<std::int64_t>(now_ms)).bind(3, out.token.token_id);
      use.run();
    });
    return out;
  }

  bool revoke_token(const std::string& token_id) override {
    std::lock_guard lock(mutex_);
    bool found = false;
    replica_.transaction([&] {
      auto& s = db_->cached("UPDATE srv_tokens SET revoked = 1 WHERE token_id = ?1");
      sqlite::ResetGuard reset(s);
      s.bind(1, token_id);
      s.run();
      found = sqlite3_changes(db_->handle()) > 0;
      if (found) bump_accounts_generation();
    });
    return found;
  }

  void set_user_disabled(const std::string& user, bool disabled) override {
    std::lock_guard lock(mutex_);
    replica_.transaction([&] {
      auto& s = db_->cached("UPDATE srv_users SET disabled = ?2 WHERE name = ?1");
      sqlite::ResetGuard reset(s);
      s.bind(1, user).bind(2, std::int64_t{disabled ? 1 : 0});
      s.run();
      if (sqlite3_changes(db_->handle()) == 0) throw Error(ErrorCode::kNotFound, "no user '" + user + "'");
      bump_accounts_generation();
    });
  }

  void set_user_display_name(const std::string& user, const std::string& display_name) override {
    const std::string checked = checked_display_name(user, display_name);
    std::lock_guard lock(mutex_);
    auto& s = db_->cached("UPDATE srv_users SET display_name = ?2 WHERE name = ?1");
    sqlite::ResetGuard reset(s);
    s.bind(1, user).bind(2, checked);
    s.run();
    if (sqlite3_changes(db_->handle()) == 0) throw Error(ErrorCode::kNotFound, "no user '" + user + "'");
  }

  void set_user_territories(const std::string& user, const std::vector<std::string>& territories) override {
    std::lock_guard lock(mutex_);
    replica_.transaction([&] {
      auto& s = db_->cached("UPDATE srv_users SET territories = ?2 WHERE name = ?1");
      sqlite::ResetGuard reset(s);
      s.bind(1, user).bind(2, join_list(territories));
      s.run();
      if (sqlite3_changes(db_->handle()) == 0) throw Error(ErrorCode::kNotFound, "no user '" + user + "'");
      bump_accounts_generation();
    });
  }

  // Read from the database every time: the admin commands change it from another process.
  std::uint64_t accounts_generation() override {
    std::lock_guard lock(mutex_);
    return setting_number(kAccountsGenerationSetting);
  }

  std::vector<TokenInfo> tokens() override {
    std::lock_guard lock(mutex_);
    auto& s = db_->cached("SELECT token_id, user, issued_ms, expires_ms, revoked FROM srv_tokens ORDER BY issued_ms");
    sqlite::ResetGuard reset(s);
    std::vector<TokenInfo> out;
    while (s.step()) {
      out.push_back({std::string(s.column_text(0)), std::string(s.column_text(1)),
                     static_cast<std::uint64_t>(s.column_int(2)), static_cast<std::uint64_t>(s.column_int(3)),
                     s.column_int(4) != 0});
    }
    return out;
  }

  Principal authenticate(const std::string& token, std::uint64_t now_ms) override {
    TokenParts parts = split_token(token);
    std::lock_guard lock(mutex_);
    return token_principal(parts.id, &parts.secret, now_ms);
  }

  Principal principal_of_token(const std::string& token_id, std::uint64_t now_ms) override {
    std::lock_guard lock(mutex_);
    return token_principal(token_id, nullptr, now_ms);
  }

  std::size_t prune_audit(std::uint64_t before_ms) override {
    std::lock_guard lock(mutex_);
    std::size_t removed = 0;
    replica_.transaction([&] {
      auto& s = db_->cached("DELETE FROM srv_audit WHERE at_ms < ?1");
      sqlite::ResetGuard reset(s);
      s.bind(1, static_cast<std::int64_t>(before_ms));
      s.run();
      removed = static_cast<std::size_t>(sqlite3_changes(db_->handle()));
    });
    return removed;
  }

  std::vector<AuditEntry> history(const std::string& collection, const RecordId& id) override {
    std::lock_guard lock(mutex_);
    // The display name as it is now: a user renamed since shows by the new name everywhere.
    auto& s = db_->cached(
        "SELECT a.at_ms, a.seq, a.user, a.replica, a.collection, a.id, a.action, a.fields, a.detail, a.changes, "
        "coalesce(nullif(u.display_name, ''), a.user) FROM srv_audit a LEFT JOIN srv_users u ON u.name = a.user "
        "WHERE a.collection = ?1 AND a.id = ?2 ORDER BY a.entry");
    sqlite::ResetGuard reset(s);
    s.bind(1, collection).bind(2, id.to_string());
    std::vector<AuditEntry> out;
    while (s.step()) {
      out.push_back({static_cast<std::uint64_t>(s.column_int(0)), static_cast<std::uint64_t>(s.column_int(1)),
                     std::string(s.column_text(2)), std::string(s.column_text(3)), std::string(s.column_text(4)),
                     std::string(s.column_text(5)), std::string(s.column_text(6)), split_list(s.column_text(7)),
                     std::string(s.column_text(8)), decode_changes(s.column_text(9)),
                     std::string(s.column_text(10))});
    }
    return out;
  }

 private:
  static Replica open_replica(const std::filesystem::path& data_dir, const Schema& schema, const Clock& clock,
                              bool durable) {
    create_private_directory(data_dir);
    prepare_private_database(data_dir / kDatabaseFile);
    ReplicaOptions options;
    options.clock = &clock;
    options.durable_commits = durable;
    options.territory_read_indexes = true;  // pulls read by scope; an older file gets them here
    return Replica::open((data_dir / kDatabaseFile).string(), schema, options);
  }

  std::uint64_t stored_collected_seq() const { return setting_number(kCollectedSeqSetting); }

  // The head as the file has it: Replica::last_seq() is this connection's, as of its own
  // last write, and misses commits made through another connection.
  std::uint64_t stored_seq() {
    auto& s = db_->cached("SELECT seq FROM fs_replica");
    sqlite::ResetGuard reset(s);
    if (!s.step()) throw Error(ErrorCode::kCorruptData, "the store has no identity row");
    return static_cast<std::uint64_t>(s.column_int(0));
  }

  std::uint64_t setting_number(std::string_view key) const {
    std::uint64_t value = 0;
    if (auto text = replica_.setting(key)) std::from_chars(text->data(), text->data() + text->size(), value);
    return value;
  }

  // Inside the transaction of the change it announces.
  void bump_accounts_generation() {
    replica_.set_setting(kAccountsGenerationSetting, std::to_string(setting_number(kAccountsGenerationSetting) + 1));
  }

  // The principal of token `token_id`, checking its secret when one is given (a connection
  // being opened) or not (an open connection checked again).
  Principal token_principal(const std::string& token_id, const std::string* secret, std::uint64_t now_ms) {
    auto& s = db_->cached(
        "SELECT t.secret_hash, t.expires_ms, t.revoked, u.name, u.role, u.territories, u.disabled, u.display_name "
        "FROM srv_tokens t JOIN srv_users u ON u.name = t.user WHERE t.token_id = ?1");
    sqlite::ResetGuard reset(s);
    s.bind(1, token_id);
    if (!s.step() || (secret && s.column_text(0) != sha256_hex(*secret))) {
      throw Error(ErrorCode::kUnauthenticated, "the token is not known to this server");
    }
    if (s.column_int(2) != 0) throw Error(ErrorCode::kUnauthenticated, "the token was revoked");
    if (static_cast<std::uint64_t>(s.column_int(1)) <= now_ms) throw Error(ErrorCode::kUnauthenticated, "the token has expired");
    UserRecord user = user_from(s, 3);
    if (user.disabled) throw Error(ErrorCode::kUnauthenticated, "the user '" + user.name + "' is disabled");
    return Principal{user.name, user.role, user.territories, token_id};
  }

  static std::vector<std::string> field_names(const RecordState& state) {
    std::vector<std::string> names;
    names.reserve(state.fields.size());
    for (const auto& field : state.fields) names.push_back(field.name);
    return names;
  }

  void migrate() {
    std::size_t applied = 0;
    if (auto text = replica_.setting(kMigrationSetting)) std::from_chars(text->data(), text->data() + text->size(), applied);
    for (std::size_t v = applied; v < std::size(kMigrations); ++v) {
      replica_.transaction([&] {
        db_->exec(kMigrations[v]);
        replica_.set_setting(kMigrationSetting, std::to_string(v + 1));
      });
    }
  }

  // `changes` come cut to the bound already (ChangeDescriber).
  void audit(const PushContext& context, std::uint64_t seq, const std::string& collection, const std::string& id,
             const char* action, const std::vector<std::string>& fields, const std::string& detail,
             const std::vector<FieldChange>& changes) {
    auto& s = db_->cached(
        "INSERT INTO srv_audit (at_ms, seq, user, replica, collection, id, action, fields, detail, changes) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    sqlite::ResetGuard reset(s);
    s.bind(1, static_cast<std::int64_t>(context.now_ms)).bind(2, static_cast<std::int64_t>(seq));
    // Collection, id, field names and reason may come from a client: each is cut to the
    // bound, so that one entry stays small whatever was pushed.
    s.bind(3, context.user).bind(4, context.replica.to_string());
    s.bind(5, bounded_text(collection, audit_text_bytes_)).bind(6, bounded_text(id, audit_text_bytes_));
    s.bind(7, std::string_view(action)).bind(8, bounded_text(join_list(fields), audit_text_bytes_));
    s.bind(9, bounded_text(detail, audit_text_bytes_)).bind(10, encode_changes(changes));
    s.run();
  }

  // Only the session holding the replica's latest epoch may write under its id: the first
  // push makes a pending epoch the current one; a session whose epoch another hello has
  // since replaced was racing a copy of the same database, and is refused.
  void claim_epoch(const PushContext& context) {
    const std::string id = context.replica.to_string();
    auto& select = db_->cached("SELECT epoch, pending_epoch FROM srv_replicas WHERE replica_id = ?1");
    std::optional<std::pair<std::string, std::string>> known;
    {
      sqlite::ResetGuard reset(select);
      select.bind(1, id);
      if (select.step()) known.emplace(select.column_text(0), select.column_text(1));
    }
    if (known && !context.epoch.empty() && known->second == context.epoch) {
      auto& confirm = db_->cached("UPDATE srv_replicas SET epoch = pending_epoch, pending_epoch = '' "
                                  "WHERE replica_id = ?1");
      sqlite::ResetGuard reset(confirm);
      confirm.bind(1, id);
      confirm.run();
      return;
    }
    if (known && known->second.empty() && known->first == context.epoch) return;
    throw Error(ErrorCode::kReplicaIdReused,
                "another copy of this database has synced since this session began: it must take a new replica id");
  }

  void note_counter(const PushContext& context, std::uint64_t counter) {
    auto& s = db_->cached("UPDATE srv_replicas SET max_counter = max(max_counter, ?2) WHERE replica_id = ?1");
    sqlite::ResetGuard reset(s);
    s.bind(1, context.replica.to_string()).bind(2, static_cast<std::int64_t>(counter));
    s.run();
  }

  std::optional<UserRecord> find_user(const std::string& name) {
    auto& s = db_->cached("SELECT name, role, territories, disabled, display_name FROM srv_users WHERE name = ?1");
    sqlite::ResetGuard reset(s);
    s.bind(1, name);
    if (!s.step()) return std::nullopt;
    return user_from(s, 0);
  }

  // From the columns name, role, territories, disabled, display_name, starting at `first`.
  static UserRecord user_from(const sqlite::Statement& s, int first) {
    auto role = parse_role(s.column_text(first + 1));
    if (!role) throw Error(ErrorCode::kCorruptData, "user '" + std::string(s.column_text(first)) + "' has an unknown role");
    return UserRecord{std::string(s.column_text(first)), *role, split_list(s.column_text(first + 2)),
                      s.column_int(first + 3) != 0, std::string(s.column_text(first + 4))};
  }

  // Tells the on_commit listeners; called after the commit, with mutex_ held (the
  // listeners only post work elsewhere).
  void signal_commit() {
    std::lock_guard lock(listeners_mutex_);
    for (const auto& [id, listener] : listeners_) listener();
  }

  void start_background_checkpoints(const std::filesystem::path& file, bool durable) {
    db_->exec("PRAGMA wal_autocheckpoint = 10000");
    checkpoint_db_.emplace(file.string());
    checkpoint_db_->exec(durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    checkpoints_.emplace(kCheckpointInterval, [this] { checkpoint_wal(); });
  }

  // PASSIVE: copies what no reader still needs and waits for nobody, so that commits go on
  // meanwhile; what it cannot copy now, a later run does.
  void checkpoint_wal() noexcept {
    const int rc =
        sqlite3_wal_checkpoint_v2(checkpoint_db_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      spdlog::warn("event=wal_checkpoint_failed error={}", quote_field(sqlite3_errmsg(checkpoint_db_->handle())));
    }
  }

  // Wall-clock time from the injected clock (tests control it), in Unix milliseconds.
  std::int64_t now() const { return static_cast<std::int64_t>(clock_->now_ms()); }

  // Recursive: write and read checks run inside push() and changes_since() and look up
  // parent records through get().
  std::recursive_mutex mutex_;
  const std::size_t audit_text_bytes_;
  std::string generation_;
  const Clock* clock_;
  Replica replica_;
  sqlite::Database* db_;
  // Commits made through this object only: another process writing the same file (an
  // admin command) is not seen; the server's periodic look covers that.
  std::mutex listeners_mutex_;
  std::map<std::uint64_t, std::function<void()>> listeners_;
  std::uint64_t next_listener_ = 1;
  // SqliteStoreOptions::background_checkpoints: the checkpoints' own connection, and their
  // thread (last: stopped before anything it uses goes).
  std::optional<sqlite::Database> checkpoint_db_;
  std::optional<PeriodicTask> checkpoints_;
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& data_dir, const Schema& schema,
                                         const Clock& clock, bool durable, std::size_t max_audit_text_bytes) {
  SqliteStoreOptions options;
  options.durable = durable;
  options.max_audit_text_bytes = max_audit_text_bytes;
  return open_sqlite_store(data_dir, schema, clock, options);
}

std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& data_dir, const Schema& schema,
                                         const Clock& clock, const SqliteStoreOptions& options) {
  return std::make_unique<SqliteStore>(data_dir, schema, clock, options);
}

void restore_sqlite_store(const std::filesystem::path& data_dir, const std::filesystem::path& backup,
                          const Schema& schema, const Clock& clock) {
  namespace fs = std::filesystem;
  if (!fs::is_regular_file(backup)) throw Error(ErrorCode::kNotFound, "no backup file " + backup.string());
  // Checked on a copy first: a damaged backup leaves the current store untouched.
  const fs::path staging = data_dir / "restore-staging";
  create_private_directory(data_dir);
  fs::remove_all(staging);
  fs::create_directories(staging);
  fs::copy_file(backup, staging / kDatabaseFile);
  prepare_private_database(staging / kDatabaseFile);  // a backup made with looser modes
  {
    auto check = Replica::open((staging / kDatabaseFile).string(), schema);
    const std::string verdict = check.integrity_check();
    if (verdict != "ok") {
      throw Error(ErrorCode::kCorruptData, "the backup " + backup.string() + " is damaged: " + verdict);
    }
  }
  // The current store is kept beside it, never deleted.
  const fs::path live = data_dir / kDatabaseFile;
  const fs::path kept = data_dir / (std::string(kDatabaseFile) + ".before-restore");
  if (fs::exists(live)) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const fs::path from = live.string() + suffix;
      if (fs::exists(from)) fs::rename(from, kept.string() + suffix);
    }
  }
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const fs::path from = (staging / kDatabaseFile).string() + suffix;
    if (fs::exists(from)) fs::rename(from, live.string() + suffix);
  }
  fs::remove_all(staging);
  SqliteStore restored(data_dir, schema, clock, SqliteStoreOptions{});
  restored.start_new_generation();
}

}  // namespace fieldsync::server
