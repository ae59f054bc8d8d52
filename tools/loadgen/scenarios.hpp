#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "options.hpp"
#include "report.hpp"

namespace fieldsync::loadgen {

// Each scenario sets up its server (untimed), measures, and returns its figures.
// docs/benchmarks.md ("Sync over loopback") describes what each one times.
Report run_pull(const Options& options);
Report run_push(const Options& options);
Report run_latency(const Options& options);
Report run_idle(const Options& options);
Report run_reps(const Options& options);
Report run_flood(const Options& options);
Report run_storm(const Options& options);
Report run_cluster(const Options& options);

// Territories "T00".."T19": what the customers of the pull and push scenarios spread over.
std::vector<std::string> loadgen_territories();

}  // namespace fieldsync::loadgen
