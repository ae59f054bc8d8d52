// SQLite faults on the server side. The embedded store (server/src/sqlite_store.cpp) has
// every write and sync of a push failed in turn: the push throws, the database is what it
// was (records, audit log, replica counters), and the same push succeeds on retry with
// exactly the result of a clean run. Then the whole server protocol (SyncService) with a
// real ClientSync over an in-process loopback: a push whose commit fails is not acked, the
// client keeps its outbox, and the next sync delivers everything.

#include <sqlite3.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "db_dump.hpp"
#include "faulty_vfs.hpp"
#include "fieldsync/core/client_sync.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/core/transport.hpp"
#include "fieldsync/server/metrics.hpp"
#include "fieldsync/server/sqlite_store.hpp"
#include "fieldsync/server/sync_service.hpp"
#include "fieldsync/test/loopback_transport.hpp"
#include "fieldsync/test/temp_dir.hpp"

namespace fieldsync::test {
namespace {

constexpr std::uint64_t kNow = 1'700'000'000'000;
constexpr const char* kDbName = "fieldsync-server.db";

FieldValues customer(const std::string& name) {
  return {{"name", Value(name)}, {"territory", Value(std::string("north"))}};
}

server::Store::WriteCheck accept_all() {
  return [](const RecordState&, const RecordState*) -> std::optional<server::PushRefusal> { return std::nullopt; };
}

// A server data directory holding records pushed once, and a second batch to push.
struct StoreBase {
  TempDir dir{"fieldsync-store-fault"};
  std::filesystem::path data_dir;
  ReplicaId pusher;
  std::string epoch;  // the pusher's, from its registration
  std::vector<RecordState> batch;

  StoreBase() {
    FaultyVfs::install();
    data_dir = dir.path() / "base";
    std::filesystem::create_directories(data_dir);
    ManualClock clock(kNow);
    Replica phone = Replica::open(dir.file("phone.db"), Schema::domain(), {&clock});
    pusher = phone.replica_id();
    auto store = server::open_sqlite_store(data_dir, Schema::domain(), clock, false);
    store->add_user({"sue", server::Role::kSupervisor, {}});
    epoch = store->register_replica(pusher, 0, "", 0, "sue").epoch;
    RecordId c1 = phone.create("customers", customer("Hotel Aurora"));
    RecordId c2 = phone.create("customers", customer("Bakery Berg"));
    std::vector<RecordState> first;
    std::vector<OutboxAck> acks;
    for (const auto& entry : phone.outbox()) {
      first.push_back(entry.state);
      acks.push_back({entry.state.collection, entry.state.id, entry.change});
    }
    store->push({"sue", pusher, kNow, epoch}, first, accept_all());
    phone.acknowledge(acks);
    // The second batch: an update, a delete, new records (one a child of a new parent).
    phone.update("customers", c1, {{"phone", Value(std::string("+49 30 1"))}});
    phone.remove("customers", c2);
    RecordId c3 = phone.create("customers", customer("Cafe Central"));
    phone.create("orders", {{"order_number", Value(std::string("SO-1"))},
                            {"customer_id", Value(c3.to_string())},
                            {"territory", Value(std::string("north"))}});
    for (const auto& entry : phone.outbox()) batch.push_back(entry.state);
  }
};

StoreBase& store_base() {
  static const std::unique_ptr<StoreBase> instance = std::make_unique<StoreBase>();
  return *instance;
}

std::filesystem::path copy_data_dir(const StoreBase& b, const std::filesystem::path& to) {
  std::filesystem::remove_all(to);
  std::filesystem::create_directories(to);
  EXPECT_FALSE(std::filesystem::exists(b.data_dir / (std::string(kDbName) + "-wal")));
  std::filesystem::copy_file(b.data_dir / kDbName, to / kDbName);
  return to;
}

std::string summary(const server::PushResult& result) {
  std::string out = "head=" + std::to_string(result.head) + " refused=" + std::to_string(result.refused.size()) +
                    " conflicts=" + std::to_string(result.conflicts_opened) + " committed:";
  for (const auto& c : result.committed) out += " " + c.state.id.to_string() + "@" + std::to_string(c.seq);
  return out;
}

class StoreFaultTest : public ::testing::TestWithParam<bool> {};

TEST_P(StoreFaultTest, FailedPushChangesNothingAndRetrySucceeds) {
  const bool durable = GetParam();
  StoreBase& b = store_base();
  auto& vfs = FaultyVfs::install();
  TempDir dir("fieldsync-store-fault-run");
  ManualClock clock(kNow);
  const server::PushContext context{"sue", b.pusher, kNow + 1000, b.epoch};

  // A clean run: how many writes and syncs a push makes, and what it leaves.
  const auto ref_dir = copy_data_dir(b, dir.path() / "ref");
  const std::string ref_db = (ref_dir / kDbName).string();
  std::string before, after, ref_result;
  std::uint64_t writes = 0, syncs = 0;
  {
    auto store = server::open_sqlite_store(ref_dir, Schema::domain(), clock, durable);
    before = dump_file(ref_db);
    vfs.count(ref_db);
    ref_result = summary(store->push(context, b.batch, accept_all()));
    vfs.disarm();
    writes = vfs.writes();
    syncs = vfs.syncs();
    after = dump_file(ref_db);
  }
  ASSERT_NE(before, after);
  ASSERT_GT(writes, 0u);
  if (durable) {
    ASSERT_GT(syncs, 0u);
  }

  struct Mode {
    FaultOp op;
    int error;
    bool persistent;
  };
  std::vector<Mode> modes = {{FaultOp::kWrite, SQLITE_IOERR_WRITE, false},
                             {FaultOp::kWrite, SQLITE_FULL, true}};
  if (durable) modes.push_back({FaultOp::kSync, SQLITE_IOERR_FSYNC, false});
  std::size_t failures = 0;
  for (const Mode& mode : modes) {
    const std::uint64_t calls = mode.op == FaultOp::kWrite ? writes : syncs;
    for (std::uint64_t n = 1; n <= calls; ++n) {
      SCOPED_TRACE(std::string(mode.op == FaultOp::kWrite ? "write " : "sync ") + std::to_string(n) + " of " +
                   std::to_string(calls) + (mode.persistent ? " and later ones" : "") + " fails with " +
                   sqlite3_errstr(mode.error));
      const auto data_dir = copy_data_dir(b, dir.path() / "faulted");
      const std::string db = (data_dir / kDbName).string();
      auto store = server::open_sqlite_store(data_dir, Schema::domain(), clock, durable);
      const std::string fresh = dump_file(db);
      ASSERT_TRUE(fresh == before) << first_difference(before, fresh);
      const std::uint64_t head = store->head();
      vfs.arm(db, FaultPlan{mode.op, n, mode.persistent, mode.error});
      bool failed = false;
      std::string result;
      try {
        result = summary(store->push(context, b.batch, accept_all()));
      } catch (const Error& e) {
        failed = true;
        EXPECT_EQ(e.code(), ErrorCode::kStorage) << e.what();
      }
      vfs.disarm();
      ASSERT_GE(vfs.injected(), 1u);
      if (failed) {
        ++failures;
        EXPECT_EQ(store->head(), head);
        const std::string now = dump_file(db);
        ASSERT_TRUE(now == before) << "the failed push left a trace, " << first_difference(before, now);
        ASSERT_NO_THROW(result = summary(store->push(context, b.batch, accept_all())));
      }
      EXPECT_EQ(result, ref_result);
      const std::string now = dump_file(db);
      ASSERT_TRUE(now == after) << first_difference(after, now);
    }
  }
  EXPECT_GT(failures, 0u);
  std::cout << "[ faults ] store push" << (durable ? " (synchronous=FULL)" : "") << ": " << writes << " writes, "
            << syncs << " syncs; " << failures << " failed cleanly\n";
}

INSTANTIATE_TEST_SUITE_P(Sweep, StoreFaultTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& param_info) {
                           return param_info.param ? std::string("full_sync") : std::string("normal_sync");
                         });

TEST(SyncServiceFaultTest, PushWhoseCommitFailsIsNotAckedAndTheNextSyncDeliversIt) {
  auto& vfs = FaultyVfs::install();
  TempDir dir("fieldsync-service-fault");
  SystemClock clock;
  const auto data_dir = dir.path() / "server";
  std::filesystem::create_directories(data_dir);
  const std::string server_db = (data_dir / kDbName).string();
  auto store = server::open_sqlite_store(data_dir, Schema::domain(), clock, true);
  store->add_user({"sue", server::Role::kSupervisor, {}});
  const std::string token = store->issue_token("sue", 3'600'000, clock.now_ms()).token;
  server::Metrics metrics;
  server::SyncService service(*store, Schema::domain(), server::Limits{}, metrics, clock);
  Replica phone = Replica::open(dir.file("phone.db"), Schema::domain());

  auto sync = [&](bool fail_pushes) {
    server::Connection connection = service.connect(service.authenticate(token), {});
    Loopback loopback(service, connection);
    if (fail_pushes) {
      // From the first push on, every write to the server's database fails.
      loopback.on_push = [&] { vfs.arm(server_db, FaultPlan{FaultOp::kWrite, 1, true, SQLITE_FULL}); };
    }
    ClientSyncOptions options;
    options.push_batch = 3;
    ClientSync client(phone, loopback, options);
    loopback.run(client);
    vfs.disarm();
    service.disconnect(connection);
    return std::make_pair(client.phase(), client.error());
  };

  std::vector<RecordId> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(phone.create("customers", customer("Customer " + std::to_string(i))));
  ASSERT_EQ(sync(false).first, ClientSync::Phase::kDone);
  ASSERT_EQ(phone.outbox_size(), 0u);
  const std::uint64_t head = store->head();

  for (int i = 4; i < 9; ++i) ids.push_back(phone.create("customers", customer("Customer " + std::to_string(i))));
  phone.update("customers", ids[0], {{"phone", Value(std::string("+1"))}});
  const std::size_t pending = phone.outbox_size();
  auto [phase, error] = sync(true);
  EXPECT_EQ(phase, ClientSync::Phase::kFailed);
  ASSERT_TRUE(error.has_value());
  EXPECT_GE(vfs.injected(), 1u);
  EXPECT_EQ(phone.outbox_size(), pending) << "a push was acknowledged although its commit failed";
  EXPECT_EQ(store->head(), head) << "the server moved on although the commit failed";

  ASSERT_EQ(sync(false).first, ClientSync::Phase::kDone);
  EXPECT_EQ(phone.outbox_size(), 0u);
  for (const auto& id : ids) {
    auto on_server = store->get("customers", id);
    ASSERT_TRUE(on_server.has_value()) << id.to_string() << " is not on the server";
    EXPECT_EQ(*on_server, *phone.state("customers", id)) << id.to_string();
  }
}

}  // namespace
}  // namespace fieldsync::test
