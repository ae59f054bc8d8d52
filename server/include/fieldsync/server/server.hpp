#pragma once

#include <cstdint>
#include <memory>

#include "fieldsync/core/clock.hpp"
#include "fieldsync/server/config.hpp"
#include "fieldsync/server/metrics.hpp"
#include "fieldsync/server/store.hpp"

namespace fieldsync::server {

// The sync server: an io_context run on `config.threads` I/O threads, a pool of
// `config.store_threads` store workers (every store call and live fan-out run there), the
// store in the data directory, the metrics, the SyncService and a listener serving HTTP
// (health, metrics, history) and WebSocket sync on one port. Usable in-process (tests) as
// well as from main().
//
// Threads: construct, start(), stop() and destroy from one controlling thread that is not
// one of the server's threads (stop() joins them). store() and metrics() are
// thread-safe and may be used while the server runs.
class Server {
 public:
  // Opens (or creates) the store in config.data_dir. Throws Error on a bad data directory.
  // `clock` (default: the system clock) must outlive the server.
  explicit Server(ServerConfig config, const Clock* clock = nullptr);
  // Serves `store` instead of opening one in config.data_dir (tests wrap a store to slow
  // or watch it; another kind of store).
  Server(ServerConfig config, std::unique_ptr<Store> store, const Clock* clock = nullptr);
  ~Server();  // stop()s
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the I/O threads. Throws Error(kIo) if the address cannot be
  // bound. When it returns, port() is the bound port and connections are being accepted.
  void start();
  std::uint16_t port() const;
  // TCP connections holding a place under max_connections now (sync, HTTP, handshakes);
  // 0 before start().
  std::size_t open_connections() const;

  // Stops accepting, asks every session to close (WebSocket sessions get an Error
  // kShuttingDown and a close frame), waits for them to finish (at most the handshake
  // timeout plus a second), then joins the I/O threads and the store workers (store work
  // under way finishes first). A push being handled when stop() is called either commits
  // and is acked, or is not acked (then the client re-sends it).
  // Idempotent.
  void stop();

  // Collects tombstones now, with the configured horizon, and logs what it did; the server
  // also does so every config.tombstones.interval. Thread-safe.
  TombstoneCollection collect_tombstones();
  // Removes the audit entries older than config.audit.retention now (none when it is 0)
  // and returns how many went; the server also does so with every tombstone collection.
  std::size_t prune_audit();

  Store& store();
  Metrics& metrics();
  const ServerConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fieldsync::server
