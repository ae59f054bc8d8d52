// SQLite fault injection into the engine: every write and every sync a replica operation
// performs is failed in turn (once, or from then on; SQLITE_IOERR or SQLITE_FULL) through
// the FaultyVfs shim. Each time the operation must throw fieldsync::Error and leave no
// trace: the database passes integrity_check, every table is byte for byte what it was,
// and the Replica object itself behaves as if the failed call never happened (the retry
// and the next operation produce exactly what they produce on an untouched copy).
//
// Decision recorded in docs/testing.md: the hybrid logical clock may stay ahead after a
// failed write (a clock only moves forward; a stamp of a rolled-back write was never seen
// by anyone). The test runs the retry at a later wall-clock time, so that a clock ahead by
// a few logical ticks is invisible and everything else must match exactly.

#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <iostream>
#include <limits>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "db_dump.hpp"
#include "faulty_vfs.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/core/sqlite.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/core/state_digest.hpp"
#include "fieldsync/test/temp_dir.hpp"

namespace fieldsync::test {
namespace {

constexpr std::uint64_t kT0 = 1'700'000'000'000;       // the base database's writes
constexpr std::uint64_t kTFail = kT0 + 1'000'000;      // the attempt under faults
constexpr std::uint64_t kTRetry = kT0 + 2'000'000;     // the retry once faults stop
constexpr std::uint64_t kTNext = kT0 + 3'000'000;      // the operation after it

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// Everything observable about a replica, as text: every table's rows (in a fixed order,
// blobs in hex), the in-memory counters, and integrity_check. The replica's own id is
// written SELF, so that two runs of take_new_replica_id (which draws a random id) compare;
// so are the stored digests (they hash that id), once checked against the states.
std::string view(Replica& replica) {
  // The in-memory state first: counter() rereads the identity row, and with it the rest.
  const ReplicaId id = replica.replica_id();
  const std::uint64_t last_seq = replica.last_seq();
  const std::uint64_t to_seq = replica.changes_since(0).to_seq;
  std::ostringstream out;
  out << dump_tables(replica.database().handle());
  out << "last_seq=" << last_seq << " to_seq=" << to_seq << " outbox=" << replica.outbox_size()
      << " counter=" << replica.counter() << " integrity=" << replica.integrity_check() << "\n";
  const std::string stored = replica.held_state_digests(std::numeric_limits<std::size_t>::max());
  std::multiset<std::string> stored_set, computed_set;
  for (std::size_t at = 0; at < stored.size(); at += kStateDigestBytes) stored_set.insert(stored.substr(at, kStateDigestBytes));
  for (const auto& state : replica.changes_since(0).states) {
    std::string digest;
    append_digest(digest, wire_state_digest(encode_wire_state(state)));
    computed_set.insert(digest);
  }
  out << "stored digests are the states' digests: " << (stored_set == computed_set) << "\n";
  std::string text = out.str();
  for (const auto& digest : stored_set) replace_all(text, hex(digest), "DIGEST");
  replace_all(text, hex(id.raw()), "SELF");
  replace_all(text, id.to_string(), "SELF");
  return text;
}

// The database every sweep starts from, built once: a replica with pushed and unpushed
// edits, a tombstone, a rejection and a setting, and a batch from a second replica that
// inserts, updates, leaves some records unchanged and opens a conflict.
struct Base {
  TempDir dir{"fieldsync-engine-fault"};
  std::string path;
  RecordId c1, c2, c3, c4, new_id, next_id, order_id;
  std::vector<RecordState> batch;  // from the peer
  std::vector<OutboxAck> acks;     // for the acknowledge operation
};

Base& base() {
  static const std::unique_ptr<Base> instance = [] {
    FaultyVfs::install();  // before the first database is opened
    auto b = std::make_unique<Base>();
    b->path = b->dir.file("base.db");
    b->new_id = *Uuid::parse("0190a000-0000-7000-8000-000000000001");
    b->next_id = *Uuid::parse("0190a000-0000-7000-8000-000000000002");
    b->order_id = *Uuid::parse("0190a000-0000-7000-8000-000000000003");
    ManualClock clock_a(kT0);
    ManualClock clock_b(kT0 + 10);
    Replica a = Replica::open(b->path, Schema::domain(), {&clock_a});
    Replica peer = Replica::open(b->dir.file("peer.db"), Schema::domain(), {&clock_b});
    auto customer = [](const std::string& name) {
      return FieldValues{{"name", Value(name)}, {"territory", Value(std::string("north"))}};
    };
    b->c1 = a.create("customers", customer("Hotel Aurora"));
    b->c2 = a.create("customers", customer("Bakery Berg"));
    b->c3 = a.create("customers", customer("Cafe Central"));
    a.create("orders", {{"order_number", Value(std::string("SO-1"))},
                        {"customer_id", Value(b->c1.to_string())},
                        {"territory", Value(std::string("north"))}});
    peer.merge(a.changes_since(0).states);
    std::vector<OutboxAck> pushed;
    for (const auto& entry : a.outbox()) pushed.push_back({entry.state.collection, entry.state.id, entry.change});
    a.acknowledge(pushed);  // as if a sync had pushed them
    // Unpushed edits, one of them concurrent with the peer's.
    a.update("customers", b->c3, {{"phone", Value(std::string("+49 30 1"))}});
    b->c4 = a.create("customers", customer("Deli Dorn"));
    RecordId gone = a.create("customers", customer("Gone GmbH"));
    a.remove("customers", gone);
    a.update("customers", b->c1, {{"phone", Value(std::string("+49 30 A"))}});
    a.set_setting("sync.checkpoint", "42");
    a.record_rejection("customers", b->c4, ErrorCode::kForbidden, "outside your territories");
    peer.update("customers", b->c1, {{"phone", Value(std::string("+49 30 B"))}});
    peer.update("customers", b->c3, {{"name", Value(std::string("Cafe Zentral"))}});
    peer.create("customers", customer("Peer One"));
    peer.create("customers", customer("Peer Two"));
    b->batch = peer.changes_since(0).states;
    for (const auto& entry : a.outbox()) {
      // c3 at its change (leaves the outbox); c4 one change short (stays); c1 at its change.
      const bool short_by_one = entry.state.id == b->c4;
      b->acks.push_back({entry.state.collection, entry.state.id, entry.change - (short_by_one ? 1 : 0)});
    }
    return b;
  }();
  return *instance;
}

struct Operation {
  std::string name;
  std::function<void(Replica&, const Base&)> run;
};

const std::vector<Operation>& operations() {
  static const std::vector<Operation> ops = {
      {"create",
       [](Replica& r, const Base& b) {
         r.create("customers", b.new_id, {{"name", Value(std::string("New One"))}, {"territory", Value(std::string("north"))}});
       }},
      {"update",
       [](Replica& r, const Base& b) {
         r.update("customers", b.c1, {{"name", Value(std::string("Hotel Aurora II"))}, {"tier", Value(std::string("vip"))}});
       }},
      {"remove", [](Replica& r, const Base& b) { r.remove("customers", b.c2); }},
      {"transaction",
       [](Replica& r, const Base& b) {
         r.transaction([&] {
           r.create("customers", b.new_id, {{"name", Value(std::string("New One"))}, {"territory", Value(std::string("north"))}});
           r.create("orders", b.order_id, {{"order_number", Value(std::string("SO-2"))},
                               {"customer_id", Value(b.new_id.to_string())},
                               {"territory", Value(std::string("north"))}});
           r.update("customers", b.c3, {{"email", Value(std::string("cafe@example.com"))}});
           r.remove("customers", b.c4);
         });
       }},
      {"merge", [](Replica& r, const Base& b) { r.merge(b.batch, MergeDetail::kPerRecord); }},
      {"acknowledge", [](Replica& r, const Base& b) { r.acknowledge(b.acks); }},
      {"take_new_replica_id", [](Replica& r, const Base&) { r.take_new_replica_id(); }},
  };
  return ops;
}

// What every run does after the operation: more local writes on the same object.
void next_operation(Replica& r, const Base& b) {
  r.create("customers", b.next_id, {{"name", Value(std::string("Next One"))}, {"territory", Value(std::string("north"))}});
  r.update("customers", b.c1, {{"industry", Value(std::string("hotels"))}});
}

void copy_base(const Base& b, const std::string& to) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(to + suffix);
  ASSERT_FALSE(std::filesystem::exists(b.path + "-wal")) << "the base database was not closed cleanly";
  std::filesystem::copy_file(b.path, to);
}

// The operation on an untouched copy at time `at`: the views before, after it, and after
// the next operation, and how many writes and syncs it made.
struct Reference {
  std::string before, after, next;
  std::uint64_t writes = 0, syncs = 0;
};

Reference reference(const Base& b, const Operation& op, bool durable, std::uint64_t at, const std::string& path) {
  Reference ref;
  copy_base(b, path);
  ManualClock clock(kT0);
  Replica r = Replica::open(path, Schema::domain(), {&clock, 5 * 60 * 1000, durable});
  ref.before = view(r);
  clock.set(at);
  auto& vfs = FaultyVfs::install();
  vfs.count(path);
  op.run(r, b);
  vfs.disarm();
  ref.writes = vfs.writes();
  ref.syncs = vfs.syncs();
  ref.after = view(r);
  clock.set(kTNext);
  next_operation(r, b);
  ref.next = view(r);
  return ref;
}

struct SweepCase {
  std::size_t op;
  bool durable;  // synchronous=FULL: every commit syncs the WAL
};

void PrintTo(const SweepCase& c, std::ostream* out) {
  *out << operations()[c.op].name << (c.durable ? ", synchronous=FULL" : ", synchronous=NORMAL");
}

class EngineFaultTest : public ::testing::TestWithParam<SweepCase> {};

TEST_P(EngineFaultTest, FailedOperationLeavesNoTraceAndRetrySucceeds) {
  const Base& b = base();
  const Operation& op = operations()[GetParam().op];
  const bool durable = GetParam().durable;
  TempDir dir("fieldsync-engine-fault-run");
  const Reference at_fail = reference(b, op, durable, kTFail, dir.file("ref-fail.db"));
  const Reference at_retry = reference(b, op, durable, kTRetry, dir.file("ref-retry.db"));
  // The views must see what the operation does, or a leak would go unnoticed.
  ASSERT_NE(at_fail.before, at_fail.after) << op.name << " changed nothing the test can see";
  ASSERT_GT(at_fail.writes, 0u);
  ASSERT_EQ(at_fail.writes, at_retry.writes) << "the operation's writes are not deterministic";
  if (durable) {
    ASSERT_GT(at_fail.syncs, 0u) << "synchronous=FULL and no sync?";
  }

  struct Mode {
    FaultOp op;
    int error;
    bool persistent;
  };
  // Every write fault with synchronous=NORMAL; with FULL, the syncs (and the writes once).
  std::vector<Mode> modes = {{FaultOp::kWrite, SQLITE_IOERR_WRITE, false}};
  if (durable) {
    modes.push_back({FaultOp::kSync, SQLITE_IOERR_FSYNC, false});
    modes.push_back({FaultOp::kSync, SQLITE_IOERR_FSYNC, true});
  } else {
    modes.push_back({FaultOp::kWrite, SQLITE_IOERR_WRITE, true});
    modes.push_back({FaultOp::kWrite, SQLITE_FULL, false});
    modes.push_back({FaultOp::kWrite, SQLITE_FULL, true});
  }
  auto& vfs = FaultyVfs::install();
  const std::string path = dir.file("faulted.db");
  std::size_t attempts = 0, failures = 0, survived = 0;
  for (const Mode& mode : modes) {
    const std::uint64_t calls = mode.op == FaultOp::kWrite ? at_fail.writes : at_fail.syncs;
    for (std::uint64_t n = 1; n <= calls; ++n) {
      const std::string what = op.name + (mode.op == FaultOp::kWrite ? ": write " : ": sync ") + std::to_string(n) +
                               " of " + std::to_string(calls) + (mode.persistent ? " and every one after" : "") +
                               " fails with " + sqlite3_errstr(mode.error) + (durable ? " (synchronous=FULL)" : "");
      SCOPED_TRACE(what);
      ++attempts;
      copy_base(b, path);
      ManualClock clock(kT0);
      std::string last;  // the object's last view
      {
        Replica r = Replica::open(path, Schema::domain(), {&clock, 5 * 60 * 1000, durable});
        const std::string fresh = view(r);
        ASSERT_TRUE(fresh == at_fail.before) << first_difference(at_fail.before, fresh);
        const Hlc clock_before = r.clock();
        clock.set(kTFail);
        vfs.arm(path, FaultPlan{mode.op, n, mode.persistent, mode.error});
        bool failed = false;
        try {
          op.run(r, b);
        } catch (const Error& e) {
          failed = true;
          EXPECT_EQ(e.code(), ErrorCode::kStorage) << e.what();
        } catch (const std::exception& e) {
          vfs.disarm();
          FAIL() << "not a fieldsync::Error: " << e.what();
        }
        vfs.disarm();
        ASSERT_GE(vfs.injected(), 1u) << "the fault was never reached";
        if (failed) {
          ++failures;
          const std::string now = view(r);
          ASSERT_TRUE(now == at_fail.before) << "the failed " << op.name << " left a trace, "
                                         << first_difference(at_fail.before, now);
          EXPECT_GE(r.clock(), clock_before) << "the clock went backwards";
          clock.set(kTRetry);
          ASSERT_NO_THROW(op.run(r, b)) << "the retry failed";
          const std::string retried = view(r);
          ASSERT_TRUE(retried == at_retry.after) << "the retry differs from a clean run, "
                                             << first_difference(at_retry.after, retried);
          clock.set(kTNext);
          ASSERT_NO_THROW(next_operation(r, b));
          const std::string next = view(r);
          ASSERT_TRUE(next == at_retry.next) << "the next operation differs from a clean run, "
                                         << first_difference(at_retry.next, next);
          last = next;
        } else {
          // The fault hit a write after the commit (a checkpoint): the operation stands.
          ++survived;
          const std::string now = view(r);
          ASSERT_TRUE(now == at_fail.after) << first_difference(at_fail.after, now);
          clock.set(kTNext);
          ASSERT_NO_THROW(next_operation(r, b));
          last = view(r);
          ASSERT_TRUE(last == at_fail.next) << first_difference(at_fail.next, last);
        }
      }
      // What the file holds, seen by a fresh connection, is what the object showed.
      Replica reopened = Replica::open(path, Schema::domain(), {&clock, 5 * 60 * 1000, durable});
      EXPECT_EQ(reopened.integrity_check(), "ok");
      const std::string on_disk = view(reopened);
      EXPECT_TRUE(on_disk == last) << first_difference(last, on_disk);
    }
  }
  EXPECT_GT(failures, 0u) << "no fault made " << op.name << " fail";
  std::cout << "[ faults ] " << op.name << (durable ? " (synchronous=FULL)" : "") << ": " << at_fail.writes
            << " writes, " << at_fail.syncs << " syncs; " << attempts << " faulted runs, " << failures
            << " failed cleanly, " << survived << " completed\n";
}

std::vector<SweepCase> all_cases() {
  std::vector<SweepCase> cases;
  for (std::size_t i = 0; i < operations().size(); ++i) {
    cases.push_back({i, false});
    cases.push_back({i, true});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Sweep, EngineFaultTest, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<SweepCase>& param_info) {
                           return operations()[param_info.param.op].name + (param_info.param.durable ? "_full_sync" : "_normal_sync");
                         });

}  // namespace
}  // namespace fieldsync::test
