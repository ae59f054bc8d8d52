#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "fieldsync/core/clock.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/server/limits.hpp"
#include "fieldsync/server/store.hpp"

namespace fieldsync::server {

// True for a store URL naming a PostgreSQL database ("postgresql://..." or "postgres://...").
bool is_postgres_url(std::string_view url);

// The PostgreSQL store: records, users, hashed tokens, replicas and the audit log in the
// database `url` names (a libpq URL, e.g. postgresql://fieldsync@db.example/fieldsync), so
// that several server processes can serve one company. The server creates its tables and
// migrates them (numbered migrations, recorded in srv_migrations); the database must exist.
// `connections`: how many connections the store keeps for concurrent calls. See
// docs/architecture.md, "PostgreSQL store", for how pushes from several servers keep the
// server sequence gap-free. Throws Error(kStorage) when the database cannot be reached.
std::unique_ptr<Store> open_postgres_store(const std::string& url, const Schema& schema, const Clock& clock,
                                           std::size_t max_audit_text_bytes = Limits{}.max_audit_text_bytes,
                                           std::size_t connections = 4);

// Starts a new store generation (what a restore from a backup means to phones: they
// re-send everything they hold and pull from the start). For a database restored by
// pg_restore; running servers pick it up at each replica's next hello. Returns it.
std::string start_new_postgres_generation(const std::string& url, const Schema& schema, const Clock& clock);

// What migrate_sqlite_to_postgres copied.
struct StoreMigration {
  std::size_t records = 0;
  std::size_t users = 0;
  std::size_t tokens = 0;
  std::size_t replicas = 0;
  std::size_t audit_entries = 0;
  std::uint64_t head = 0;
};

// Copies the embedded store in `data_dir` (the server stopped) into the PostgreSQL
// database `url`, which must hold no records, users or replicas yet: records with their
// server sequences, users, token hashes, replicas (epochs, counters, checkpoints),
// territory moves, the audit log, the store generation, accounts generation and collected
// sequence. Phones carry on against the new store without a resync. One transaction:
// nothing is copied on failure.
StoreMigration migrate_sqlite_to_postgres(const std::filesystem::path& data_dir, const std::string& url,
                                          const Schema& schema, const Clock& clock);

}  // namespace fieldsync::server
