#include "store_selection.hpp"

#include "fieldsync/server/postgres_store.hpp"
#include "fieldsync/server/sqlite_store.hpp"

namespace fieldsync::server {

std::unique_ptr<Store> open_configured_store(const ServerConfig& config, const Schema& schema, const Clock& clock) {
  if (config.store.empty()) {
    SqliteStoreOptions options;
    options.durable = config.durable;
    options.max_audit_text_bytes = config.limits.max_audit_text_bytes;
    options.background_checkpoints = true;
    return open_sqlite_store(config.data_dir, schema, clock, options);
  }
  // One connection per I/O thread, and one for the server's timers.
  return open_postgres_store(config.store, schema, clock, config.limits.max_audit_text_bytes, config.threads + 1);
}

}  // namespace fieldsync::server
