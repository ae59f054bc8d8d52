#pragma once

#include <gtest/gtest.h>

// The production sync server (fieldsync::server::Server) in-process on 127.0.0.1, for the
// client tests: the real HTTP upgrade, sessions, SyncService and SQLite store, on a data
// directory that survives a stop() so that start() again behaves like a restarted process.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fieldsync/core/clock.hpp"
#include "fieldsync/server/server.hpp"
#include "fieldsync/test/pg_database.hpp"
#include "fieldsync/test/temp_dir.hpp"

namespace fieldsync::test {

// start() and stop() from the test thread only (Server's own rule).
class TestServer {
 public:
  explicit TestServer(std::filesystem::path data_dir) : data_dir_(std::move(data_dir)) {}
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  // Listens on 127.0.0.1:`port` (0: any free port), on the same data directory as before;
  // `adjust` may change the configuration first (limits).
  void start(std::uint16_t port = 0, const std::function<void(server::ServerConfig&)>& adjust = {}) {
    if (running()) return;
    server::ServerConfig config;
    config.address = "127.0.0.1";
    config.port = port;
    config.data_dir = data_dir_;
    config.threads = 2;
    config.durable = false;  // the tests need speed, not power-loss safety
    config.store = test_store_for(data_dir_);  // PostgreSQL in the suite's second run
    if (adjust) adjust(config);
    server_ = std::make_unique<server::Server>(config);
    server_->start();
    port_ = server_->port();
  }
  // Graceful, as on SIGTERM: sessions get Error shutting_down and a close frame.
  void stop() { server_.reset(); }
  bool running() const { return server_ != nullptr; }

  std::uint16_t port() const { return port_; }
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/sync"; }
  // Adds a user and returns a fresh token for them. Server running only.
  std::string add_user(const std::string& name, server::Role role, std::vector<std::string> territories = {}) {
    store().add_user(server::UserRecord{name, role, std::move(territories)});
    constexpr std::uint64_t kDay = 24ull * 60 * 60 * 1000;
    return store().issue_token(name, kDay, SystemClock().now_ms()).token;
  }
  server::Store& store() { return server_->store(); }

 private:
  std::filesystem::path data_dir_;
  std::unique_ptr<server::Server> server_;
  std::uint16_t port_ = 0;
};

// A running server with one supervisor, sam, whose token is token_.
class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.start();
    token_ = server_.add_user("sam", server::Role::kSupervisor);
  }

  TempDir dir_;
  TestServer server_{dir_.path() / "server"};
  std::string token_;
};

}  // namespace fieldsync::test
