#pragma once

#include <filesystem>
#include <memory>

#include "fieldsync/core/clock.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/server/limits.hpp"
#include "fieldsync/server/store.hpp"

namespace fieldsync::server {

// The embedded store: one SQLite file `fieldsync-server.db` in `data_dir` holding the
// records (a sync-core replica that never writes locally: its change sequence is the
// server sequence), users, hashed tokens, registered replicas and the audit log.
// `durable` commits with synchronous=FULL, so an acked push survives power loss. Texts an
// audit entry takes from a client (reason, field names, collection) are cut to
// `max_audit_text_bytes` each (Limits::max_audit_text_bytes).
std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& data_dir, const Schema& schema,
                                         const Clock& clock, bool durable = true,
                                         std::size_t max_audit_text_bytes = Limits{}.max_audit_text_bytes);

struct SqliteStoreOptions {
  bool durable = true;
  std::size_t max_audit_text_bytes = Limits{}.max_audit_text_bytes;
  // Copy the write-ahead log into the database file (a WAL checkpoint) on a connection and
  // thread of the store's own, every 250 ms, instead of in the commit that crosses SQLite's
  // 1000-page mark: a push or hello then never waits for a checkpoint and its syncs. The
  // server runs with it; the commit's own checkpoint stays as a backstop at 10 000 pages.
  bool background_checkpoints = false;
};
std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& data_dir, const Schema& schema,
                                         const Clock& clock, const SqliteStoreOptions& options);

// Replaces the store in `data_dir` (the server must be stopped) with a copy of `backup`
// (made by Store::backup) after checking the copy's integrity, and starts a new store
// generation: replicas seeing it re-send everything they hold and pull from the start, so
// writes acknowledged after the backup was made come back. The replaced database is kept
// as fieldsync-server.db.before-restore. Throws Error (nothing replaced) on a bad backup.
void restore_sqlite_store(const std::filesystem::path& data_dir, const std::filesystem::path& backup,
                          const Schema& schema, const Clock& clock);

}  // namespace fieldsync::server
