// fieldsync-loadgen: simulated reps against a sync server, and the sync benchmarks
// (docs/benchmarks.md, "Sync over loopback"). Figures go to stdout (a table, or --json),
// progress to stderr when it is a terminal.
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "fieldsync/core/error.hpp"
#include "options.hpp"
#include "fieldsync/tools/progress_bar.hpp"
#include "report.hpp"
#include "scenarios.hpp"

int main(int argc, char** argv) {
  using namespace fieldsync::loadgen;
  CLI::App app{
      "Simulated FieldSync reps against a sync server: an in-process server on loopback (default), or --server URL "
      "--token TOKEN."};
  Options options;
  app.add_option("scenario", options.scenario, "pull, push, latency, idle, reps, flood, storm or cluster")
      ->required()
      ->check(CLI::IsMember({"pull", "push", "latency", "idle", "reps", "flood", "storm", "cluster"}));
  app.add_option("--server", options.server_url, "ws://HOST:PORT/sync of an external server (default: in-process)");
  app.add_option("--store", options.store_url,
                 "cluster: postgresql:// URL of a cluster where it may create databases (tools/bench-cluster gives one)");
  app.add_option("--token", options.token, "token for --server (every simulated rep uses it)");
  app.add_flag("--json", options.json, "print the figures as one JSON object");
  app.add_option("--records", options.records, "pull: records on the server (100000); push: edited records (10000); reps: customers per rep (20); flood: records on the server (20000); storm: customers per territory (500); cluster: records pulled (100000)");
  app.add_option("--edits", options.edits, "latency: edits on A (1000); storm: offline edits per rep (20); cluster: edits pushed per rep (50)");
  app.add_option("--latency-edits", options.latency_edits, "cluster: live edits per latency measurement (1000)");
  app.add_option("--reps", options.reps, "storm: reps, two to a territory (500); cluster: reps pushing at once (200)");
  app.add_option("--ramp-seconds", options.ramp_s, "storm: the reps' starts spread over this (60)")->check(CLI::Range(0.0, 3600.0));
  app.add_option("--changed-percent", options.changed_percent, "storm: share of each territory changed since yesterday (2)")
      ->check(CLI::Range(0.0, 100.0));
  app.add_option("--clients", options.clients, "idle: connections (10000); reps: reps (20); flood: flooding connections (16)");
  app.add_option("--duration", options.duration_s, "reps, flood: seconds of load (10)");
  app.add_option("--repeats", options.repeats, "pull, push, cluster's pulls: timed runs, the median is reported (3)")->check(CLI::Range(1, 100));
  app.add_option("--interval-ms", options.interval_ms, "latency: pause between edits (5)");
  app.add_option("--push-batch", options.push_batch, "records per push (default: the server's max_batch_records)");
  bool not_durable = false;
  app.add_flag("--no-durable", not_durable, "started server: commit with synchronous=NORMAL instead of FULL");
  app.add_option("--server-threads", options.server_threads, "started server: I/O threads (2)")->check(CLI::Range(1, 64));
  app.add_option("--server-store-threads", options.server_store_threads,
                 "in-process server: store workers (the server's default)")
      ->check(CLI::Range(1, 64));
  app.add_option("--server-binary", options.server_binary, "idle, flood, storm: the fieldsync-server to start (default: the build tree's)");
  app.add_option("--server-pid", options.server_pid, "idle, flood with --server: the server process whose memory to read");
  app.add_option("--in-flight", options.max_in_flight, "idle: connection attempts at once (200)")->check(CLI::Range(1, 100000));
  app.add_option("--dir", options.dir, "where temporary databases go (default: the system temp dir)");
  app.add_flag("--first-sync-only", options.first_sync_only,
               "pull: after loading the server, only time one first sync of the CLI in its own process and read its "
               "peak RSS (for 1M records: skips the in-process runs, the baselines and the parts)");
  bool no_progress = false;
  app.add_flag("--no-progress", no_progress, "no progress bar even on a terminal");
  CLI11_PARSE(app, argc, argv);
  options.durable = !not_durable;
  options.progress = !no_progress && fieldsync::tools::stderr_is_terminal();

  spdlog::set_level(spdlog::level::warn);  // the in-process server logs through the default logger
  try {
    Report report;
    if (options.scenario == "pull") report = run_pull(options);
    if (options.scenario == "push") report = run_push(options);
    if (options.scenario == "latency") report = run_latency(options);
    if (options.scenario == "idle") report = run_idle(options);
    if (options.scenario == "reps") report = run_reps(options);
    if (options.scenario == "flood") report = run_flood(options);
    if (options.scenario == "storm") report = run_storm(options);
    if (options.scenario == "cluster") report = run_cluster(options);
    if (options.json) {
      print_json(report, std::cout);
    } else {
      print_table(report, std::cout);
    }
    return 0;
  } catch (const fieldsync::Error& e) {
    std::cerr << "fieldsync-loadgen: " << e.what() << " (" << fieldsync::error_code_name(e.code()) << ")\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "fieldsync-loadgen: " << e.what() << "\n";
    return 1;
  }
}
