// `latency`: two replicas live on the same server; an edit on A, timed until B applied it.
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/client/live_sync.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/tools/progress_bar.hpp"
#include "scenarios.hpp"
#include "target.hpp"

namespace fieldsync::loadgen {

namespace latency_scenario {

constexpr std::size_t kDefaultEdits = 1000;
constexpr std::size_t kEditedRecords = 10;  // the edits go round these customers
constexpr auto kEditTimeout = std::chrono::seconds(5);

// What the main thread waits for after each edit; written by A's and B's sync threads.
struct Probe {
  std::mutex mutex;
  std::condition_variable changed;
  RecordId id;
  std::string phone;                       // the value B must show
  SteadyClock::time_point seen_on_b{};     // B applied a batch holding it
  SteadyClock::time_point acked_on_a{};    // A's push of it was acked
  std::size_t a_pushed_before = 0;
  std::size_t a_pushed = 0;
  bool a_ready = false;
  bool b_ready = false;
};

// A LiveSync on its own thread, stopped and joined on destruction.
class LiveDevice {
 public:
  LiveDevice(Replica& replica, const std::string& url, const std::string& token, client::LiveOptions options)
      : sync_(replica, url, token, std::move(options)), thread_([this] {
          try {
            sync_.run();
          } catch (const std::exception& e) {
            std::lock_guard lock(mutex_);
            failure_ = e.what();
          }
        }) {}
  ~LiveDevice() {
    sync_.stop();
    thread_.join();
  }
  client::LiveSync& sync() { return sync_; }
  std::string failure() {
    std::lock_guard lock(mutex_);
    return failure_;
  }

 private:
  client::LiveSync sync_;
  std::mutex mutex_;
  std::string failure_;
  std::thread thread_;
};

}  // namespace latency_scenario

Report run_latency(const Options& options) {
  using namespace latency_scenario;
  const std::size_t edits = options.edits ? options.edits : kDefaultEdits;
  Report report;
  report.scenario = "latency";
  SyncTarget target(options);
  const std::string token = target.rep_token("loadgen-live", {"T00"});
  const auto territories = target.writable_territories(token, {"T00"});
  report.parameter("server", target.description());
  report.parameter("edits", std::to_string(edits) + " phone edits on A, one at a time, " +
                                std::to_string(options.interval_ms) + " ms apart, round " +
                                std::to_string(kEditedRecords) + " customers");
  report.parameter("devices", "A and B: the same rep, each a SQLite file replica with a LiveSync");
  report.parameter("measured", "from A's Replica::update to B's on_status after the live batch holding it was merged");

  ScratchDir scratch(options.dir);
  Replica a = Replica::open(scratch.file("a.db"), Schema::domain());
  Replica b = Replica::open(scratch.file("b.db"), Schema::domain());
  std::vector<RecordId> ids;
  for (std::size_t n = 0; n < kEditedRecords; ++n) ids.push_back(a.create("customers", customer_fields(n, territories[0])));

  Probe probe;
  client::LiveOptions a_options;
  a_options.on_status = [&probe](const client::LiveStatus& status) {
    std::lock_guard lock(probe.mutex);
    if (status.caught_up && !probe.a_ready) {
      probe.a_ready = true;
      probe.changed.notify_all();
    }
    if (status.stats.pushed != probe.a_pushed) {
      probe.a_pushed = status.stats.pushed;
      if (probe.acked_on_a == SteadyClock::time_point{} && probe.a_pushed > probe.a_pushed_before) {
        probe.acked_on_a = SteadyClock::now();
      }
      probe.changed.notify_all();
    }
  };
  std::size_t b_pulled = 0;  // on B's thread only
  client::LiveOptions b_options;
  // B's on_status runs on B's sync thread, which owns replica b: it may read it there.
  b_options.on_status = [&probe, &b, &b_pulled](const client::LiveStatus& status) {
    if (status.stats.pulled == b_pulled && !status.caught_up) return;
    const bool applied = status.stats.pulled != b_pulled;
    b_pulled = status.stats.pulled;
    std::lock_guard lock(probe.mutex);
    if (status.caught_up && !probe.b_ready) {
      probe.b_ready = true;
      probe.changed.notify_all();
    }
    if (!applied || probe.phone.empty() || probe.seen_on_b != SteadyClock::time_point{}) return;
    auto record = b.get("customers", probe.id);
    if (!record) return;
    const auto* phone = std::get_if<std::string>(&record->value("phone"));
    if (phone && *phone == probe.phone) {
      probe.seen_on_b = SteadyClock::now();
      probe.changed.notify_all();
    }
  };

  LiveDevice device_a(a, target.url(), token, a_options);
  LiveDevice device_b(b, target.url(), token, b_options);
  {
    // Both connected and caught up, and B holds the customers A created.
    std::unique_lock lock(probe.mutex);
    if (!probe.changed.wait_for(lock, std::chrono::seconds(20), [&] { return probe.a_ready && probe.b_ready; })) {
      throw Error(ErrorCode::kTimeout, "latency: the devices did not catch up: " + device_a.failure() + device_b.failure());
    }
  }
  for (int attempt = 0;; ++attempt) {
    const std::size_t held = device_b.sync().with_replica([&](Replica& replica) {
      std::size_t count = 0;
      for (const auto& id : ids) count += replica.get("customers", id) ? 1 : 0;
      return count;
    }).get();
    if (held == ids.size()) break;
    if (attempt > 200) throw Error(ErrorCode::kTimeout, "latency: B never received A's customers");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  std::vector<double> to_b_ms, ack_ms;
  std::size_t lost = 0;
  tools::ProgressBar line("latency", edits, options.progress, "");
  for (std::size_t i = 0; i < edits; ++i) {
    const RecordId id = ids[i % ids.size()];
    const std::string phone = "+44 113 496 " + std::to_string(100000 + i);
    {
      std::lock_guard lock(probe.mutex);
      probe.id = id;
      probe.phone = phone;
      probe.seen_on_b = {};
      probe.acked_on_a = {};
      probe.a_pushed_before = probe.a_pushed;
    }
    SteadyClock::time_point edited{};
    device_a.sync().with_replica([&](Replica& replica) {
      edited = SteadyClock::now();
      replica.update("customers", id, {{"phone", Value(phone)}});
    }).get();
    std::unique_lock lock(probe.mutex);
    const bool done = probe.changed.wait_for(lock, kEditTimeout, [&] {
      return probe.seen_on_b != SteadyClock::time_point{} && probe.acked_on_a != SteadyClock::time_point{};
    });
    if (probe.seen_on_b != SteadyClock::time_point{}) {
      to_b_ms.push_back(seconds_between(edited, probe.seen_on_b) * 1000.0);
    } else {
      ++lost;
    }
    if (probe.acked_on_a != SteadyClock::time_point{}) ack_ms.push_back(seconds_between(edited, probe.acked_on_a) * 1000.0);
    probe.phone.clear();
    lock.unlock();
    (void)done;
    line.update(i + 1);
    if (options.interval_ms) std::this_thread::sleep_for(std::chrono::milliseconds(options.interval_ms));
  }
  line.finish();

  const Distribution b_latency = distribution(to_b_ms);
  const Distribution a_ack = distribution(ack_ms);
  report.figure("edits seen on B", static_cast<double>(b_latency.count), "edits");
  report.figure("edits not seen within 5 s", static_cast<double>(lost), "edits");
  report.figure("A edit -> B applied, p50", b_latency.p50, "ms");
  report.figure("A edit -> B applied, p90", b_latency.p90, "ms");
  report.figure_at_most("A edit -> B applied, p99", b_latency.p99, "ms", 5.0);
  report.figure("A edit -> B applied, max", b_latency.max, "ms");
  report.figure("A edit -> A's push acked, p50", a_ack.p50, "ms");
  report.figure("A edit -> A's push acked, p99", a_ack.p99, "ms");
  if (!device_a.failure().empty()) report.notes.push_back("A's sync ended: " + device_a.failure());
  if (!device_b.failure().empty()) report.notes.push_back("B's sync ended: " + device_b.failure());
  return report;
}

}  // namespace fieldsync::loadgen
