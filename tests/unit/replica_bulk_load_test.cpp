// Replica::BulkLoad: many received states in one transaction, indexes built at the end,
// on real SQLite files with a second connection reading beside the load.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/sqlite.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "test_support.hpp"

namespace fieldsync {
namespace {

using test::throws_error;

// Customers and their orders made on another replica, then some of the customers edited
// again: their later state comes after the first one, as in a pull that overlaps a push.
struct Source {
  std::vector<RecordState> states;
  std::size_t records = 0;
};

Source make_source(std::size_t customers) {
  auto source = Replica::open(":memory:", Schema::domain());
  std::vector<RecordId> ids;
  source.transaction([&] {
    for (std::size_t i = 0; i < customers; ++i) {
      const std::string n = std::to_string(i);
      ids.push_back(source.create("customers", {{"name", "Customer " + n},
                                                {"territory", std::string(i % 2 ? "north" : "south")},
                                                {"tier", std::string(i % 3 ? "regular" : "vip")}}));
      if (i % 10 == 0) {
        source.create("orders", {{"order_number", "SO-" + n},
                                 {"customer_id", ids.back().to_string()},
                                 {"territory", std::string(i % 2 ? "north" : "south")},
                                 {"amount", std::int64_t{100} * static_cast<std::int64_t>(i)}});
      }
    }
  });
  Source result;
  result.states = source.changes_since(0).states;
  const std::uint64_t first = source.last_seq();
  for (std::size_t i = 0; i < customers; i += 7) source.update("customers", ids[i], {{"phone", "0" + std::to_string(i)}});
  for (auto& state : source.changes_since(first).states) result.states.push_back(std::move(state));
  result.records = customers + (customers + 9) / 10;
  return result;
}

// Every stored state, in storage encoding, by collection and id.
std::vector<std::string> stored_states(const Replica& replica) {
  std::vector<std::string> out;
  for (const auto& state : replica.changes_since(0).states) out.push_back(encode_state(state));
  std::sort(out.begin(), out.end());
  return out;
}

// The indexes with their SQL, of one table or of all.
std::vector<std::string> index_sql(Replica& replica, const std::string& table = "%") {
  std::vector<std::string> out;
  sqlite::Statement list(replica.database().handle(),
                         "SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                         "AND tbl_name LIKE ?1 ORDER BY name");
  list.bind(1, table);
  while (list.step()) out.emplace_back(list.column_text(0));
  return out;
}

void merge_in_pages(Replica& replica, const std::vector<RecordState>& states, std::size_t page) {
  for (std::size_t start = 0; start < states.size(); start += page) {
    const std::size_t n = std::min(page, states.size() - start);
    replica.merge(std::span<const RecordState>(states).subspan(start, n));
  }
}

class BulkLoadTest : public ::testing::Test {
 protected:
  test::TempDir dir_;
  Source source_ = make_source(600);
};

TEST_F(BulkLoadTest, StoresWhatPagedMergesStoreAndRebuildsTheIndexes) {
  auto paged = Replica::open(dir_.file("paged.db"), Schema::domain());
  merge_in_pages(paged, source_.states, 100);

  auto bulk = Replica::open(dir_.file("bulk.db"), Schema::domain());
  const auto indexes_before = index_sql(bulk);
  ASSERT_FALSE(indexes_before.empty());
  {
    auto load = bulk.start_bulk_load();
    EXPECT_TRUE(bulk.bulk_load_active());
    // The field indexes of the empty tables are gone while it loads.
    EXPECT_LT(index_sql(bulk).size(), indexes_before.size());
    std::size_t inserted = 0;
    std::size_t updated = 0;
    for (std::size_t start = 0; start < source_.states.size(); start += 100) {
      const std::size_t n = std::min<std::size_t>(100, source_.states.size() - start);
      auto report = bulk.merge(std::span<const RecordState>(source_.states).subspan(start, n));
      inserted += report.inserted;
      updated += report.updated;
      EXPECT_TRUE(report.rejected.empty());
    }
    EXPECT_EQ(inserted, source_.records);
    EXPECT_EQ(updated, source_.states.size() - source_.records);  // the customers edited again
    load.finish();
  }
  EXPECT_FALSE(bulk.bulk_load_active());
  EXPECT_EQ(index_sql(bulk), indexes_before);
  EXPECT_EQ(bulk.integrity_check(), "ok");
  EXPECT_EQ(stored_states(bulk), stored_states(paged));
  EXPECT_EQ(bulk.last_seq(), paged.last_seq());
  EXPECT_EQ(bulk.list("customers").size(), paged.list("customers").size());

  // Reopened, the file holds it all (one commit), and merging it again changes nothing.
  auto reopened = Replica::open(dir_.file("bulk.db"), Schema::domain());
  EXPECT_EQ(stored_states(reopened), stored_states(paged));
  auto again = reopened.merge(source_.states);
  EXPECT_EQ(again.unchanged, source_.states.size());
  EXPECT_EQ(reopened.last_seq(), paged.last_seq());
}

TEST_F(BulkLoadTest, AReaderSeesTheLastCommittedStateUntilTheLoadEnds) {
  auto replica = Replica::open(dir_.file("r.db"), Schema::domain());
  // Committed before the load: customers 0-9 and the order of customer 0.
  replica.merge(std::span<const RecordState>(source_.states).first(11));
  auto reader = Replica::open(dir_.file("r.db"), Schema::domain());
  ASSERT_EQ(reader.list("customers").size(), 10u);

  auto load = replica.start_bulk_load();
  merge_in_pages(replica, std::vector<RecordState>(source_.states.begin() + 11, source_.states.end()), 100);
  replica.set_setting("sync.checkpoint", "12345");
  // The loading connection sees its own work; the reader the state before the load, and
  // its queries (which use the indexes the load dropped) still run.
  EXPECT_GT(replica.list("customers").size(), 10u);
  EXPECT_EQ(reader.list("customers").size(), 10u);
  ListQuery by_name;
  by_name.equals = {{"name", Value(std::string("Customer 3"))}};
  EXPECT_EQ(reader.list("customers", by_name).size(), 1u);
  EXPECT_EQ(reader.setting("sync.checkpoint"), std::nullopt);
  EXPECT_EQ(reader.last_seq(), 11u);

  load.finish();
  EXPECT_EQ(reader.list("customers").size(), 600u);
  EXPECT_EQ(reader.setting("sync.checkpoint"), "12345");
  EXPECT_EQ(reader.list("customers", by_name).size(), 1u);
}

TEST_F(BulkLoadTest, AnUnfinishedLoadLeavesTheReplicaAsItWas) {
  auto replica = Replica::open(dir_.file("u.db"), Schema::domain());
  const auto indexes = index_sql(replica);
  {
    auto load = replica.start_bulk_load();
    merge_in_pages(replica, source_.states, 100);
    replica.set_setting("sync.checkpoint", "99");
    // A local edit would join the load's transaction and go with it: refused meanwhile.
    EXPECT_TRUE(throws_error([&] { replica.create("customers", {{"name", std::string("X")}}); }, ErrorCode::kStorage));
    EXPECT_TRUE(throws_error([&] { replica.start_bulk_load(); }, ErrorCode::kInvalidArgument));
  }  // destroyed without finish(): rolled back
  EXPECT_FALSE(replica.bulk_load_active());
  EXPECT_EQ(replica.list("customers").size(), 0u);
  EXPECT_EQ(replica.last_seq(), 0u);
  EXPECT_EQ(replica.setting("sync.checkpoint"), std::nullopt);
  EXPECT_EQ(index_sql(replica), indexes);
  EXPECT_EQ(replica.integrity_check(), "ok");

  // It starts over cleanly, and local writes work again.
  auto load = replica.start_bulk_load();
  merge_in_pages(replica, source_.states, 250);
  load.finish();
  EXPECT_EQ(replica.list("customers").size(), 600u);
  replica.create("customers", {{"name", std::string("After")}, {"territory", std::string("north")}});
  EXPECT_EQ(replica.list("customers").size(), 601u);
}

TEST_F(BulkLoadTest, AReplicaThatHoldsRecordsKeepsItsIndexesAndChangesNothingOnRedelivery) {
  auto replica = Replica::open(dir_.file("h.db"), Schema::domain());
  replica.merge(source_.states);
  const auto indexes = index_sql(replica);
  const auto customer_indexes = index_sql(replica, "customers");
  const auto before = stored_states(replica);
  const std::uint64_t seq = replica.last_seq();
  auto load = replica.start_bulk_load();
  // Customers and orders hold records: their indexes stay. Empty tables' indexes go.
  EXPECT_EQ(index_sql(replica, "customers"), customer_indexes);
  EXPECT_GT(customer_indexes.size(), 1u);
  EXPECT_GT(index_sql(replica, "orders").size(), 1u);
  EXPECT_EQ(index_sql(replica, "contacts").size(), 1u) << "only contacts_by_seq is kept";
  std::size_t unchanged = 0;
  for (std::size_t start = 0; start < source_.states.size(); start += 100) {
    const std::size_t n = std::min<std::size_t>(100, source_.states.size() - start);
    unchanged += replica.merge(std::span<const RecordState>(source_.states).subspan(start, n)).unchanged;
  }
  load.finish();
  EXPECT_EQ(index_sql(replica), indexes);
  EXPECT_EQ(unchanged, source_.states.size());
  EXPECT_EQ(replica.last_seq(), seq);
  EXPECT_EQ(stored_states(replica), before);
}


// SQLite's heap growth (all connections of the process) while `load` runs: its high-water
// mark minus what was in use before.
template <typename Body>
std::int64_t sqlite_heap_growth(Body&& load) {
  sqlite3_int64 before = 0;
  sqlite3_int64 highwater = 0;
  sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &before, &highwater, 1);  // resets the mark
  load();
  sqlite3_int64 now = 0;
  sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &now, &highwater, 0);
  return highwater - before;
}

// The index build at the end of a load sorts every key of the table: its memory must stay
// near the page cache whatever the number of records (a supervisor's 1M records), not grow
// with them. Long names make the name index's keys about 4 MB here, against a 256 KiB cache.
TEST(BulkLoadMemory, BuildingTheIndexesStaysWithinThePageCache) {
  auto source = Replica::open(":memory:", Schema::domain());
  source.transaction([&] {
    for (int i = 0; i < 20000; ++i) {
      source.create("customers", {{"name", std::string(190, 'a' + static_cast<char>(i % 26)) + std::to_string(i)},
                                  {"territory", std::string(i % 2 ? "north" : "south")}});
    }
  });
  const auto states = source.changes_since(0).states;
  test::TempDir dir("fieldsync-bulk-memory");
  ReplicaOptions small_cache;
  small_cache.cache_kib = 256;

  // What the index build costs on a replica configured as the engine configures it, or
  // with temporary storage in memory as it was before (where SQLite's sorter never spills).
  auto index_build_growth = [&](const std::string& file, bool temp_in_memory) {
    auto replica = Replica::open(dir.file(file), Schema::domain(), small_cache);
    if (temp_in_memory) replica.database().exec("PRAGMA temp_store = MEMORY");
    auto load = replica.start_bulk_load();
    merge_in_pages(replica, states, 1000);
    const std::int64_t growth = sqlite_heap_growth([&] { load.finish(); });
    EXPECT_EQ(replica.list("customers").size(), states.size());
    EXPECT_EQ(replica.integrity_check(), "ok");
    return growth;
  };
  constexpr std::int64_t kBound = 2560 * 1024;  // the sorter's 1 MB runs, the cache, headroom
  // The control: with the sort in memory the same load goes past the bound, so the bound
  // does measure the sort.
  EXPECT_GT(index_build_growth("memory.db", true), kBound);
  EXPECT_LT(index_build_growth("engine.db", false), kBound);
}

}  // namespace
}  // namespace fieldsync
