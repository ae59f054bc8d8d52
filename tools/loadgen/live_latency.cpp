#include "live_latency.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "common.hpp"
#include "fieldsync/client/live_sync.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/tools/progress_bar.hpp"

namespace fieldsync::loadgen {

namespace live_latency {

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
  LiveDevice(const LiveDevice&) = delete;
  LiveDevice& operator=(const LiveDevice&) = delete;
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

}  // namespace live_latency

LiveLatency measure_live_latency(const std::string& url_a, const std::string& url_b, const std::string& token,
                                 const std::string& territory, std::size_t edits, std::chrono::milliseconds interval,
                                 const std::string& scratch_parent, bool progress) {
  using namespace live_latency;
  ScratchDir scratch(scratch_parent);
  Replica a = Replica::open(scratch.file("a.db"), Schema::domain());
  Replica b = Replica::open(scratch.file("b.db"), Schema::domain());
  const std::vector<RecordId> ids = create_customers(a, 0, kLiveEditedRecords, territory);

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

  LiveDevice device_a(a, url_a, token, a_options);
  LiveDevice device_b(b, url_b, token, b_options);
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

  LiveLatency result;
  tools::ProgressBar line("latency", edits, progress, "");
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
    (void)probe.changed.wait_for(lock, kEditTimeout, [&] {
      return probe.seen_on_b != SteadyClock::time_point{} && probe.acked_on_a != SteadyClock::time_point{};
    });
    if (probe.seen_on_b != SteadyClock::time_point{}) {
      result.to_b_ms.push_back(seconds_between(edited, probe.seen_on_b) * 1000.0);
    } else {
      ++result.lost;
    }
    if (probe.acked_on_a != SteadyClock::time_point{}) {
      result.ack_ms.push_back(seconds_between(edited, probe.acked_on_a) * 1000.0);
    }
    probe.phone.clear();
    lock.unlock();
    line.update(i + 1);
    if (interval.count() > 0) std::this_thread::sleep_for(interval);
  }
  line.finish();
  result.a_failure = device_a.failure();
  result.b_failure = device_b.failure();
  return result;
}

}  // namespace fieldsync::loadgen
