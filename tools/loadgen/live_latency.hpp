#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace fieldsync::loadgen {

// The customers A's edits go round.
inline constexpr std::size_t kLiveEditedRecords = 10;

// What measure_live_latency saw.
struct LiveLatency {
  std::vector<double> to_b_ms;  // A's Replica::update until B applied it, per edit seen on B
  std::vector<double> ack_ms;   // A's Replica::update until A's push was acked
  std::size_t lost = 0;         // edits B did not show within 5 s
  std::string a_failure;        // why A's LiveSync ended early, if it did
  std::string b_failure;
};

// Devices A and B, the same rep (`token`, allowed to write `territory`), each a SQLite file
// replica in a scratch directory under `scratch_parent` with a LiveSync on its own thread: A
// on `url_a`, B on `url_b` (the same URL, or two servers sharing one store). Once both are
// caught up and B holds A's customers, A edits a phone `edits` times, one at a time,
// `interval` apart, each timed until B's on_status finds it in B's replica. Throws
// Error(kTimeout) when the devices do not catch up.
LiveLatency measure_live_latency(const std::string& url_a, const std::string& url_b, const std::string& token,
                                 const std::string& territory, std::size_t edits, std::chrono::milliseconds interval,
                                 const std::string& scratch_parent, bool progress);

}  // namespace fieldsync::loadgen
