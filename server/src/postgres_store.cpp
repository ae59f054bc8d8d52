// The PostgreSQL store: records, the server sequence, and the store's plumbing.
// Pushes keep the sequence gap-free for pullers across several servers; see
// docs/architecture.md, "PostgreSQL store".
#include "fieldsync/server/postgres_store.hpp"

#include <algorithm>
#include <deque>

#include <nlohmann/json.hpp>
#include <pqxx/binarystring>

#include "audit_changes.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "postgres_store_impl.hpp"
#include "tokens.hpp"

namespace fieldsync::server {
namespace {

// A push that met a deadlock (possible only with a hash collision of lock keys taken in
// another order, or against an admin command) is run again from the start.
constexpr int kPushAttempts = 5;

// FNV-1a: the same 64-bit key in every server process, for pg_advisory_xact_lock.
std::int64_t lock_key(std::initializer_list<std::string_view> parts) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (auto part : parts) {
    for (unsigned char c : part) hash = (hash ^ c) * 0x100000001b3ULL;
    hash = (hash ^ 0xff) * 0x100000001b3ULL;  // separator: ("ab","c") differs from ("a","bc")
  }
  return static_cast<std::int64_t>(hash);
}

std::vector<std::string> pushed_field_names(const RecordState& state) {
  std::vector<std::string> names;
  names.reserve(state.fields.size());
  for (const auto& field : state.fields) names.push_back(field.name);
  return names;
}

// What one record of a push did, kept until its sequence number is known.
struct PgMergedRow {
  std::size_t index = 0;
  std::vector<std::string> changed_fields;
  std::vector<std::string> opened_conflicts;
  std::vector<std::string> settled_conflicts;
  std::optional<RecordState> before;
  RecordState state;
};

struct PgRefusal {
  std::size_t index = 0;
  std::string collection;
  std::string id;
  ErrorCode code = ErrorCode::kInvalidValue;
  std::string reason;
};

}  // namespace

RecordRow record_row(const CollectionSchema& collection, const RecordState& state) {
  // `_deleted` is the schema's last field.
  const std::vector<Value> shown = resolve_all(collection, state);
  nlohmann::json by_field = nlohmann::json::object();
  RecordRow row;
  for (std::size_t f = 0; f < collection.fields.size(); ++f) {
    if (collection.fields[f].name == kDeletedField) {
      row.deleted = std::holds_alternative<bool>(shown[f]) && std::get<bool>(shown[f]);
    } else if (!is_null(shown[f])) {
      by_field[collection.fields[f].name] = value_key(shown[f]);
    }
  }
  row.shown = by_field.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  row.scope = record_scope_columns(collection, shown);
  return row;
}

bool is_postgres_url(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

PostgresStore::PostgresStore(const std::string& url, const Schema& schema, const Clock& clock,
                             std::size_t audit_text_bytes, std::size_t connections)
    : schema_(&schema), clock_(&clock), audit_text_bytes_(audit_text_bytes), pool_(url, connections), commits_(url) {
  try {
    auto connection = pool_.lease();
    migrate_postgres_schema(*connection, schema);
  } catch (const pqxx::failure& e) {
    throw Error(ErrorCode::kStorage, std::string("PostgreSQL store: cannot migrate its tables: ") + e.what());
  }
  in_transaction([&](pqxx::transaction_base& txn) {
    txn.exec_params("INSERT INTO srv_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
                    std::string(kGenerationKey), random_hex(8));
  });
}

PostgresStore::OpenTransaction::OpenTransaction(PostgresStore& store, pqxx::transaction_base& txn) : store_(&store) {
  std::lock_guard lock(store.open_mutex_);
  store.open_[std::this_thread::get_id()] = &txn;
}

PostgresStore::OpenTransaction::~OpenTransaction() {
  std::lock_guard lock(store_->open_mutex_);
  store_->open_.erase(std::this_thread::get_id());
}

pqxx::transaction_base* PostgresStore::open_transaction() {
  std::lock_guard lock(open_mutex_);
  auto it = open_.find(std::this_thread::get_id());
  return it == open_.end() ? nullptr : it->second;
}

std::uint64_t PostgresStore::read_head(pqxx::transaction_base& txn) {
  return txn.exec("SELECT head FROM srv_sequence")[0][0].as<std::uint64_t>();
}

std::optional<RecordState> PostgresStore::load(pqxx::transaction_base& txn, const std::string& collection,
                                               const std::string& id, bool for_update) {
  auto rows = txn.exec_params(std::string("SELECT state FROM srv_records WHERE collection = $1 AND id = $2") +
                                  (for_update ? " FOR UPDATE" : ""),
                              collection, id);
  if (rows.empty()) return std::nullopt;
  const pqxx::binarystring bytes(rows[0][0]);
  return decode_state(std::string_view(bytes.get(), bytes.size()));
}

std::string PostgresStore::generation() {
  return in_transaction([&](pqxx::transaction_base& txn) { return read_setting(txn, kGenerationKey).value_or(""); });
}

void PostgresStore::backup(const std::filesystem::path&) {
  throw Error(ErrorCode::kInvalidArgument,
              "a PostgreSQL store is backed up with pg_dump, not by fieldsync-server (docs/operations.md)");
}

std::uint64_t PostgresStore::head() {
  return in_transaction([&](pqxx::transaction_base& txn) { return read_head(txn); });
}

std::optional<RecordState> PostgresStore::get(const std::string& collection, const RecordId& id) {
  if (!schema_->collection(collection)) return std::nullopt;
  return in_transaction([&](pqxx::transaction_base& txn) { return load(txn, collection, id.to_string(), false); });
}

std::optional<RecordId> PostgresStore::alive_record_with(const std::string& collection, const std::string& field,
                                                         const Value& value, const RecordId& except) {
  if (!schema_->require(collection).field(field)) {
    throw Error(ErrorCode::kUnknownField, collection + " has no field '" + field + "'");
  }
  // Literal names (the schema vouched for them), so that the planner matches the partial
  // index of a unique field.
  const std::string sql = "SELECT id FROM srv_records WHERE collection = " + quoted_literal(collection) +
                          " AND NOT deleted AND shown ->> " + quoted_literal(field) + " = $1 AND id <> $2 LIMIT 1";
  return in_transaction([&](pqxx::transaction_base& txn) -> std::optional<RecordId> {
    auto rows = txn.exec_params(sql, value_key(value), except.to_string());
    if (rows.empty()) return std::nullopt;
    return Uuid::parse(rows[0][0].as<std::string>());
  });
}

ChangePage PostgresStore::changes_since(std::uint64_t after_seq, std::size_t limit, const ReadScope& scope,
                                       const ReadCheck& visible, const HeldStates& held) {
  if (limit == 0) limit = std::numeric_limits<std::int32_t>::max();
  std::optional<ScopedChangesSql> scoped;
  std::string territories;
  if (scope.only) {
    scoped = scoped_changes_sql(*schema_, *scope.only);
    std::vector<std::string> texts;
    for (const auto& territory : scope.only->territories) texts.push_back(pg_text(territory));
    territories = text_array(texts);
  }
  // One snapshot for the head and the rows: every sequence number up to a committed head
  // is committed (pushes commit their numbers in order), so to_seq never passes a change
  // this page did not see.
  using Snapshot = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;
  return in_transaction<Snapshot>([&](pqxx::transaction_base& txn) {
    const std::uint64_t head = read_head(txn);
    ChangePage page;
    page.to_seq = after_seq;
    // Held changes fill a page of their own size (HeldStates::limit) besides the states.
    const std::size_t held_limit = !held ? 0 : held.limit ? held.limit : std::numeric_limits<std::int32_t>::max();
    std::optional<StateDigester> digest_of;
    std::string wire;
    if (held) digest_of.emplace();
    if (scoped && scoped->sql.empty()) {
      page.to_seq = std::max(after_seq, head);  // nothing in this scope to read
      return page;
    }
    do {
      const std::size_t want = (limit - page.states.size()) + (held_limit - page.held.size());
      // Within a scope, only its rows: the page's end then skips the others' changes.
      const pqxx::result rows =
          !scoped ? txn.exec_params("SELECT seq, state FROM srv_records WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
                                    page.to_seq, head, want)
          : scoped->binds_territories ? txn.exec_params(scoped->sql, page.to_seq, head, want, territories)
                                      : txn.exec_params(scoped->sql, page.to_seq, head, want);
      std::uint64_t read_to = page.to_seq;  // the rows up to here are in the page or hidden
      bool full = false;                    // a row did not fit: the page ends before it
      for (const auto& row : rows) {
        const auto seq = row[0].as<std::uint64_t>();
        const pqxx::binarystring bytes(row[1]);
        RecordState state = decode_state(std::string_view(bytes.get(), bytes.size()));
        if (!visible(state)) {
          read_to = seq;
          continue;
        }
        std::optional<StateDigest> held_digest;
        if (digest_of) {
          wire.clear();
          append_wire_state(wire, state);
          if (const StateDigest digest = (*digest_of)(wire); held.check(digest)) held_digest = digest;
        }
        if (held_digest ? page.held.size() == held_limit : page.states.size() == limit) {
          full = true;
          break;
        }
        if (held_digest) {
          page.held.push_back(*held_digest);
          page.held_seqs.push_back(seq);
        } else {
          page.states.push_back(std::move(state));
          page.seqs.push_back(seq);
        }
        read_to = seq;
      }
      if (full || (rows.size() == want && rows.back()[0].as<std::uint64_t>() < head)) {
        page.to_seq = full ? read_to : rows.back()[0].as<std::uint64_t>();
        page.more = true;
      } else {
        page.to_seq = std::max(after_seq, head);
        page.more = false;
      }
      if (full) break;
    } while (page.more && page.states.size() < limit && (!held || page.held.size() < held_limit));
    return page;
  });
}

PushResult PostgresStore::push(const PushContext& context, std::span<const RecordState> records,
                               const WriteCheck& check) {
  for (int attempt = 1;; ++attempt) {
    try {
      return in_transaction([&](pqxx::transaction_base& txn) { return push_once(txn, context, records, check); });
    } catch (const pqxx::transaction_rollback& e) {
      if (attempt >= kPushAttempts) {
        throw Error(ErrorCode::kStorage, std::string("PostgreSQL store: the push kept conflicting: ") + e.what());
      }
    }
  }
}

// One attempt, in one read-committed transaction:
//  1. the replica's row is locked (claim_epoch), then an advisory lock is taken for every
//     pushed record and every value a unique field is pushed with, all in one ascending
//     order, so that two pushes of one record (or one order number) through two servers
//     take turns and the second merges onto the first's commit;
//  2. each record is loaded (FOR UPDATE: a concurrent tombstone collection waits), merged
//     by sync-core's merge, judged by `check`, and written with no sequence number yet;
//  3. last, the one-row counter is advanced by the number of changed records and the rows
//     stamped. The counter's row lock is held to the commit, so the next push gets its
//     numbers only after this one is visible: numbers become visible in order.
PushResult PostgresStore::push_once(pqxx::transaction_base& txn, const PushContext& context,
                                    std::span<const RecordState> records, const WriteCheck& check) {
  claim_epoch(txn, context);
  PushResult result;
  std::vector<PgRefusal> refused;
  // Canonical, validated copies (states decoded from the wire are canonical already).
  std::vector<std::optional<RecordState>> sorted(records.size());
  std::vector<bool> valid(records.size(), false);
  std::vector<std::int64_t> keys;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!is_canonical(records[i])) canonicalize(sorted[i].emplace(records[i]));
    const RecordState& remote = sorted[i] ? *sorted[i] : records[i];
    try {
      validate_state(*schema_, remote);
    } catch (const Error& e) {
      refused.push_back({i, remote.collection, remote.id.to_string(), e.code(), e.what()});
      continue;
    }
    valid[i] = true;
    const std::string id = remote.id.to_string();
    keys.push_back(lock_key({"record", remote.collection, id}));
    for (const auto& field : schema_->require(remote.collection).fields) {
      if (!field.unique) continue;
      if (const FieldState* pushed = remote.field(field.name)) {
        for (const auto& sibling : pushed->siblings) {
          if (!is_null(sibling.value)) keys.push_back(lock_key({"unique", remote.collection, field.name, value_key(sibling.value)}));
        }
      }
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  if (!keys.empty()) {
    // Volatile functions in the select list run after the ORDER BY: the locks are taken in order.
    txn.exec_params("SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k ORDER BY k", number_array(keys));
  }

  std::vector<PgMergedRow> merged_rows;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!valid[i]) continue;
    const RecordState& remote = sorted[i] ? *sorted[i] : records[i];
    const std::string id = remote.id.to_string();
    std::optional<RecordState> stored = load(txn, remote.collection, id, true);
    RecordState merged = stored ? merge(*stored, remote) : remote;
    if (stored && merged == *stored) {
      continue;  // holds it already: never refused, no new sequence number
    }
    if (auto refusal = check(remote, stored ? &*stored : nullptr)) {
      refused.push_back({i, remote.collection, id, refusal->code, refusal->reason});
      continue;
    }
    const CollectionSchema& collection = schema_->require(remote.collection);
    PgMergedRow row{i, {}, {}, {}, stored, {}};
    for (const auto& f : merged.fields) {
      const FieldState* before = stored ? stored->field(f.name) : nullptr;
      const bool was_conflicted = before && before->conflicted();
      if (f.conflicted() && !was_conflicted) {
        ++result.conflicts_opened;
        row.opened_conflicts.push_back(f.name);
      }
      if (was_conflicted && !f.conflicted()) row.settled_conflicts.push_back(f.name);
      if (!before || before->siblings != f.siblings) row.changed_fields.push_back(f.name);
    }
    const RecordRow columns = record_row(collection, merged);
    const std::string bytes = encode_state(merged);
    txn.exec_params(
        "INSERT INTO srv_records (collection, id, seq, deleted, state, shown, territory, scope_parent) "
        "VALUES ($1, $2, NULL, $3, $4, $5::jsonb, $6, $7) "
        "ON CONFLICT (collection, id) DO UPDATE SET seq = NULL, deleted = excluded.deleted, state = excluded.state, "
        "shown = excluded.shown, territory = excluded.territory, scope_parent = excluded.scope_parent",
        remote.collection, id, columns.deleted, pqxx::binarystring(bytes.data(), bytes.size()), columns.shown,
        columns.scope.territory, columns.scope.scope_parent);
    row.state = std::move(merged);
    merged_rows.push_back(std::move(row));
  }

  // The last step before the commit: take the numbers and stamp the rows.
  std::uint64_t head = 0;
  std::vector<std::uint64_t> seqs;
  if (merged_rows.empty()) {
    head = read_head(txn);
  } else {
    head = txn.exec_params("UPDATE srv_sequence SET head = head + $1 RETURNING head",
                           static_cast<std::int64_t>(merged_rows.size()))[0][0]
               .as<std::uint64_t>();
    // Delivered at COMMIT to every server LISTENing (their live phones read by sequence);
    // PostgreSQL folds a transaction's identical notifications into one.
    txn.exec(std::string("NOTIFY ") + kCommitChannel);
    std::map<std::pair<std::string, std::string>, std::int64_t> stamp;  // a record pushed twice: its last number
    for (std::size_t r = 0; r < merged_rows.size(); ++r) {
      seqs.push_back(head - merged_rows.size() + 1 + r);
      stamp[{merged_rows[r].state.collection, merged_rows[r].state.id.to_string()}] = static_cast<std::int64_t>(seqs.back());
    }
    std::vector<std::string> collections, ids;
    std::vector<std::int64_t> numbers;
    for (const auto& [key, seq] : stamp) {
      collections.push_back(key.first);
      ids.push_back(key.second);
      numbers.push_back(seq);
    }
    txn.exec_params(
        "UPDATE srv_records AS r SET seq = v.seq FROM unnest($1::text[], $2::text[], $3::bigint[]) AS v(collection, id, seq) "
        "WHERE r.collection = v.collection AND r.id = v.id",
        text_array(collections), text_array(ids), number_array(numbers));
  }

  // The audit log in batch order, refusals and accepted changes interleaved as pushed.
  std::sort(refused.begin(), refused.end(), [](const PgRefusal& a, const PgRefusal& b) { return a.index < b.index; });
  std::vector<bool> is_refused(records.size(), false);
  for (const auto& refusal : refused) is_refused[refusal.index] = true;
  std::vector<PendingAudit> entries;
  auto refusal = refused.begin();
  auto audit_refusals_before = [&](std::size_t index) {
    for (; refusal != refused.end() && refusal->index < index; ++refusal) {
      // The reason and the field names, never the values: a refused record may be large.
      entries.push_back({0, refusal->collection, refusal->id, "refused", pushed_field_names(records[refusal->index]),
                         refusal->reason, {}});
      result.refused.push_back({refusal->index, refusal->code, refusal->reason});
    }
  };
  for (std::size_t r = 0; r < merged_rows.size(); ++r) {
    auto& row = merged_rows[r];
    audit_refusals_before(row.index);
    const auto& state = row.state;
    const RecordState* old_state = row.before ? &*row.before : nullptr;
    const ChangeDescriber describe(schema_->require(state.collection), audit_text_bytes_);
    const std::string id = state.id.to_string();
    entries.push_back({seqs[r], state.collection, id, "accepted", row.changed_fields, "",
                       describe.shown_changes(old_state, state, row.changed_fields)});
    if (!row.opened_conflicts.empty()) {
      entries.push_back({seqs[r], state.collection, id, "conflict_opened", row.opened_conflicts, "",
                         describe.opened(old_state, state, row.opened_conflicts)});
    }
    if (!row.settled_conflicts.empty() && row.before) {
      entries.push_back({seqs[r], state.collection, id, "conflict_settled", row.settled_conflicts, "",
                         describe.settled(*row.before, state, row.settled_conflicts)});
    }
    result.committed.push_back({std::move(row.state), seqs[r]});
  }
  audit_refusals_before(records.size());
  write_audit(txn, context, entries);

  std::uint64_t pusher_counter = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!is_refused[i]) pusher_counter = std::max(pusher_counter, records[i].vv.get(context.replica));
  }
  if (pusher_counter) {
    txn.exec_params("UPDATE srv_replicas SET max_counter = greatest(max_counter, $2) WHERE replica_id = $1",
                    context.replica.to_string(), static_cast<std::int64_t>(pusher_counter));
  }
  result.head = head;
  return result;
}

// Only the session holding the replica's latest epoch may write under its id (as the
// embedded store: the first push makes a pending epoch the current one). The row stays
// locked to the commit, so a hello racing this push waits for it.
void PostgresStore::claim_epoch(pqxx::transaction_base& txn, const PushContext& context) {
  const std::string id = context.replica.to_string();
  auto rows = txn.exec_params("SELECT epoch, pending_epoch FROM srv_replicas WHERE replica_id = $1 FOR UPDATE", id);
  if (!rows.empty()) {
    const auto epoch = rows[0][0].as<std::string>();
    const auto pending = rows[0][1].as<std::string>();
    if (!context.epoch.empty() && pending == context.epoch) {
      txn.exec_params("UPDATE srv_replicas SET epoch = pending_epoch, pending_epoch = '' WHERE replica_id = $1", id);
      return;
    }
    if (pending.empty() && epoch == context.epoch) return;
  }
  throw Error(ErrorCode::kReplicaIdReused,
              "another copy of this database has synced since this session began: it must take a new replica id");
}

std::unique_ptr<Store> open_postgres_store(const std::string& url, const Schema& schema, const Clock& clock,
                                           std::size_t max_audit_text_bytes, std::size_t connections) {
  return std::make_unique<PostgresStore>(url, schema, clock, max_audit_text_bytes, connections);
}

std::string start_new_postgres_generation(const std::string& url, const Schema& schema, const Clock& clock) {
  PostgresStore store(url, schema, clock, Limits{}.max_audit_text_bytes, 1);
  const std::string generation = random_hex(8);
  store.in_transaction([&](pqxx::transaction_base& txn) {
    txn.exec_params("UPDATE srv_settings SET value = $2 WHERE key = $1", std::string(kGenerationKey), generation);
  });
  return generation;
}

}  // namespace fieldsync::server
