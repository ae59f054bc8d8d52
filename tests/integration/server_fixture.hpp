#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fieldsync/core/client_sync.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/server/server.hpp"
#include "fieldsync/test/pg_database.hpp"
#include "test_client.hpp"

namespace fieldsync::testing {

inline std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

// A real server on 127.0.0.1, port 0, with a fresh data directory, and two users:
// ana (rep, territory north) and sue (supervisor), each with a valid token.
class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    data_dir_ = std::filesystem::temp_directory_path() /
                ("fieldsync-it-" + std::to_string(random()) + "-" + std::to_string(random()));
    start([](server::ServerConfig&) {});
    server_->store().add_user({"ana", server::Role::kRep, {"north"}});
    server_->store().add_user({"sue", server::Role::kSupervisor, {}});
    ana_token_ = issue("ana");
    sue_token_ = issue("sue");
  }

  void TearDown() override {
    server_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(data_dir_, ignored);
  }

  // (Re)starts the server on the same data directory with the test defaults, adjusted.
  void start(const std::function<void(server::ServerConfig&)>& adjust) {
    server_.reset();
    server::ServerConfig config;
    config.address = "127.0.0.1";
    config.port = 0;
    config.data_dir = data_dir_;
    config.threads = 2;
    config.durable = false;  // tests need speed, not power-loss safety
    config.log_level = "warn";
    config.store = test::test_store_for(data_dir_);  // PostgreSQL in the suite's second run
    adjust(config);
    // The tests keep their phones' files here; a server on PostgreSQL never makes it (the
    // embedded store makes it itself, owner-only).
    if (!config.store.empty()) std::filesystem::create_directories(data_dir_);
    server_ = std::make_unique<server::Server>(config, clock_);
    server_->start();
  }

  std::string issue(const std::string& user) {
    return server_->store().issue_token(user, 3'600'000, now_ms()).token;
  }

  std::uint16_t port() const { return server_->port(); }

  const Clock* clock_ = nullptr;  // the server's clock; nullptr: the system's (set before SetUp)
  std::unique_ptr<server::Server> server_;
  std::filesystem::path data_dir_;
  std::string ana_token_;
  std::string sue_token_;
};

// A device: an in-memory replica whose local writes make the states to push.
class Device {
 public:
  Device() : replica_(Replica::open(":memory:", Schema::domain())) {}

  RecordId add_customer(const std::string& name, const std::string& territory) {
    return replica_.create("customers", {{"name", Value(name)}, {"territory", Value(territory)}});
  }

  // A push of every record in the outbox, in creation order.
  proto::Envelope push_outbox() {
    proto::Envelope message = envelope();
    for (const auto& entry : replica_.outbox()) append_wire_state(*message.mutable_push()->add_records(), entry.state);
    return message;
  }

  ReplicaId id() const { return replica_.replica_id(); }
  std::uint64_t counter() const { return replica_.counter(); }

 private:
  Replica replica_;
};

// The ids (UUID text) of the records in a batch.
inline std::vector<std::string> record_ids(const proto::Batch& batch) {
  std::vector<std::string> ids;
  for (const auto& record : batch.records()) ids.push_back(decode_wire_state(record).id.to_string());
  return ids;
}

}  // namespace fieldsync::testing
