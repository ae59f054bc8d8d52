#include "fieldsync/core/replica.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <limits>
#include <memory>
#include <optional>
#include <utility>

#include "change_reads.hpp"
#include "collection_table.hpp"
#include "territory_reads.hpp"
#include "fieldsync/core/reference_order.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/core/state_digest.hpp"
#include "fieldsync/core/sqlite.hpp"
#include "fieldsync/core/write_rules.hpp"
#include "move_undo.hpp"

namespace fieldsync {
namespace {

// Numbered migrations of the engine's own tables; each runs in one transaction.
constexpr const char* kMigrations[] = {
    // 1: replica identity and clocks, outbox, settings.
    R"sql(
      CREATE TABLE fs_replica (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        replica_id BLOB NOT NULL,
        counter INTEGER NOT NULL,
        hlc INTEGER NOT NULL,
        seq INTEGER NOT NULL);
      CREATE TABLE fs_outbox (
        collection TEXT NOT NULL,
        id TEXT NOT NULL,
        change INTEGER NOT NULL,
        PRIMARY KEY (collection, id)) WITHOUT ROWID;
      CREATE TABLE fs_settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
    )sql",
    // 2: pushed edits the server refused.
    R"sql(
      CREATE TABLE fs_rejections (
        collection TEXT NOT NULL,
        id TEXT NOT NULL,
        code INTEGER NOT NULL,
        reason TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        PRIMARY KEY (collection, id)) WITHOUT ROWID;
    )sql",
    // 3: the undo of each record's last status move (move_undo.hpp).
    kMoveUndoTableSql,
    // 4: the server's copy of a refused record (ServerCopy): server_known = 0, not said;
    // otherwise server_state holds its storage encoding, or NULL when the server holds none.
    R"sql(
      ALTER TABLE fs_rejections ADD COLUMN server_known INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE fs_rejections ADD COLUMN server_state BLOB;
    )sql",
    // 5: every collection row keeps its state's digest (_digest, added to each table by
    // CollectionTable). Nothing to run here: the version is what matters, since an older
    // build writing this file would leave the digests of the states it overwrote, and a
    // pull from scratch would then confirm states the replica no longer matches. Older
    // builds refuse a file of a newer version.
    "-- the _digest columns",
};

enum class WriteKind { kCreate, kUpdate, kRemove };

std::string id_text(const RecordId& id) { return id.to_string(); }

// The clock correction (Replica::correct_clock), in fs_settings: the offset in force, and
// the dot counter when it was set (later local writes were stamped with it).
constexpr std::string_view kClockOffsetSetting = "clock.offset_ms";
constexpr std::string_view kClockOffsetCounterSetting = "clock.offset_counter";

// `hlc` moved by `delta_ms`, within the 48 bits of milliseconds a stamp holds.
Hlc shifted(Hlc hlc, std::int64_t delta_ms) {
  constexpr std::int64_t kMaxMs = (std::int64_t{1} << 48) - 1;
  const std::int64_t ms = std::clamp(static_cast<std::int64_t>(hlc.ms()) + delta_ms, std::int64_t{0}, kMaxMs);
  return Hlc(static_cast<std::uint64_t>(ms), hlc.logical());
}

}  // namespace

struct Replica::Impl {
  sqlite::Database db;
  const Schema* schema;
  ReplicaOptions options;
  SystemClock system_clock;
  const Clock* clock;       // the device clock
  OffsetClock corrected;    // the device clock corrected by the server's measure: stamps use it
  UuidGenerator ids;
  HybridClock hlc;
  ReplicaId replica_id;
  std::uint64_t counter = 0;
  std::uint64_t seq = 0;
  std::vector<CollectionTable> tables;
  // The bulk load under way (Replica::BulkLoad), if any.
  struct Bulk {
    std::unique_ptr<sqlite::Transaction> tx;
    std::vector<std::string> rebuild;            // SQL creating the indexes dropped for the load
    std::vector<const CollectionTable*> fresh;  // tables empty at the start: insert without a lookup
  };
  std::optional<Bulk> bulk;
  bool pull_tally = false;  // Replica::start_pull_tally until forget_untallied
  // The digest every stored row keeps (CollectionTable's _digest), made with one context.
  StateDigester digester;
  std::string wire;  // digest_of's buffer, kept for its capacity
  // The outbox query: referenced collections first (customers before their orders, orders
  // before their lines), then by latest edit, so that a server checking references meets
  // a new record's parent first, even when the parent was edited after the child.
  std::string outbox_sql;

  Impl(const std::string& path, const Schema& s, ReplicaOptions o)
      : db(path),
        schema(&s),
        options(o),
        clock(o.clock ? o.clock : &system_clock),
        corrected(*clock),
        ids(corrected),
        hlc(corrected),
        outbox_sql(outbox_query(s)) {}

  static std::string outbox_query(const Schema& schema) {
    std::string depth = "CASE collection";
    for (const auto& [name, d] : reference_depths(schema)) {
      std::string literal;
      for (char c : name) literal += c == '\'' ? std::string("''") : std::string(1, c);
      depth += " WHEN '" + literal + "' THEN " + std::to_string(d);
    }
    depth += " ELSE 0 END";
    return "SELECT collection, id, change FROM fs_outbox ORDER BY " + depth + ", change LIMIT ?1";
  }

  StateDigest digest_of(const RecordState& state) {
    wire.clear();
    append_wire_state(wire, state);
    return digester(wire);
  }

  // Writes the row of `state` with its digest.
  void store(const CollectionTable& table, const std::string& key, const RecordState& state, std::uint64_t row_seq,
             CollectionTable::Row row) {
    table.store(db, key, state, digest_of(state), row_seq, row);
  }

  void configure(bool in_memory) {
    if (!in_memory) db.exec("PRAGMA journal_mode = WAL");
    db.exec(options.durable_commits ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    // FILE, not MEMORY: with temp storage in memory SQLite's sorter never spills, so the
    // CREATE INDEX at the end of a bulk load held every key of the table in memory (64 MB
    // for 1M customers). On a file it keeps at most about a page cache's worth in memory
    // (its runs are capped at cache_size) and writes the rest to a temporary file; sorts
    // smaller than that never create one.
    db.exec("PRAGMA temp_store = FILE");
    // Negative: a size in KiB. The default (2 MiB) made a 100k-record first sync re-read
    // index pages from the WAL over and over.
    db.exec("PRAGMA cache_size = -" + std::to_string(options.cache_kib));
  }

  void migrate() {
    auto version = [&] {
      sqlite::Statement s(db.handle(), "PRAGMA user_version");
      s.step();
      return static_cast<std::size_t>(s.column_int(0));
    };
    for (std::size_t v = version(); v < std::size(kMigrations); ++v) {
      sqlite::Transaction tx(db);
      db.exec(kMigrations[v]);
      db.exec("PRAGMA user_version = " + std::to_string(v + 1));
      tx.commit();
    }
    if (version() > std::size(kMigrations)) {
      throw Error(ErrorCode::kSchemaMismatch, "the replica database was written by a newer FieldSync");
    }
    sqlite::Transaction tx(db);
    tables.reserve(schema->collections().size());
    for (const auto& c : schema->collections()) {
      tables.emplace_back(c);
      tables.back().create_or_migrate(db);
      if (options.territory_read_indexes) {
        for (const auto& index : territory_read_indexes(c)) db.exec(index);
      }
    }
    sqlite::Statement identity(db.handle(),
                               "INSERT OR IGNORE INTO fs_replica (singleton, replica_id, counter, hlc, seq) "
                               "VALUES (1, ?1, 0, 0, 0)");
    identity.bind_blob(1, ids.make_v4().raw());
    identity.run();
    tx.commit();
    load_identity();
  }

  // Reads the identity row. Called when opening, at the start of every write transaction
  // (another connection to the same file may have written since: the app's UI and its
  // sync thread each hold one) and after a failed transaction.
  void load_identity() {
    auto& s = db.cached(
        "SELECT replica_id, counter, hlc, seq, coalesce((SELECT CAST(value AS INTEGER) FROM fs_settings "
        "WHERE key = '" + std::string(kClockOffsetSetting) + "'), 0) FROM fs_replica");
    sqlite::ResetGuard reset(s);
    if (!s.step()) throw Error(ErrorCode::kCorruptData, "the replica has no identity row");
    auto id = Uuid::from_bytes(s.column_blob(0));
    if (!id) throw Error(ErrorCode::kCorruptData, "the replica id is malformed");
    replica_id = *id;
    counter = static_cast<std::uint64_t>(s.column_int(1));
    const Hlc stored(static_cast<std::uint64_t>(s.column_int(2)));
    const std::int64_t offset = s.column_int(4);
    if (offset != corrected.offset_ms()) {
      // Another connection corrected the clock (and may have lowered the stamp with it).
      corrected.set_offset_ms(offset);
      hlc = HybridClock(corrected, stored);
    } else {
      hlc = HybridClock(corrected, std::max(hlc.last(), stored));
    }
    seq = static_cast<std::uint64_t>(s.column_int(3));
  }

  void save_identity() {
    auto& s = db.cached("UPDATE fs_replica SET counter = ?1, hlc = ?2, seq = ?3");
    sqlite::ResetGuard reset(s);
    s.bind(1, static_cast<std::int64_t>(counter))
        .bind(2, static_cast<std::int64_t>(hlc.last().packed()))
        .bind(3, static_cast<std::int64_t>(seq));
    s.run();
  }

  bool inserts_blindly(const CollectionTable& table) const {
    return bulk && std::find(bulk->fresh.begin(), bulk->fresh.end(), &table) != bulk->fresh.end();
  }

  // Runs the CREATE INDEX statements of a bulk load with the page cache shrunk to a quarter
  // for their duration: the sorter's in-memory runs are as large as the cache, so the two
  // together stay within the usual cache instead of twice it. The load's dirty pages go to
  // the WAL first (still uncommitted), so that the cache can give their memory back.
  void build_indexes_in_small_cache(const std::vector<std::string>& statements) {
    if (statements.empty()) return;
    const std::size_t build_kib = std::max<std::size_t>(options.cache_kib / 4, 256);
    sqlite::check(db.handle(), sqlite3_db_cacheflush(db.handle()), "flush the page cache");
    db.exec("PRAGMA cache_size = -" + std::to_string(build_kib));
    db.exec("PRAGMA shrink_memory");
    try {
      for (const auto& sql : statements) db.exec(sql);
    } catch (...) {
      restore_cache_size();
      throw;
    }
    restore_cache_size();
  }
  void restore_cache_size() noexcept {
    sqlite3_exec(db.handle(), ("PRAGMA cache_size = -" + std::to_string(options.cache_kib)).c_str(), nullptr, nullptr,
                 nullptr);
  }

  // Ends a bulk load without committing: back to the state before it, counters included.
  void abort_bulk() noexcept {
    if (!bulk) return;
    bulk.reset();  // the transaction rolls back
    try {
      load_identity();
    } catch (...) {
      // Reloaded at the start of the next transaction anyway.
    }
  }

  const CollectionTable& table(std::string_view collection) const {
    for (const auto& t : tables) {
      if (t.name() == collection) return t;
    }
    throw Error(ErrorCode::kUnknownCollection, "unknown collection '" + std::string(collection) + "'");
  }

  // Runs `body` in a transaction. If it fails, the in-memory counters are reloaded so that
  // they match what the database kept.
  template <typename Body>
  auto in_transaction(Body&& body) {
    try {
      const bool outermost = sqlite3_get_autocommit(db.handle()) != 0;
      sqlite::Transaction tx(db);
      if (outermost) load_identity();
      // The identity row is written once per transaction, not once per write.
      if constexpr (std::is_void_v<decltype(body())>) {
        body();
        if (outermost) save_identity();
        tx.commit();
      } else {
        auto result = body();
        if (outermost) save_identity();
        tx.commit();
        return result;
      }
    } catch (...) {
      if (sqlite3_get_autocommit(db.handle())) load_identity();
      throw;
    }
  }

  FieldValues checked_values(const CollectionSchema& collection, const FieldValues& values, WriteKind kind) const {
    FieldValues checked;
    checked.reserve(values.size() + 1);
    for (const auto& [name, value] : values) {
      if (name == kDeletedField) {
        throw Error(ErrorCode::kReadOnly, "field '_deleted' is written by delete, not by an edit");
      }
      const FieldSchema* field = collection.field(name);
      if (!field) throw Error(ErrorCode::kUnknownField, "collection '" + collection.name + "' has no field '" + name + "'");
      validate_value(*field, value);
      if (field->required && is_null(value)) {
        throw Error(ErrorCode::kMissingField, "field '" + name + "' is required and cannot be empty");
      }
      checked.emplace_back(name, value);
    }
    if (kind == WriteKind::kCreate) {
      for (const auto& field : collection.fields) {
        if (!field.required) continue;
        bool given = std::any_of(values.begin(), values.end(), [&](const auto& v) { return v.first == field.name; });
        if (!given) throw Error(ErrorCode::kMissingField, "field '" + field.name + "' is required");
      }
    }
    checked.emplace_back(std::string(kDeletedField), kind == WriteKind::kRemove);
    return checked;
  }

  std::optional<std::string> setting(std::string_view key) {
    auto& s = db.cached("SELECT value FROM fs_settings WHERE key = ?1");
    sqlite::ResetGuard reset(s);
    s.bind(1, key);
    if (!s.step()) return std::nullopt;
    return std::string(s.column_text(0));
  }

  // The device's local date: a visit logged at 07:00 in Shanghai is logged today, not on
  // yesterday's UTC date.
  std::string today() const {
    const auto seconds = static_cast<std::time_t>(corrected.now_ms() / 1000);
    std::tm local{};
    localtime_r(&seconds, &local);
    char text[16];
    std::strftime(text, sizeof text, "%Y-%m-%d", &local);
    return text;
  }

  void write(std::string_view collection_name, const RecordId& id, const FieldValues& values, WriteKind kind) {
    // It would join the load's transaction, and an interrupted load would take it along.
    if (bulk) throw Error(ErrorCode::kStorage, "the replica is loading a sync: edit it when the load has ended");
    const auto& table = this->table(collection_name);
    FieldValues given = values;
    if (kind == WriteKind::kCreate) {
      add_defaults(table.schema(), given, setting(kSignedInUserSetting).value_or(""), today());
    }
    FieldValues checked = checked_values(table.schema(), given, kind);
    const std::string role = options.judge_rules ? setting(kSignedInRoleSetting).value_or("") : std::string();
    in_transaction([&] {
      const std::string key = id_text(id);
      auto stored = table.load(db, key);
      RecordState state;
      if (kind == WriteKind::kCreate) {
        if (stored) throw Error(ErrorCode::kAlreadyExists, table.name() + " " + key + " already exists");
        state.collection = table.name();
        state.id = id;
      } else {
        if (!stored || is_deleted(table.schema(), stored->state)) {
          throw Error(ErrorCode::kNotFound, table.name() + " " + key + " does not exist");
        }
        state = std::move(stored->state);
      }
      std::optional<RecordState> before;
      if (stored) before = state;
      Dot dot{replica_id, ++counter};
      apply_write(state, dot, hlc.tick(), checked);
      // The rules the server will judge this write by, judged here first: a refusal now
      // costs the user a message, one at the server a rejection to read.
      // A new record may start at any stage the role reaches from the start (an import), as
      // the server judges it; an edit is one move.
      if (!role.empty()) {
        auto refusal = rule_refusal(*schema, table.schema(), role, before ? &*before : nullptr, state,
                                    before ? MoveReach::kOneMove : MoveReach::kChain);
        if (refusal) throw *refusal;
      }
      const std::optional<std::uint64_t> pending_change = stored ? outbox_change(table.name(), key) : std::nullopt;
      store(table, key, state, ++seq, stored ? CollectionTable::Row::kExisting : CollectionTable::Row::kNew);
      if (kind == WriteKind::kUpdate && moves_stage(table.schema(), *before, state)) {
        remember_move(db, table.name(), key, MoveUndo{encode_state(*before), pending_change, seq, dot.counter});
      }
      auto& outbox = db.cached(
          "INSERT INTO fs_outbox (collection, id, change) VALUES (?1, ?2, ?3) "
          "ON CONFLICT (collection, id) DO UPDATE SET change = excluded.change");
      sqlite::ResetGuard reset(outbox);
      outbox.bind(1, table.name()).bind(2, key).bind(3, static_cast<std::int64_t>(dot.counter));
      outbox.run();
    });
  }

  std::optional<std::uint64_t> outbox_change(const std::string& collection, const std::string& id) {
    auto& s = db.cached("SELECT change FROM fs_outbox WHERE collection = ?1 AND id = ?2");
    sqlite::ResetGuard reset(s);
    s.bind(1, collection).bind(2, id);
    if (!s.step()) return std::nullopt;
    return static_cast<std::uint64_t>(s.column_int(0));
  }

  // Whether the write from `before` to `after` changed the shown stage of a lifecycle field.
  static bool moves_stage(const CollectionSchema& collection, const RecordState& before, const RecordState& after) {
    for (const auto& field : collection.fields) {
      if (!field.lifecycle) continue;
      const FieldState* was = before.field(field.name);
      const FieldState* now = after.field(field.name);
      if (!now) continue;
      if (!was || resolve(field, was->siblings).value != resolve(field, now->siblings).value) return true;
    }
    return false;
  }

  // The record's remembered move if it can still be taken back, else why not.
  MoveUndo undoable_move(const CollectionTable& table, const std::string& key) {
    auto undo = remembered_move(db, table.name(), key);
    const std::string what = table.name() + " " + key;
    if (!undo) {
      throw Error(ErrorCode::kNotFound, "no status move of " + what +
                                            " waits to be sent: a move can be undone only until it is sent");
    }
    const auto stored = table.load(db, key);
    if (!stored || stored->seq != undo->move_seq) {
      throw Error(ErrorCode::kNotFound, "the status move of " + what + " cannot be undone: the record changed since");
    }
    if (outbox_change(table.name(), key) != undo->move_change) {
      throw Error(ErrorCode::kNotFound, "the status move of " + what + " cannot be undone: it was sent to the server");
    }
    return *undo;
  }

  // Received stamps move the HLC on (within the skew bound), so that later local writes
  // order after them.
  void observe_stamps(const RecordState& received) {
    Hlc newest;
    for (const auto& f : received.fields) {
      for (const auto& s : f.siblings) newest = std::max(newest, s.hlc);
    }
    hlc.observe(newest, options.max_clock_skew_ms);
  }

  static bool is_deleted(const CollectionSchema& collection, const RecordState& state) {
    const FieldState* f = state.field(kDeletedField);
    if (!f) return false;
    const auto& shown = resolve(*collection.field(kDeletedField), f->siblings).value;
    const bool* deleted = std::get_if<bool>(&shown);
    return deleted && *deleted;
  }

  Record to_record(const CollectionTable& table, StoredState stored) const {
    Record record;
    record.collection = &table.schema();
    record.values = resolve_all(table.schema(), stored.state);
    record.state = std::move(stored.state);
    record.seq = stored.seq;
    return record;
  }

  bool pending(const std::string& collection, const std::string& id) const {
    auto& s = const_cast<sqlite::Database&>(db).cached("SELECT 1 FROM fs_outbox WHERE collection = ?1 AND id = ?2");
    sqlite::ResetGuard reset(s);
    s.bind(1, collection).bind(2, id);
    return s.step();
  }
};

Replica::Replica(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Replica::Replica(Replica&&) noexcept = default;
Replica& Replica::operator=(Replica&&) noexcept = default;
Replica::~Replica() = default;

Replica Replica::open(const std::string& path, const Schema& schema, ReplicaOptions options) {
  auto impl = std::make_unique<Impl>(path, schema, options);
  impl->configure(path == ":memory:" || path.empty());
  impl->migrate();
  return Replica(std::move(impl));
}

const Schema& Replica::schema() const { return *impl_->schema; }
ReplicaId Replica::replica_id() const { return impl_->replica_id; }
// Outside a transaction the identity row is read afresh: another connection to the same
// file (the app's UI, its sync thread) may have written since. Inside one, the in-memory
// counters are ahead of the row until the commit and are the truth.
std::uint64_t Replica::counter() const {
  if (sqlite3_get_autocommit(impl_->db.handle())) impl_->load_identity();
  return impl_->counter;
}
Hlc Replica::clock() const { return impl_->hlc.last(); }
std::uint64_t Replica::now_ms() const { return impl_->corrected.now_ms(); }
std::uint64_t Replica::device_now_ms() const { return impl_->clock->now_ms(); }
std::int64_t Replica::clock_offset_ms() const {
  if (sqlite3_get_autocommit(impl_->db.handle())) impl_->load_identity();
  return impl_->corrected.offset_ms();
}
std::uint64_t Replica::last_seq() const { return impl_->seq; }

RecordId Replica::create(std::string_view collection, const FieldValues& values) {
  RecordId id = impl_->ids.make_v7();
  create(collection, id, values);
  return id;
}

void Replica::create(std::string_view collection, const RecordId& id, const FieldValues& values) {
  impl_->write(collection, id, values, WriteKind::kCreate);
}

void Replica::update(std::string_view collection, const RecordId& id, const FieldValues& values) {
  impl_->write(collection, id, values, WriteKind::kUpdate);
}

void Replica::remove(std::string_view collection, const RecordId& id) {
  impl_->write(collection, id, {}, WriteKind::kRemove);
}

void Replica::transaction(const std::function<void()>& body) { impl_->in_transaction(body); }

void Replica::undo_last_move(std::string_view collection, const RecordId& id) {
  auto& impl = *impl_;
  const auto& table = impl.table(collection);
  const std::string key = id_text(id);
  impl.in_transaction([&] {
    const MoveUndo undo = impl.undoable_move(table, key);
    impl.store(table, key, decode_state(undo.previous_state), ++impl.seq, CollectionTable::Row::kExisting);
    if (undo.previous_change) {
      auto& s = impl.db.cached("UPDATE fs_outbox SET change = ?3 WHERE collection = ?1 AND id = ?2");
      sqlite::ResetGuard reset(s);
      s.bind(1, table.name()).bind(2, key).bind(3, static_cast<std::int64_t>(*undo.previous_change));
      s.run();
    } else {
      auto& s = impl.db.cached("DELETE FROM fs_outbox WHERE collection = ?1 AND id = ?2");
      sqlite::ResetGuard reset(s);
      s.bind(1, table.name()).bind(2, key);
      s.run();
    }
    forget_move(impl.db, table.name(), key);
  });
}

bool Replica::can_undo_move(std::string_view collection, const RecordId& id) const {
  try {
    impl_->undoable_move(impl_->table(collection), id_text(id));
    return true;
  } catch (const Error&) {
    return false;
  }
}

std::optional<Record> Replica::get(std::string_view collection, const RecordId& id) const {
  const auto& table = impl_->table(collection);
  const std::string key = id_text(id);
  auto stored = table.load(impl_->db, key);
  if (!stored) return std::nullopt;
  Record record = impl_->to_record(table, std::move(*stored));
  record.pending = impl_->pending(table.name(), key);
  return record;
}

std::optional<RecordState> Replica::state(std::string_view collection, const RecordId& id) const {
  auto stored = impl_->table(collection).load(impl_->db, id_text(id));
  if (!stored) return std::nullopt;
  return std::move(stored->state);
}

std::vector<Record> Replica::list(std::string_view collection, const ListQuery& query) const {
  const auto& table = impl_->table(collection);
  const auto& schema = table.schema();
  std::string sql = "SELECT " + table.row_columns() +
                    ", EXISTS (SELECT 1 FROM fs_outbox o WHERE o.collection = ?1 AND o.id = t.id) FROM " +
                    quoted(table.name()) + " t WHERE 1";
  if (!query.include_deleted) sql += " AND NOT coalesce(_deleted, 0)";
  std::vector<Value> params;
  for (const auto& [name, value] : query.equals) {
    const FieldSchema* field = schema.field(name);
    if (!field) throw Error(ErrorCode::kUnknownField, "collection '" + schema.name + "' has no field '" + name + "'");
    validate_value(*field, value);
    params.push_back(value);
    sql += " AND " + quoted(name) + (is_null(value) ? " IS ?" : " = ?") + std::to_string(params.size() + 1);
  }
  if (!query.order_by.empty()) {
    if (!schema.field(query.order_by)) {
      throw Error(ErrorCode::kUnknownField, "cannot sort by '" + query.order_by + "': no such field");
    }
    sql += " ORDER BY " + quoted(query.order_by) + (query.descending ? " DESC" : "") + ", id";
  } else {
    sql += std::string(" ORDER BY id") + (query.descending ? " DESC" : "");
  }
  if (query.limit) sql += " LIMIT " + std::to_string(query.limit);

  sqlite::Statement s(impl_->db.handle(), sql);
  s.bind(1, table.name());
  for (std::size_t i = 0; i < params.size(); ++i) s.bind_value(static_cast<int>(i + 2), params[i]);
  std::vector<Record> records;
  while (s.step()) {
    Record record = impl_->to_record(table, table.read_row(s));
    record.pending = s.column_int(table.row_column_count()) != 0;
    records.push_back(std::move(record));
  }
  return records;
}

std::vector<Conflict> Replica::conflicts() const {
  std::vector<Conflict> conflicts;
  for (const auto& table : impl_->tables) {
    auto& s = impl_->db.cached(table.select_prefix() + " WHERE _conflicted ORDER BY _seq");
    sqlite::ResetGuard reset(s);
    while (s.step()) {
      RecordState state = table.read_row(s).state;
      for (const auto& f : state.fields) {
        if (!f.conflicted()) continue;
        const FieldSchema* field = table.schema().field(f.name);
        if (!field) continue;  // a field the schema no longer declares
        conflicts.push_back(Conflict{table.name(), state.id, f.name, resolve(*field, f.siblings).value, f.siblings});
      }
    }
  }
  return conflicts;
}

ChangeBatch Replica::changes_since(std::uint64_t seq, std::size_t limit) const {
  return changes_since(seq, limit, nullptr, {});
}

ChangeBatch Replica::changes_since(std::uint64_t seq, std::size_t limit, const TerritoryFilter& filter) const {
  return changes_since(seq, limit, &filter, {});
}

ChangeBatch Replica::changes_since(std::uint64_t seq, std::size_t limit, const TerritoryFilter* filter,
                                   const HeldStates& held) const {
  auto& impl = *impl_;
  return ChangeReads(impl.db, *impl.schema, impl.tables, [&](const RecordState& state) { return impl.digest_of(state); },
                     impl.seq)
      .page(filter, seq, limit, held);
}

MergeReport Replica::merge(std::span<const RecordState> incoming, MergeDetail detail, const MergeGate& gate,
                           std::span<const StateDigest> wire_digests) {
  if (!wire_digests.empty() && wire_digests.size() != incoming.size()) {
    throw Error(ErrorCode::kInvalidArgument, "merge: one wire digest per incoming state, or none");
  }
  auto& impl = *impl_;
  return impl.in_transaction([&] {
    MergeReport report;
    for (std::size_t i = 0; i < incoming.size(); ++i) {
      // States decoded from the wire are canonical already; others are put in order on a copy.
      std::optional<RecordState> sorted;
      if (!is_canonical(incoming[i])) canonicalize(sorted.emplace(incoming[i]));
      const RecordState& remote = sorted ? *sorted : incoming[i];
      try {
        validate_state(*impl.schema, remote);
      } catch (const Error& e) {
        report.rejected.push_back({i, remote.collection, remote.id.to_string(), e.code(), e.what()});
        continue;
      }
      const auto& table = impl.table(remote.collection);
      const std::string key = id_text(remote.id);
      // The digest of `remote` as stored: the caller's, hashed from the bytes it received, is
      // that of the state they decode to once they are canonical.
      auto remote_digest = [&] { return wire_digests.empty() || sorted ? impl.digest_of(remote) : wire_digests[i]; };
      if (impl.inserts_blindly(table) && !gate && detail == MergeDetail::kCounts) {
        // A bulk load into a table that was empty: most records are new, so insert first
        // and look the record up only when the table holds it already (it came twice).
        if (table.insert_if_new(impl.db, key, remote, remote_digest(), impl.seq + 1)) {
          ++impl.seq;
          impl.observe_stamps(remote);
          ++report.inserted;
          for (const auto& f : remote.fields) report.conflicts_opened += f.conflicted() ? 1 : 0;
          continue;
        }
      }
      bool same = false;  // the replica holds exactly this state already
      auto stored = table.load_unless_same(impl.db, key, remote, &same);
      if (same) {
        ++report.unchanged;
        continue;
      }
      std::optional<RecordState> merged_copy;  // only an existing record needs a merged copy
      if (stored) merged_copy = fieldsync::merge(stored->state, remote);
      const RecordState& merged = stored ? *merged_copy : remote;
      if (stored && merged == stored->state) {
        ++report.unchanged;
        continue;
      }
      if (gate) {
        if (auto refusal = gate(remote, stored ? &stored->state : nullptr)) {
          report.rejected.push_back({i, remote.collection, key, refusal->code(), refusal->what()});
          continue;
        }
      }
      MergedRecord outcome{i, ++impl.seq, !stored, {}, {}, {}, {}};
      for (const auto& f : merged.fields) {
        const FieldState* before = stored ? stored->state.field(f.name) : nullptr;
        const bool was_conflicted = before && before->conflicted();
        if (f.conflicted() && !was_conflicted) {
          ++report.conflicts_opened;
          if (detail == MergeDetail::kPerRecord) outcome.opened_conflicts.push_back(f.name);
        }
        if (detail == MergeDetail::kPerRecord && was_conflicted && !f.conflicted()) {
          outcome.settled_conflicts.push_back(f.name);
        }
        if (detail == MergeDetail::kPerRecord && (!before || before->siblings != f.siblings)) {
          outcome.changed_fields.push_back(f.name);
        }
      }
      impl.observe_stamps(remote);
      table.store(impl.db, key, merged, stored ? impl.digest_of(merged) : remote_digest(), outcome.seq,
                  stored ? CollectionTable::Row::kExisting : CollectionTable::Row::kNew);
      ++(stored ? report.updated : report.inserted);
      if (detail == MergeDetail::kPerRecord) {
        outcome.state = merged_copy ? std::move(*merged_copy) : remote;
        report.merged.push_back(std::move(outcome));
      }
    }
    report.last_seq = impl.seq;
    return report;
  });
}

Replica::BulkLoad Replica::start_bulk_load() {
  auto& impl = *impl_;
  if (impl.bulk) throw Error(ErrorCode::kInvalidArgument, "a bulk load is under way already");
  if (!sqlite3_get_autocommit(impl.db.handle())) {
    throw Error(ErrorCode::kInvalidArgument, "a bulk load cannot start inside a transaction");
  }
  Impl::Bulk bulk;
  bulk.tx = std::make_unique<sqlite::Transaction>(impl.db);
  try {
    impl.load_identity();
    for (const auto& table : impl.tables) {
      if (!table.empty(impl.db)) continue;
      bulk.fresh.push_back(&table);
      for (auto& sql : table.drop_secondary_indexes(impl.db)) bulk.rebuild.push_back(std::move(sql));
    }
  } catch (...) {
    bulk.tx.reset();
    impl.load_identity();
    throw;
  }
  impl.bulk = std::move(bulk);
  return BulkLoad(impl);
}

bool Replica::bulk_load_active() const { return impl_->bulk.has_value(); }

Replica::BulkLoad::BulkLoad(BulkLoad&& other) noexcept : impl_(std::exchange(other.impl_, nullptr)) {}

Replica::BulkLoad::~BulkLoad() { abort(); }

void Replica::BulkLoad::abort() noexcept {
  if (impl_) impl_->abort_bulk();
  impl_ = nullptr;
}

void Replica::BulkLoad::finish() {
  if (!impl_ || !impl_->bulk) throw Error(ErrorCode::kInvalidArgument, "no bulk load under way");
  auto& impl = *impl_;
  try {
    impl.build_indexes_in_small_cache(impl.bulk->rebuild);
    impl.save_identity();
    impl.bulk->tx->commit();
  } catch (...) {
    abort();
    throw;
  }
  impl.bulk.reset();
  impl_ = nullptr;
}

std::vector<OutboxEntry> Replica::outbox(std::size_t limit) const {
  auto& s = impl_->db.cached(impl_->outbox_sql);
  std::vector<std::tuple<std::string, std::string, std::uint64_t>> keys;
  {
    sqlite::ResetGuard reset(s);
    s.bind(1, limit ? static_cast<std::int64_t>(limit) : -1);
    while (s.step()) {
      keys.emplace_back(std::string(s.column_text(0)), std::string(s.column_text(1)),
                        static_cast<std::uint64_t>(s.column_int(2)));
    }
  }
  std::vector<OutboxEntry> entries;
  entries.reserve(keys.size());
  for (const auto& [collection, id, change] : keys) {
    auto stored = impl_->table(collection).load(impl_->db, id);
    if (!stored) throw Error(ErrorCode::kCorruptData, "outbox names a missing record " + collection + " " + id);
    entries.push_back({std::move(stored->state), change});
  }
  return entries;
}

// One transaction: an undo on another connection (the app's UI) either comes before this
// read, and the push sends the record as it was, or finds its move forgotten.
std::vector<OutboxEntry> Replica::outbox_for_push(std::size_t limit) {
  return impl_->in_transaction([&] {
    auto entries = outbox(limit);
    for (const auto& entry : entries) forget_move(impl_->db, entry.state.collection, id_text(entry.state.id));
    return entries;
  });
}

std::size_t Replica::outbox_size() const {
  auto& s = impl_->db.cached("SELECT count(*) FROM fs_outbox");
  sqlite::ResetGuard reset(s);
  s.step();
  return static_cast<std::size_t>(s.column_int(0));
}

void Replica::requeue_all() {
  impl_->in_transaction([&] {
    for (const auto& table : impl_->tables) {
      // change 0: the next local edit of a record (a higher counter) stays queued after the
      // ack of this re-send.
      impl_->db.exec("INSERT INTO fs_outbox (collection, id, change) SELECT '" + table.name() + "', id, 0 FROM " +
                     quoted(table.name()) + " WHERE true ON CONFLICT (collection, id) DO NOTHING");
    }
  });
}

CollectedTombstones Replica::collect_tombstones(std::uint64_t up_to_seq) {
  return impl_->in_transaction([&] {
    CollectedTombstones collected;
    for (const auto& table : impl_->tables) {
      // The `_deleted` column holds the resolved value: an edit concurrent with the delete
      // keeps the record alive, and such a record is no tombstone.
      auto& s = impl_->db.cached("DELETE FROM " + quoted(table.name()) +
                                 " AS t WHERE _deleted AND _seq <= ?1 AND NOT EXISTS (SELECT 1 FROM fs_outbox o "
                                 "WHERE o.collection = ?2 AND o.id = t.id) RETURNING _seq");
      sqlite::ResetGuard reset(s);
      s.bind(1, static_cast<std::int64_t>(up_to_seq)).bind(2, table.name());
      while (s.step()) {
        ++collected.records;
        collected.max_seq = std::max(collected.max_seq, static_cast<std::uint64_t>(s.column_int(0)));
      }
    }
    return collected;
  });
}

std::vector<RecordId> Replica::record_ids(std::string_view collection) const {
  const auto& table = impl_->table(collection);
  auto& s = impl_->db.cached("SELECT id FROM " + quoted(table.name()) + " ORDER BY id");
  sqlite::ResetGuard reset(s);
  std::vector<RecordId> ids;
  while (s.step()) {
    auto id = Uuid::parse(s.column_text(0));
    if (!id) throw Error(ErrorCode::kCorruptData, table.name() + " holds a malformed id");
    ids.push_back(*id);
  }
  return ids;
}

std::size_t Replica::forget(std::string_view collection, std::span<const RecordId> ids) {
  const auto& table = impl_->table(collection);
  return impl_->in_transaction([&] {
    auto& s = impl_->db.cached(
        "DELETE FROM " + quoted(table.name()) +
        " AS t WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM fs_outbox o WHERE o.collection = ?2 AND o.id = t.id) "
        "AND NOT EXISTS (SELECT 1 FROM fs_rejections r WHERE r.collection = ?2 AND r.id = t.id)");
    std::size_t forgotten = 0;
    for (const auto& id : ids) {
      sqlite::ResetGuard reset(s);
      s.bind(1, id_text(id)).bind(2, table.name());
      s.run();
      forgotten += static_cast<std::size_t>(sqlite3_changes(impl_->db.handle()));
    }
    return forgotten;
  });
}

void Replica::start_pull_tally() {
  impl_->db.exec(
      "CREATE TEMP TABLE IF NOT EXISTS fs_pull_tally (collection TEXT NOT NULL, id TEXT NOT NULL, "
      "PRIMARY KEY (collection, id)) WITHOUT ROWID");
  // The records held_state_digests() named, by digest: those the server says are unchanged
  // are tallied through it.
  impl_->db.exec(
      "CREATE TEMP TABLE IF NOT EXISTS fs_held_digests (digest BLOB NOT NULL, collection TEXT NOT NULL, "
      "id TEXT NOT NULL)");
  impl_->db.exec("CREATE INDEX IF NOT EXISTS temp.fs_held_digests_by_digest ON fs_held_digests (digest)");
  impl_->db.exec("DELETE FROM temp.fs_pull_tally");
  impl_->db.exec("DELETE FROM temp.fs_held_digests");
  impl_->pull_tally = true;
}

void Replica::tally_pulled(std::span<const RecordState> states) {
  auto& s = impl_->db.cached("INSERT OR IGNORE INTO temp.fs_pull_tally (collection, id) VALUES (?1, ?2)");
  for (const auto& state : states) {
    sqlite::ResetGuard reset(s);
    s.bind(1, state.collection).bind(2, id_text(state.id));
    s.run();
  }
}

void Replica::tally_unchanged(std::string_view digests) {
  auto& s = impl_->db.cached(
      "INSERT OR IGNORE INTO temp.fs_pull_tally (collection, id) "
      "SELECT collection, id FROM temp.fs_held_digests WHERE digest = ?1");
  for (std::size_t at = 0; at + kStateDigestBytes <= digests.size(); at += kStateDigestBytes) {
    sqlite::ResetGuard reset(s);
    s.bind_blob(1, digests.substr(at, kStateDigestBytes));
    s.run();
  }
}

std::string Replica::held_state_digests(std::size_t limit) {
  auto& impl = *impl_;
  std::string digests;
  std::size_t count = 0;
  for (const auto& table : impl.tables) {
    auto& s = impl.db.cached("SELECT _digest, id FROM " + quoted(table.name()));
    sqlite::ResetGuard reset(s);
    auto* keep = impl.pull_tally ? &impl.db.cached(
                                       "INSERT INTO temp.fs_held_digests (digest, collection, id) VALUES (?1, ?2, ?3)")
                                 : nullptr;
    for (; count < limit && s.step(); ++count) {
      // Stored with the row; a row from before digests were kept is read and hashed.
      const auto stored = CollectionTable::read_digest(s, 0);
      if (stored) {
        append_digest(digests, *stored);
      } else {
        const auto row = table.load(impl.db, std::string(s.column_text(1)));
        if (!row) throw Error(ErrorCode::kCorruptData, table.name() + " lost a row while it was read");
        append_digest(digests, impl.digest_of(row->state));
      }
      if (!keep) continue;
      sqlite::ResetGuard reset_keep(*keep);
      keep->bind_blob(1, std::string_view(digests).substr(digests.size() - kStateDigestBytes));
      keep->bind(2, table.name()).bind(3, s.column_text(1));
      keep->run();
    }
  }
  return digests;
}

std::size_t Replica::forget_untallied() {
  std::size_t forgotten = 0;
  for (const auto& table : impl_->tables) {
    std::vector<RecordId> gone;  // usually none: only what left the scope or was collected
    {
      auto& s = impl_->db.cached("SELECT id FROM " + quoted(table.name()) +
                                 " AS t WHERE NOT EXISTS (SELECT 1 FROM temp.fs_pull_tally p "
                                 "WHERE p.collection = ?1 AND p.id = t.id)");
      sqlite::ResetGuard reset(s);
      s.bind(1, table.name());
      while (s.step()) {
        auto id = Uuid::parse(s.column_text(0));
        if (!id) throw Error(ErrorCode::kCorruptData, table.name() + " holds a malformed id");
        gone.push_back(*id);
      }
    }
    forgotten += forget(table.name(), gone);
  }
  impl_->db.exec("DELETE FROM temp.fs_pull_tally");
  impl_->db.exec("DELETE FROM temp.fs_held_digests");
  impl_->pull_tally = false;
  return forgotten;
}

void Replica::acknowledge(std::span<const OutboxAck> acks) {
  impl_->in_transaction([&] {
    auto& s = impl_->db.cached("DELETE FROM fs_outbox WHERE collection = ?1 AND id = ?2 AND change <= ?3");
    for (const auto& ack : acks) {
      sqlite::ResetGuard reset(s);
      s.bind(1, ack.collection).bind(2, id_text(ack.id)).bind(3, static_cast<std::int64_t>(ack.change));
      s.run();
    }
  });
}

void Replica::record_rejection(const std::string& collection, const RecordId& id, ErrorCode code,
                               const std::string& reason, const ServerCopy& server) {
  auto& s = impl_->db.cached(
      "INSERT INTO fs_rejections (collection, id, code, reason, at_ms, server_known, server_state) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (collection, id) DO UPDATE SET code = excluded.code, "
      "reason = excluded.reason, at_ms = excluded.at_ms, server_known = excluded.server_known, "
      "server_state = excluded.server_state");
  sqlite::ResetGuard reset(s);
  s.bind(1, collection).bind(2, id_text(id)).bind(3, static_cast<std::int64_t>(code)).bind(4, reason);
  s.bind(5, static_cast<std::int64_t>(impl_->corrected.now_ms()));
  s.bind(6, std::int64_t{server.known ? 1 : 0});
  if (server.known && server.state) {
    s.bind_blob(7, encode_state(*server.state));
  } else {
    s.bind_null(7);
  }
  s.run();
}

void Replica::clear_rejection(const std::string& collection, const RecordId& id, ErrorCode code) {
  auto& s = impl_->db.cached("DELETE FROM fs_rejections WHERE collection = ?1 AND id = ?2 AND code = ?3");
  sqlite::ResetGuard reset(s);
  s.bind(1, collection).bind(2, id_text(id)).bind(3, static_cast<std::int64_t>(code));
  s.run();
}

std::vector<PushRejection> Replica::rejections() const {
  auto& s = impl_->db.cached(
      "SELECT collection, id, code, reason, at_ms, server_known, server_state FROM fs_rejections "
      "ORDER BY at_ms, collection, id");
  sqlite::ResetGuard reset(s);
  std::vector<PushRejection> out;
  while (s.step()) {
    auto id = Uuid::parse(s.column_text(1));
    if (!id) throw Error(ErrorCode::kCorruptData, "a stored rejection has a malformed id");
    PushRejection rejection{std::string(s.column_text(0)), *id, static_cast<ErrorCode>(s.column_int(2)),
                            std::string(s.column_text(3)), static_cast<std::uint64_t>(s.column_int(4)), {}};
    rejection.server.known = s.column_int(5) != 0;
    if (rejection.server.known && !s.column_is_null(6)) rejection.server.state = decode_state(s.column_blob(6));
    out.push_back(std::move(rejection));
  }
  return out;
}

void Replica::note_server_states(std::span<const RecordState> states) {
  auto& impl = *impl_;
  if (states.empty()) return;
  {
    auto& any = impl.db.cached("SELECT EXISTS (SELECT 1 FROM fs_rejections WHERE server_known)");
    sqlite::ResetGuard reset(any);
    if (!any.step() || any.column_int(0) == 0) return;  // the usual case: one query per batch
  }
  impl.in_transaction([&] {
    auto& find = impl.db.cached(
        "SELECT server_state FROM fs_rejections WHERE collection = ?1 AND id = ?2 AND server_known");
    auto& update = impl.db.cached("UPDATE fs_rejections SET server_state = ?3 WHERE collection = ?1 AND id = ?2");
    for (const auto& received : states) {
      const std::string key = id_text(received.id);
      RecordState copy;
      {
        sqlite::ResetGuard reset(find);
        find.bind(1, received.collection).bind(2, key);
        if (!find.step()) continue;
        std::optional<RecordState> sorted;
        if (!is_canonical(received)) canonicalize(sorted.emplace(received));
        const RecordState& incoming = sorted ? *sorted : received;
        copy = find.column_is_null(0) ? incoming : fieldsync::merge(decode_state(find.column_blob(0)), incoming);
      }
      sqlite::ResetGuard reset(update);
      update.bind(1, received.collection).bind(2, key).bind_blob(3, encode_state(copy));
      update.run();
    }
  });
}

Dismissal Replica::dismiss_rejection(std::string_view collection, const RecordId& id) {
  auto& impl = *impl_;
  const auto& table = impl.table(collection);
  const std::string key = id_text(id);
  return impl.in_transaction([&] {
    auto& find = impl.db.cached(
        "SELECT code, server_known, server_state FROM fs_rejections WHERE collection = ?1 AND id = ?2");
    ServerCopy server;
    {
      sqlite::ResetGuard reset(find);
      find.bind(1, table.name()).bind(2, key);
      if (!find.step()) throw Error(ErrorCode::kNotFound, table.name() + " " + key + " has no refusal to dismiss");
      if (static_cast<ErrorCode>(find.column_int(0)) == ErrorCode::kUnverifiedHistory) {
        throw Error(ErrorCode::kInvalidArgument,
                    "the refusal of " + table.name() + " " + key +
                        " cannot be dismissed: the record carries writes from another phone that the server has "
                        "not received yet; it stays queued and goes at each sync until the server accepts it");
      }
      server.known = find.column_int(1) != 0;
      if (server.known && !find.column_is_null(2)) server.state = decode_state(find.column_blob(2));
    }
    auto& drop = impl.db.cached("DELETE FROM fs_rejections WHERE collection = ?1 AND id = ?2");
    {
      sqlite::ResetGuard reset(drop);
      drop.bind(1, table.name()).bind(2, key);
      drop.run();
    }
    if (!server.known) return Dismissal::kKept;
    auto& unqueue = impl.db.cached("DELETE FROM fs_outbox WHERE collection = ?1 AND id = ?2");
    {
      sqlite::ResetGuard reset(unqueue);
      unqueue.bind(1, table.name()).bind(2, key);
      unqueue.run();
    }
    if (!server.state) {
      // A refused creation (or a record the user may not see): nothing of it stays.
      auto& remove = impl.db.cached("DELETE FROM " + quoted(table.name()) + " WHERE id = ?1");
      sqlite::ResetGuard reset(remove);
      remove.bind(1, key);
      remove.run();
      return Dismissal::kRemoved;
    }
    if (server.state->collection != table.name() || server.state->id != id) {
      throw Error(ErrorCode::kCorruptData, "the server's copy kept with the refusal of " + table.name() + " " + key +
                                               " is another record's");
    }
    const auto stored = table.load(impl.db, key);
    impl.observe_stamps(*server.state);
    impl.store(table, key, *server.state, ++impl.seq,
               stored ? CollectionTable::Row::kExisting : CollectionTable::Row::kNew);
    return Dismissal::kReverted;
  });
}

std::optional<std::string> Replica::setting(std::string_view key) const { return impl_->setting(key); }

void Replica::set_setting(std::string_view key, std::string_view value) {
  auto& s = impl_->db.cached(
      "INSERT INTO fs_settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  sqlite::ResetGuard reset(s);
  s.bind(1, key).bind(2, value);
  s.run();
}

std::string Replica::integrity_check() const {
  sqlite::Statement s(impl_->db.handle(), "PRAGMA integrity_check");
  std::string result;
  while (s.step()) result += (result.empty() ? "" : "\n") + std::string(s.column_text(0));
  return result;
}

ReplicaId Replica::take_new_replica_id() {
  auto& impl = *impl_;
  impl.in_transaction([&] {
    const ReplicaId old_id = impl.replica_id;
    impl.replica_id = impl.ids.make_v4();
    auto& rename = impl.db.cached("UPDATE fs_replica SET replica_id = ?1");
    {
      sqlite::ResetGuard reset(rename);
      rename.bind_blob(1, impl.replica_id.raw());
      rename.run();
    }
    auto& requeue = impl.db.cached("UPDATE fs_outbox SET change = ?3 WHERE collection = ?1 AND id = ?2");
    for (const auto& entry : outbox()) {
      RecordState state = entry.state;
      const Dot dot{impl.replica_id, ++impl.counter};
      const Hlc stamp = impl.hlc.tick();
      for (auto& field : state.fields) {
        for (auto& sibling : field.siblings) {
          if (sibling.dot.replica == old_id) sibling = Sibling{sibling.value, dot, stamp};
        }
      }
      state.vv.erase(old_id);
      state.vv.advance(dot.replica, dot.counter);
      canonicalize(state);
      const auto& table = impl.table(state.collection);
      const std::string key = id_text(state.id);
      impl.store(table, key, state, ++impl.seq, CollectionTable::Row::kExisting);
      sqlite::ResetGuard reset(requeue);
      requeue.bind(1, state.collection).bind(2, key).bind(3, static_cast<std::int64_t>(dot.counter));
      requeue.run();
    }
  });
  return impl.replica_id;
}

ClockCorrection Replica::correct_clock(std::int64_t offset_ms) {
  auto& impl = *impl_;
  return impl.in_transaction([&] {
    ClockCorrection done{impl.corrected.offset_ms(), impl.corrected.offset_ms(), 0};
    const std::int64_t delta = offset_ms - done.previous_offset_ms;
    if (delta > kClockToleranceMs || delta < -kClockToleranceMs) done.offset_ms = offset_ms;
    std::uint64_t stamped_since = 0;  // own writes after this counter were stamped with the old offset
    if (auto text = setting(kClockOffsetCounterSetting)) {
      std::from_chars(text->data(), text->data() + text->size(), stamped_since);
    }
    const std::int64_t shift = done.offset_ms - done.previous_offset_ms;
    impl.corrected.set_offset_ms(done.offset_ms);
    const std::uint64_t now = impl.corrected.now_ms();
    for (auto& entry : outbox()) {
      bool changed = false;
      for (auto& field : entry.state.fields) {
        for (auto& sibling : field.siblings) {
          if (sibling.dot.replica != impl.replica_id) continue;  // only our own writes
          Hlc stamp = sibling.hlc;
          if (sibling.dot.counter > stamped_since) {
            const Hlc moved = shifted(sibling.hlc, shift);
            // A clock set back after a sync left stamps pinned at the last one the HLC had
            // seen (it never goes back), not at the wall clock: moving those forward would
            // put them at or past now, ahead of edits made meanwhile. They stay where they are.
            if (shift < 0 || moved.ms() <= now) stamp = moved;
          }
          if (stamp.ms() > now) stamp = Hlc(now, 0);  // written no later than now
          if (stamp != sibling.hlc) {
            sibling.hlc = stamp;
            changed = true;
            ++done.restamped;
          }
        }
      }
      if (!changed) continue;
      const auto& table = impl.table(entry.state.collection);
      impl.store(table, id_text(entry.state.id), entry.state, ++impl.seq, CollectionTable::Row::kExisting);
    }
    // Stamps issued from now on follow the corrected clock, not a future it ran ahead to.
    if (impl.hlc.last().ms() > now) impl.hlc = HybridClock(impl.corrected, Hlc(now, 0));
    set_setting(kClockOffsetSetting, std::to_string(done.offset_ms));
    set_setting(kClockOffsetCounterSetting, std::to_string(impl.counter));
    return done;
  });
}

sqlite::Database& Replica::database() { return impl_->db; }

bool Record::deleted() const {
  const auto& v = value(kDeletedField);
  const bool* b = std::get_if<bool>(&v);
  return b && *b;
}

const Value& Record::value(std::string_view field) const {
  auto index = collection->field_index(field);
  if (!index) throw Error(ErrorCode::kUnknownField, "collection '" + collection->name + "' has no field '" + std::string(field) + "'");
  return values[*index];
}

}  // namespace fieldsync
