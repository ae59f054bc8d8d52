#include <algorithm>
#include <string>
#include <variant>
#include <vector>

#include "bare_sqlite.hpp"
#include "customers.hpp"
#include "fieldsync/core/clock.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/uuid.hpp"
#include "suites.hpp"

namespace fieldsync::bench {
namespace {

constexpr std::size_t kBatch = 1000;

// Runs `write(i)` for i in [0, n): one call per transaction, or kBatch per transaction
// through `in_transaction`. Returns the seconds taken.
template <typename Write, typename InTransaction>
double timed_writes(std::size_t n, bool batched, Write&& write, InTransaction&& in_transaction) {
  Stopwatch watch;
  if (!batched) {
    for (std::size_t i = 0; i < n; ++i) write(i);
  } else {
    for (std::size_t start = 0; start < n; start += kBatch) {
      in_transaction([&] {
        for (std::size_t i = start; i < std::min(n, start + kBatch); ++i) write(i);
      });
    }
  }
  return watch.seconds();
}

class WriteSuite {
 public:
  WriteSuite(const Options& options, const TempDir& dir, Report& report)
      : options_(options), dir_(dir), report_(report), blob_(stored_customer_state()) {
    values_.reserve(std::max(options.single_writes, options.batched_writes));
    for (std::size_t i = 0; i < values_.capacity(); ++i) values_.push_back(customer(i));
  }

  void run() {
    for (bool batched : {false, true}) {
      const std::size_t n = batched ? options_.batched_writes : options_.single_writes;
      const std::string mode = batched ? "batched" : "single";
      const std::string how = batched ? ", 1000 writes/tx" : ", 1 write/tx";
      report_.add(measure("write." + mode + ".engine", "create: Replica::create" + how, n, options_.repeats,
                          [&] { return engine(n, batched); }));
      report_.add(measure("write." + mode + ".bare", "create: bare SQLite INSERT" + how, n,
                          options_.repeats, [&] { return bare(n, batched, BareShape::kPlain); }));
      report_.add(measure("write." + mode + ".bare_app_table", "  bare INSERT, same table and indexes" + how, n,
                          options_.repeats, [&] { return bare(n, batched, BareShape::kAppTable); }));
      report_.add(measure("write." + mode + ".bare_like_engine",
                          "  bare INSERT + blob + engine's indexes" + how, n, options_.repeats,
                          [&] { return bare(n, batched, BareShape::kLikeEngine); }));
      const auto* engine = report_.find("write." + mode + ".engine");
      const auto* app_table = report_.find("write." + mode + ".bare_app_table");
      // The target: the engine against the same row written into the same table (with the
      // indexes the app queries by) without sync. Against the table with no index at all
      // (the "bare SQLite INSERT" figure) those indexes alone would take most of the budget.
      report_.check({"create" + how + ": engine / bare INSERT into the same table",
                     engine->median_seconds() / app_table->median_seconds(), 2.0, "x"});

    }
  }

 private:
  double engine(std::size_t n, bool batched) {
    const std::string name = "write-engine.db";
    dir_.remove_database(name);
    double seconds = 0;
    {
      auto replica = Replica::open(dir_.file(name), Schema::domain());
      seconds = timed_writes(
          n, batched, [&](std::size_t i) { replica.create("customers", values_[i]); },
          [&](const auto& body) { replica.transaction(body); });
    }
    dir_.remove_database(name);
    return seconds;
  }

  double bare(std::size_t n, bool batched, BareShape shape) {
    const std::string name = "write-bare.db";
    dir_.remove_database(name);
    double seconds = 0;
    {
      BareDatabase db(dir_.file(name));
      db.exec(bare_customers_ddl(shape));
      BareStatement insert(db.handle(), bare_customers_insert(shape));
      SystemClock clock;
      UuidGenerator ids(clock);
      // Like the engine, make the id inside the timed loop.
      auto write = [&](std::size_t i) {
        insert.text(1, ids.make_v7().to_string());
        int index = 2;
        for (const auto& [field, value] : values_[i]) insert.text(index++, std::get<std::string>(value));
        if (shape == BareShape::kWithState || shape == BareShape::kLikeEngine) insert.blob(10, blob_);
        if (shape == BareShape::kLikeEngine) insert.integer(11, static_cast<std::int64_t>(i + 1));
        insert.run();
      };
      seconds = timed_writes(n, batched, write, [&](const auto& body) {
        BareTransaction tx(db);
        body();
        tx.commit();
      });
    }
    dir_.remove_database(name);
    return seconds;
  }

  const Options& options_;
  const TempDir& dir_;
  Report& report_;
  std::string blob_;
  std::vector<FieldValues> values_;
};

}  // namespace

void run_write_suite(const Options& options, const TempDir& dir, Report& report) {
  WriteSuite(options, dir, report).run();
}

}  // namespace fieldsync::bench
