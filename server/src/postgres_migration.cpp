// `fieldsync-server migrate --to postgresql://...`: the embedded store copied into an
// empty PostgreSQL store, so that phones carry on against it without a resync.
#include <filesystem>

#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/sqlite.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/server/postgres_store.hpp"
#include "fieldsync/server/sqlite_store.hpp"
#include "postgres_store_impl.hpp"

namespace fieldsync::server {
namespace {

constexpr const char* kSqliteFile = "fieldsync-server.db";
constexpr std::size_t kRecordPage = 1000;

// Every row of `sql`, each column as text (the embedded store's columns are text and
// integers; an integer reads as its decimal text).
std::vector<std::vector<std::string>> read_rows(sqlite::Database& db, const std::string& sql, int columns) {
  auto& s = db.cached(sql);
  sqlite::ResetGuard reset(s);
  std::vector<std::vector<std::string>> rows;
  while (s.step()) {
    auto& row = rows.emplace_back();
    for (int c = 0; c < columns; ++c) row.emplace_back(s.column_text(c));
  }
  return rows;
}

}  // namespace

StoreMigration migrate_sqlite_to_postgres(const std::filesystem::path& data_dir, const std::string& url,
                                          const Schema& schema, const Clock& clock) {
  if (!std::filesystem::exists(data_dir / kSqliteFile)) {
    throw Error(ErrorCode::kNotFound, "no embedded store in " + data_dir.string() + " (no " + kSqliteFile + ")");
  }
  // Opened as the server would first, so that its own migrations are applied.
  open_sqlite_store(data_dir, schema, clock).reset();
  Replica source = Replica::open((data_dir / kSqliteFile).string(), schema);
  sqlite::Database& db = source.database();
  PostgresStore target(url, schema, clock, Limits{}.max_audit_text_bytes, 1);

  StoreMigration done;
  target.in_transaction([&](pqxx::transaction_base& txn) {
    const auto held = txn.exec("SELECT (SELECT count(*) FROM srv_records) + (SELECT count(*) FROM srv_users) + "
                               "(SELECT count(*) FROM srv_replicas) + (SELECT head FROM srv_sequence)")[0][0]
                          .as<std::int64_t>();
    if (held != 0) {
      throw Error(ErrorCode::kAlreadyExists,
                  "the PostgreSQL store is not empty: migrate copies into a store no server has used yet");
    }
    // Records keep their sequence numbers: phones' checkpoints stay valid.
    std::uint64_t after = 0;
    for (;;) {
      ChangeBatch batch = source.changes_since(after, kRecordPage);
      for (std::size_t i = 0; i < batch.states.size(); ++i) {
        const RecordState& state = batch.states[i];
        const RecordRow row = record_row(schema.require(state.collection), state);
        const std::string bytes = encode_state(state);
        txn.exec_params("INSERT INTO srv_records (collection, id, seq, deleted, state, shown, territory, scope_parent) "
                        "VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)",
                        state.collection, state.id.to_string(), batch.seqs[i], row.deleted,
                        pqxx::binarystring(bytes.data(), bytes.size()), row.shown, row.scope.territory,
                        row.scope.scope_parent);
        ++done.records;
      }
      after = batch.to_seq;
      if (!batch.more) break;
    }
    done.head = source.last_seq();
    txn.exec_params("UPDATE srv_sequence SET head = $1", done.head);

    for (const auto& u : read_rows(db, "SELECT name, role, territories, disabled, display_name FROM srv_users", 5)) {
      txn.exec_params("INSERT INTO srv_users (name, role, territories, disabled, display_name) "
                      "VALUES ($1, $2, $3, $4::integer <> 0, $5)",
                      pg_text(u[0]), u[1], pg_text(u[2]), u[3], pg_text(u[4]));
      ++done.users;
    }
    for (const auto& t : read_rows(db, "SELECT token_id, secret_hash, user, issued_ms, expires_ms, revoked FROM srv_tokens", 6)) {
      txn.exec_params("INSERT INTO srv_tokens (token_id, secret_hash, user_name, issued_ms, expires_ms, revoked) "
                      "VALUES ($1, $2, $3, $4::bigint, $5::bigint, $6::integer <> 0)",
                      t[0], t[1], pg_text(t[2]), t[3], t[4], t[5]);
      ++done.tokens;
    }
    for (const auto& r : read_rows(db,
                                   "SELECT replica_id, user, max_counter, first_seen_ms, last_seen_ms, epoch, pending_epoch, "
                                   "generation, checkpoint, full_pull_seq, full_pull_scope FROM srv_replicas",
                                   11)) {
      txn.exec_params(
          "INSERT INTO srv_replicas (replica_id, user_name, max_counter, first_seen_ms, last_seen_ms, epoch, "
          "pending_epoch, generation, checkpoint, full_pull_seq, full_pull_scope) "
          "VALUES ($1, $2, $3::bigint, $4::bigint, $5::bigint, $6, $7, $8, $9::bigint, $10::bigint, $11)",
          r[0], pg_text(r[1]), r[2], r[3], r[4], pg_text(r[5]), pg_text(r[6]), pg_text(r[7]), r[8], r[9], pg_text(r[10]));
      ++done.replicas;
    }
    for (const auto& m : read_rows(db, "SELECT from_territory, to_territory, seq FROM srv_territory_moves", 3)) {
      txn.exec_params("INSERT INTO srv_territory_moves (from_territory, to_territory, seq) VALUES ($1, $2, $3::bigint)",
                      pg_text(m[0]), pg_text(m[1]), m[2]);
    }
    // In entry order, so that history reads as it did.
    for (const auto& a : read_rows(db,
                                   "SELECT at_ms, seq, user, replica, collection, id, action, fields, detail, changes "
                                   "FROM srv_audit ORDER BY entry",
                                   10)) {
      txn.exec_params(
          "INSERT INTO srv_audit (at_ms, seq, user_name, replica, collection, id, action, fields, detail, changes) "
          "VALUES ($1::bigint, $2::bigint, $3, $4, $5, $6, $7, $8, $9, $10)",
          a[0], a[1], pg_text(a[2]), pg_text(a[3]), pg_text(a[4]), pg_text(a[5]), a[6], pg_text(a[7]), pg_text(a[8]),
          pg_text(a[9]));
      ++done.audit_entries;
    }
    // The generation too: phones that see the same one carry on from their checkpoints.
    const std::pair<const char*, const char*> settings[] = {{"server.generation", kGenerationKey},
                                                            {"server.accounts_generation", kAccountsGenerationKey},
                                                            {"server.collected_seq", kCollectedSeqKey}};
    for (const auto& [from, to] : settings) {
      if (auto value = source.setting(from)) {
        txn.exec_params("INSERT INTO srv_settings (key, value) VALUES ($1, $2) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        std::string(to), *value);
      }
    }
  });
  return done;
}

}  // namespace fieldsync::server
