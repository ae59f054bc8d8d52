// The embedded store's WAL checkpoints (SqliteStoreOptions::background_checkpoints, the
// server's setting): the store's own thread copies the log into the database file, so that
// no push waits for a checkpoint. Without the option, commits far below SQLite's 1000-page
// mark leave the database file untouched (the control).

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "fieldsync/core/clock.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/server/sqlite_store.hpp"
#include "fieldsync/test/temp_dir.hpp"

namespace fieldsync::testing {
namespace {

using namespace std::chrono_literals;

std::string file_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Pushes two new customers into a store, then watches the database file (not its -wal)
// for `wait`: whether a checkpoint wrote to it.
bool database_file_written_after_a_push(bool background_checkpoints, std::chrono::milliseconds wait) {
  test::TempDir dir("fieldsync-wal-checkpoint");
  SystemClock clock;
  server::SqliteStoreOptions options;
  options.durable = false;
  options.background_checkpoints = background_checkpoints;
  auto store = server::open_sqlite_store(dir.path(), Schema::domain(), clock, options);
  store->add_user({"sue", server::Role::kSupervisor, {}});
  Replica phone = Replica::open(dir.file("phone.db"), Schema::domain());
  const std::string epoch = store->register_replica(phone.replica_id(), 0, "", 0, "sue").epoch;
  phone.create("customers", {{"name", Value(std::string("Hotel Aurora"))}, {"territory", Value(std::string("north"))}});
  phone.create("customers", {{"name", Value(std::string("Bakery Berg"))}, {"territory", Value(std::string("south"))}});
  std::vector<RecordState> states;
  for (const auto& entry : phone.outbox()) states.push_back(entry.state);

  const auto database = dir.path() / "fieldsync-server.db";
  std::this_thread::sleep_for(600ms);  // a checkpoint of the set-up's commits has run, if any will
  const std::string before = file_bytes(database);
  const auto result = store->push({"sue", phone.replica_id(), clock.now_ms(), epoch}, states,
                                  [](const RecordState&, const RecordState*) -> std::optional<server::PushRefusal> {
                                    return std::nullopt;
                                  });
  EXPECT_EQ(result.committed.size(), 2u);
  for (const auto end = std::chrono::steady_clock::now() + wait; std::chrono::steady_clock::now() < end;) {
    if (file_bytes(database) != before) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

TEST(WalCheckpoints, TheStoresOwnThreadCopiesTheLogIntoTheDatabaseFile) {
  EXPECT_TRUE(database_file_written_after_a_push(true, 5s));
}

TEST(WalCheckpoints, WithoutThemASmallCommitLeavesTheDatabaseFileAsItWas) {
  EXPECT_FALSE(database_file_written_after_a_push(false, 1s));
}

}  // namespace
}  // namespace fieldsync::testing
