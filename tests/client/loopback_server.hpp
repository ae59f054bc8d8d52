#pragma once

// A minimal WebSocket front for the server's SyncService, for the client tests: the real
// protocol, the real SQLite store and real sockets on 127.0.0.1, without the production
// server's configuration, logging and metrics endpoint. Same contract as the production
// endpoint: GET /sync with `Authorization: Bearer <token>`, HTTP 401 with the reason as
// the body for a bad token, one Envelope per binary frame.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "fieldsync/core/clock.hpp"
#include "fieldsync/server/limits.hpp"
#include "fieldsync/server/metrics.hpp"
#include "fieldsync/server/principal.hpp"
#include "fieldsync/server/store.hpp"
#include "fieldsync/server/sync_service.hpp"

namespace fieldsync::test {

class LoopbackSession;

// Owns the store (reopened on every start, as a restarted process would), the
// SyncService and one I/O thread. start() and stop() from the test thread only.
class LoopbackServer {
 public:
  explicit LoopbackServer(std::filesystem::path data_dir, server::Limits limits = {});
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  // Listens on 127.0.0.1:`port` (0: any free port).
  void start(std::uint16_t port = 0);
  // Closes the listener and every connection, waits for the I/O thread, closes the store.
  void stop();
  bool running() const { return thread_.joinable(); }

  std::uint16_t port() const { return port_; }
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/sync"; }
  // Adds a user to the store and returns a fresh token for them. Server running only.
  std::string add_user(const std::string& name, server::Role role, std::vector<std::string> territories = {});
  server::Store& store() { return *store_; }

 private:
  void accept();

  std::filesystem::path data_dir_;
  server::Limits limits_;
  SystemClock clock_;
  server::Metrics metrics_;
  std::unique_ptr<server::Store> store_;
  std::unique_ptr<server::SyncService> service_;
  std::unique_ptr<boost::asio::io_context> io_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::uint16_t port_ = 0;
  std::mutex sessions_mutex_;
  std::vector<std::weak_ptr<LoopbackSession>> sessions_;
  std::thread thread_;
};

}  // namespace fieldsync::test
