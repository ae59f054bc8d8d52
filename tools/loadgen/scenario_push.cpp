// `push`: a replica with many edited records pushes them; timed until the last ack.
#include <algorithm>

#include "common.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/tools/progress_bar.hpp"
#include "scenarios.hpp"
#include "target.hpp"

namespace fieldsync::loadgen {

namespace push_scenario {

constexpr std::size_t kDefaultRecords = 10'000;

}  // namespace push_scenario

Report run_push(const Options& options) {
  const std::size_t records = options.records ? options.records : push_scenario::kDefaultRecords;
  Report report;
  report.scenario = "push";
  SyncTarget target(options);
  const std::string token = target.rep_token("loadgen-push", loadgen_territories());
  const auto territories = target.writable_territories(token, loadgen_territories());
  const std::size_t batch = options.push_batch ? options.push_batch : target.max_batch_records(token);
  report.parameter("server", target.description());
  report.parameter("records", std::to_string(records) + " edited records (phone changed) in the outbox");
  report.parameter("push batch", std::to_string(batch) + " records per push, one push in flight");
  report.parameter("repeats", std::to_string(options.repeats));

  // Setup (untimed): the device creates the customers and syncs them once.
  ScratchDir scratch(options.dir);
  Replica device = Replica::open(scratch.file("device.db"), Schema::domain());
  std::vector<RecordId> ids;
  ids.reserve(records);
  {
    tools::ProgressBar line("setup: creating customers", records, options.progress, "");
    for (std::size_t done = 0; done < records;) {
      const std::size_t end = std::min(records, done + 1000);
      device.transaction([&] {
        for (std::size_t n = done; n < end; ++n) {
          ids.push_back(device.create("customers", customer_fields(n, territories[n % territories.size()])));
        }
      });
      done = end;
      line.update(done);
    }
  }
  client::SyncOptions sync;
  sync.sync.push_batch = batch;
  client::sync_once(device, target.url(), token, sync);

  std::vector<double> acked, totals;
  std::size_t rejected = 0;
  tools::ProgressBar line("push", options.repeats, options.progress, "");
  for (unsigned run = 0; run < options.repeats; ++run) {
    device.transaction([&] {
      for (std::size_t n = 0; n < ids.size(); ++n) {
        device.update("customers", ids[n], {{"phone", Value("+44 113 555 " + std::to_string(run) + "-" + std::to_string(n))}});
      }
    });
    if (device.outbox_size() != records) throw Error(ErrorCode::kInternal, "push: the outbox does not hold every edit");
    SteadyClock::time_point all_acked{};
    sync.on_progress = [&](const ClientSync& s) {
      if (all_acked == SteadyClock::time_point{} && s.stats().pushed + s.stats().rejected >= records) {
        all_acked = SteadyClock::now();
      }
    };
    const auto start = SteadyClock::now();
    const ClientSyncStats stats = client::sync_once(device, target.url(), token, sync);
    const auto end = SteadyClock::now();
    if (all_acked == SteadyClock::time_point{}) throw Error(ErrorCode::kInternal, "push: not every record was acked");
    acked.push_back(seconds_between(start, all_acked));
    totals.push_back(seconds_between(start, end));
    rejected += stats.rejected;
    line.update(run + 1);
  }
  line.finish();
  const Distribution ack = distribution(acked);
  report.figure_at_most("connect to last ack (median)", ack.p50, "s", 0.25);
  report.figure("  fastest run", ack.min, "s");
  report.figure("  slowest run", ack.max, "s");
  report.figure("records/s (median run)", static_cast<double>(records) / ack.p50, "records/s");
  report.figure("whole sync_once incl. pulling the changes back (median)", distribution(totals).p50, "s");
  report.figure("records refused", static_cast<double>(rejected), "records");
  return report;
}

}  // namespace fieldsync::loadgen
