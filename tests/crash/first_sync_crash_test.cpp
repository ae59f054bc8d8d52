// Crash test of a first sync as one bulk load (Replica::BulkLoad through ClientSync): a
// child process pulls everything from a SyncService over its SQLite store (in-process, no
// sockets, so that the child has no threads to fork around) into a fresh replica file and
// is SIGKILLed: in even rounds right after a random page of the first half arrived (surely
// mid-load, however fast the machine), in odd rounds at a random moment. The reopened file must be intact and hold either nothing
// (no checkpoint) or the whole pull (with its checkpoint); a sync after it must complete the
// replica without a record stored twice, identical to a replica synced page by page.
// FIELDSYNC_SEED=<n> reuses the kill delays, as in crash_test.cpp.

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>

#include "fieldsync/core/client_sync.hpp"
#include "fieldsync/core/clock.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/server/metrics.hpp"
#include "fieldsync/server/sqlite_store.hpp"
#include "fieldsync/server/sync_service.hpp"
#include "fieldsync/test/loopback_transport.hpp"
#include "fieldsync/test/temp_dir.hpp"
#include "killed_child.hpp"

namespace fieldsync::test {
namespace {

constexpr std::size_t kRounds = 8;
constexpr std::size_t kCustomers = 6000;
constexpr std::uint32_t kPage = 200;
constexpr std::uint64_t kMaxDelayUs = 250'000;
constexpr std::size_t kPages = kCustomers / kPage;

std::uint64_t crash_seed() {
  if (const char* text = std::getenv("FIELDSYNC_SEED"); text && *text) return std::strtoull(text, nullptr, 10);
  return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

std::string all_states(const Replica& replica) {
  std::string out;
  for (const auto& state : replica.changes_since(0).states) {
    out += state.collection + " " + state.id.to_string() + " " + encode_state(state) + "\n";
  }
  return out;
}

std::size_t customers(const Replica& replica) {
  ListQuery all;
  all.include_deleted = true;
  return replica.list("customers", all).size();
}

// The server side: a SyncService over the store in `dir`, opened for one sync and closed
// after it, so that no SQLite connection is open across a fork.
class Server {
 public:
  explicit Server(const std::filesystem::path& dir)
      : store_(server::open_sqlite_store(dir, Schema::domain(), clock_, false)),
        service_(*store_, Schema::domain(), server::Limits{}, metrics_, clock_) {}

  server::Store& store() { return *store_; }

  // One sync of `replica` with `token` to the end; `on_page` runs before each pulled page
  // is handed to the client. Returns the client's error, if any.
  std::optional<Error> sync(Replica& replica, const std::string& token, std::uint64_t bulk_min,
                            const std::function<void()>& on_page = {}) {
    server::Connection connection = service_.connect(service_.authenticate(token), {});
    Loopback loopback(service_, connection);
    loopback.on_reply = [&](proto::Envelope& reply) {
      if (reply.has_batch() && on_page) on_page();
    };
    ClientSyncOptions options;
    options.pull_batch = kPage;
    options.bulk_pull_min = bulk_min;
    ClientSync client(replica, loopback, options);
    loopback.run(client);
    service_.disconnect(connection);
    bulk_loaded_ = client.stats().bulk_loaded;
    return client.error();
  }
  bool bulk_loaded() const { return bulk_loaded_; }

 private:
  SystemClock clock_;
  server::Metrics metrics_;
  std::unique_ptr<server::Store> store_;
  server::SyncService service_;
  bool bulk_loaded_ = false;
};

// Child: a first sync into `path`, reporting each page received; then waits to be killed.
[[noreturn]] void first_sync_forever(const std::filesystem::path& server_dir, const std::string& token,
                                     const std::string& path, int progress) {
  Server server(server_dir);
  Replica phone = Replica::open(path, Schema::domain());
  if (phone.last_seq() != 0) ::_exit(kChildBadStart);
  if (server.sync(phone, token, 1, [&] { report_progress(progress); })) ::_exit(kChildError);
  if (!server.bulk_loaded()) ::_exit(kChildError);
  for (;;) ::pause();  // a kill after the end is a valid round too
}

TEST(CrashFirstSync, AKilledBulkLoadLeavesNothingOrAllAndTheNextSyncCompletesIt) {
  const std::uint64_t seed = crash_seed();
  std::cout << "[ seed ] " << seed << "\n";
  SCOPED_TRACE("seed " + std::to_string(seed) + " (reuse: FIELDSYNC_SEED=" + std::to_string(seed) + ")");
  std::mt19937_64 rng(seed ^ 0xF1257ULL);

  TempDir dir("fieldsync-crash-first-sync");
  const auto server_dir = dir.path() / "server";
  std::filesystem::create_directories(server_dir);
  std::string token;
  std::string expected;  // a replica synced page by page, the usual way
  std::uint64_t head = 0;
  {
    Server server(server_dir);
    server.store().add_user({"sam", server::Role::kSupervisor, {}});
    token = server.store().issue_token("sam", 3'600'000, SystemClock().now_ms()).token;
    Replica source = Replica::open(dir.file("source.db"), Schema::domain());
    source.transaction([&] {
      for (std::size_t i = 0; i < kCustomers; ++i) {
        source.create("customers",
                      {{"name", "Customer " + std::to_string(i)}, {"territory", std::string(i % 2 ? "north" : "south")}});
      }
    });
    ASSERT_FALSE(server.sync(source, token, 0));
    Replica reference = Replica::open(dir.file("reference.db"), Schema::domain());
    ASSERT_FALSE(server.sync(reference, token, 0));
    ASSERT_FALSE(server.bulk_loaded());
    expected = all_states(reference);
    head = reference.last_seq();
    ASSERT_EQ(customers(reference), kCustomers);
  }

  std::size_t empty_rounds = 0;
  std::size_t full_rounds = 0;
  for (std::size_t round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::string path = dir.file("phone-" + std::to_string(round) + ".db");
    const bool at_a_page = round % 2 == 0;
    const std::size_t after_pages = at_a_page ? 1 + rng() % (kPages / 2) : 1;
    const auto delay = std::chrono::microseconds(at_a_page ? 0 : rng() % kMaxDelayUs);
    KilledChild child = run_and_kill([&](int progress) { first_sync_forever(server_dir, token, path, progress); },
                                     delay, after_pages);
    ASSERT_EQ(child.failure, "");

    Replica phone = Replica::open(path, Schema::domain());
    ASSERT_EQ(phone.integrity_check(), "ok");
    const std::size_t held = customers(phone);
    const auto checkpoint = phone.setting("sync.checkpoint");
    std::cout << "  round " << round << ": killed " << delay.count() << " us after page " << after_pages << ", "
              << child.units_reported << " pages received, " << held << " records\n";
    if (at_a_page) {
      EXPECT_EQ(held, 0u) << "killed with half the pages still to come, the load must leave nothing";
    }
    if (held == 0) {
      // Killed mid-load: nothing of it committed, not even the checkpoint.
      ++empty_rounds;
      EXPECT_TRUE(!checkpoint || *checkpoint == "0") << *checkpoint;
      EXPECT_EQ(phone.last_seq(), 0u);
    } else {
      ++full_rounds;
      EXPECT_EQ(held, kCustomers) << "a load is all or nothing";
      EXPECT_EQ(all_states(phone), expected);
      EXPECT_TRUE(checkpoint && !checkpoint->empty() && *checkpoint != "0");
    }
    // The next sync completes it: every record once, identical to the page-by-page replica.
    Server server(server_dir);
    ASSERT_FALSE(server.sync(phone, token, 1));
    EXPECT_EQ(phone.last_seq(), head) << "a record was stored twice";
    EXPECT_EQ(all_states(phone), expected);
    EXPECT_EQ(phone.integrity_check(), "ok");
  }
  std::cout << "  " << empty_rounds << " rounds killed mid-load, " << full_rounds << " after it\n";
}

}  // namespace
}  // namespace fieldsync::test
