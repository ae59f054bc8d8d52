// `reps`: N reps, each with its own replica, doing rounds of edit + sync_once.
#include <atomic>
#include <barrier>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "common.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/tools/progress_bar.hpp"
#include "scenarios.hpp"
#include "target.hpp"

namespace fieldsync::loadgen {

namespace reps_scenario {

constexpr std::size_t kDefaultReps = 20;
constexpr std::size_t kDefaultRecordsPerRep = 20;

// Appends rather than "0" + std::string: GCC 12 at -O3 warns falsely (-Wrestrict) about that.
std::string two_digits(std::size_t n) { return std::string(n < 10 ? "0" : "").append(std::to_string(n)); }

// What every rep thread adds to; merged under the mutex at the end of each thread.
struct Totals {
  std::mutex mutex;
  std::vector<double> sync_ms;
  std::map<std::string, std::size_t> errors;  // by error code name
  std::size_t pushed = 0;
  std::size_t pulled = 0;
};

}  // namespace reps_scenario

Report run_reps(const Options& options) {
  using namespace reps_scenario;
  const std::size_t reps = options.clients ? options.clients : kDefaultReps;
  const std::size_t records = options.records ? options.records : kDefaultRecordsPerRep;
  Report report;
  report.scenario = "reps";
  SyncTarget target(options);
  report.parameter("server", target.description());
  report.parameter("reps", std::to_string(reps) + " threads, each a rep with its own SQLite file replica" +
                               (target.in_process() ? " and its own user and territory" : " (all with --token)"));
  report.parameter("round", "update the phone of one of the rep's " + std::to_string(records) +
                                " customers, then sync_once (connect, push, pull to head, close)");
  report.parameter("duration", format_figure(options.duration_s) + " s");

  std::vector<std::string> tokens;
  std::vector<std::string> territories;
  for (std::size_t i = 0; i < reps; ++i) {
    const std::string territory = "R" + two_digits(i);
    tokens.push_back(target.rep_token("loadgen-rep-" + two_digits(i), {territory}));
    territories.push_back(target.in_process() ? territory : target.writable_territories(tokens.back(), {territory})[0]);
  }

  ScratchDir scratch(options.dir);
  Totals totals;
  std::atomic<bool> stop{false};
  std::barrier start_line(static_cast<std::ptrdiff_t>(reps + 1));
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < reps; ++i) {
    threads.emplace_back([&, i] {
      std::vector<double> sync_ms;
      std::map<std::string, std::size_t> errors;
      std::size_t pushed = 0, pulled = 0;
      auto count_error = [&](const Error& e) { ++errors[std::string(error_code_name(e.code()))]; };
      bool started = false;
      try {
        Replica replica = Replica::open(scratch.file("rep-" + two_digits(i) + ".db"), Schema::domain());
        const std::vector<RecordId> ids = create_customers(replica, i * records, records, territories[i]);
        try {
          client::sync_once(replica, target.url(), tokens[i]);  // untimed first sync
        } catch (const Error& e) {
          count_error(e);
        }
        start_line.arrive_and_wait();
        started = true;
        std::mt19937_64 random(i);
        for (std::size_t round = 0; !stop.load(); ++round) {
          replica.update("customers", ids[random() % ids.size()],
                         {{"phone", Value("+44 113 " + std::to_string(i) + " " + std::to_string(round))}});
          const auto begin = SteadyClock::now();
          try {
            const ClientSyncStats stats = client::sync_once(replica, target.url(), tokens[i]);
            sync_ms.push_back(seconds_between(begin, SteadyClock::now()) * 1000.0);
            pushed += stats.pushed;
            pulled += stats.pulled;
          } catch (const Error& e) {
            count_error(e);
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
          }
        }
      } catch (const Error& e) {
        count_error(e);
        if (!started) start_line.arrive_and_drop();  // the main thread must not wait for this rep
      }
      std::lock_guard lock(totals.mutex);
      totals.sync_ms.insert(totals.sync_ms.end(), sync_ms.begin(), sync_ms.end());
      for (const auto& [code, count] : errors) totals.errors[code] += count;
      totals.pushed += pushed;
      totals.pulled += pulled;
    });
  }
  start_line.arrive_and_wait();  // every rep made its records and synced once
  const auto start = SteadyClock::now();
  const auto duration = std::chrono::duration<double>(options.duration_s);
  {
    tools::ProgressBar line("reps: seconds", static_cast<std::size_t>(options.duration_s + 0.5), options.progress, "");
    while (SteadyClock::now() - start < duration) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      line.update(static_cast<std::size_t>(seconds_between(start, SteadyClock::now())));
    }
  }
  stop.store(true);
  for (auto& thread : threads) thread.join();
  const double elapsed = seconds_between(start, SteadyClock::now());

  std::size_t error_count = 0;
  for (const auto& [code, count] : totals.errors) error_count += count;
  const Distribution latency = distribution(totals.sync_ms);
  report.figure("successful syncs", static_cast<double>(latency.count), "syncs");
  report.figure("syncs/s (all reps)", static_cast<double>(latency.count) / elapsed, "syncs/s");
  report.figure("sync_once latency p50", latency.p50, "ms");
  report.figure("sync_once latency p99", latency.p99, "ms");
  report.figure("sync_once latency max", latency.max, "ms");
  report.figure("records pushed", static_cast<double>(totals.pushed), "records");
  report.figure("errors", static_cast<double>(error_count), "errors");
  for (const auto& [code, count] : totals.errors) report.notes.push_back(code + ": " + std::to_string(count));
  return report;
}

}  // namespace fieldsync::loadgen
