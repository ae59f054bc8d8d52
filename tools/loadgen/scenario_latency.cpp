// `latency`: two replicas live on the same server; an edit on A, timed until B applied it.
#include "common.hpp"
#include "live_latency.hpp"
#include "scenarios.hpp"
#include "target.hpp"

namespace fieldsync::loadgen {

namespace latency_scenario {

constexpr std::size_t kDefaultEdits = 1000;

}  // namespace latency_scenario

Report run_latency(const Options& options) {
  const std::size_t edits = options.edits ? options.edits : latency_scenario::kDefaultEdits;
  Report report;
  report.scenario = "latency";
  SyncTarget target(options);
  const std::string token = target.rep_token("loadgen-live", {"T00"});
  const auto territories = target.writable_territories(token, {"T00"});
  report.parameter("server", target.description());
  report.parameter("edits", std::to_string(edits) + " phone edits on A, one at a time, " +
                                std::to_string(options.interval_ms) + " ms apart, round " +
                                std::to_string(kLiveEditedRecords) + " customers");
  report.parameter("devices", "A and B: the same rep, each a SQLite file replica with a LiveSync");
  report.parameter("measured", "from A's Replica::update to B's on_status after the live batch holding it was merged");

  const LiveLatency live = measure_live_latency(target.url(), target.url(), token, territories[0], edits,
                                                std::chrono::milliseconds(options.interval_ms), options.dir,
                                                options.progress);
  const Distribution b_latency = distribution(live.to_b_ms);
  const Distribution a_ack = distribution(live.ack_ms);
  report.figure("edits seen on B", static_cast<double>(b_latency.count), "edits");
  report.figure("edits not seen within 5 s", static_cast<double>(live.lost), "edits");
  report.figure("A edit -> B applied, p50", b_latency.p50, "ms");
  report.figure("A edit -> B applied, p90", b_latency.p90, "ms");
  report.figure_at_most("A edit -> B applied, p99", b_latency.p99, "ms", 5.0);
  report.figure("A edit -> B applied, max", b_latency.max, "ms");
  report.figure("A edit -> A's push acked, p50", a_ack.p50, "ms");
  report.figure("A edit -> A's push acked, p99", a_ack.p99, "ms");
  if (!live.a_failure.empty()) report.notes.push_back("A's sync ended: " + live.a_failure);
  if (!live.b_failure.empty()) report.notes.push_back("B's sync ended: " + live.b_failure);
  return report;
}

}  // namespace fieldsync::loadgen
