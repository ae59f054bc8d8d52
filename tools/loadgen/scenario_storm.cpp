// `storm`: the morning sync storm. N reps, two to a territory, start within the ramp; each
// pushes the day's offline edits and pulls what changed since yesterday, through the real
// client (sync_once, WebSocket, SQLite file replica) against the real fieldsync-server.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <latch>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "common.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/tools/progress_bar.hpp"
#include "scenario_storm.hpp"
#include "server_metrics.hpp"
#include "scenarios.hpp"
#include "server_process.hpp"

namespace fieldsync::loadgen {

namespace storm {
namespace {

constexpr std::size_t kFilesPerRep = 4;  // database, WAL, shared memory, socket
constexpr double kMergeRatioTarget = 0.5;
constexpr double kSlowestOverMedianTarget = 10.0;

// What one rep's morning sync did. Times in seconds from the storm's start.
struct RepOutcome {
  bool caught_up = false;
  std::string error;  // error code name and message, when sync_once threw
  double begin = 0, opened = 0, welcomed = 0, acked = 0, caught = 0;  // opened: WebSocket upgraded
  std::size_t pushed = 0, rejected = 0, pulled = 0;
  std::uint64_t checkpoint = 0;     // where its pull ended
  std::set<RecordId> unacked;       // edits still in the outbox afterwards
  std::size_t stale_changes = 0;    // the office's changes it does not show afterwards
};

// Resets the process's peak RSS (VmHWM) to its current RSS; false if the kernel refused.
bool reset_peak_rss(int pid) {
  std::ofstream file("/proc/" + std::to_string(pid) + "/clear_refs");
  file << "5";
  file.flush();
  return static_cast<bool>(file);
}

// Total length of the union of [from, to] intervals.
double covered_seconds(std::vector<std::pair<double, double>> intervals) {
  std::sort(intervals.begin(), intervals.end());
  double total = 0, open_from = 0, open_to = -1;
  for (const auto& [from, to] : intervals) {
    if (from > open_to) {
      if (open_to > open_from) total += open_to - open_from;
      open_from = from;
      open_to = to;
    } else {
      open_to = std::max(open_to, to);
    }
  }
  if (open_to > open_from) total += open_to - open_from;
  return total;
}

// One rep's morning: wait for its start, sync, then look at what its replica holds.
RepOutcome run_rep(const Plan& plan, const RepDevice& device, std::size_t rep, const std::string& url,
                   const std::string& token, Replica& replica, SteadyClock::time_point start,
                   SteadyClock::time_point my_start) {
  RepOutcome outcome;
  auto since_start = [&] { return seconds_between(start, SteadyClock::now()); };
  std::this_thread::sleep_until(my_start);
  client::SyncOptions options;
  options.sync.client_name = "fieldsync-loadgen storm rep";
  options.on_progress = [&](const ClientSync& sync) {
    const auto phase = sync.phase();
    if (outcome.opened == 0) outcome.opened = since_start();  // the first event: the upgrade is done
    if (outcome.welcomed == 0 && phase != ClientSync::Phase::kConnecting && phase != ClientSync::Phase::kHandshake) {
      outcome.welcomed = since_start();
    }
    if (outcome.acked == 0 && sync.stats().pushed + sync.stats().rejected >= plan.edits) outcome.acked = since_start();
    if (outcome.caught == 0 && sync.caught_up()) outcome.caught = since_start();
  };
  outcome.begin = since_start();
  try {
    const ClientSyncStats stats = client::sync_once(replica, url, token, options);
    outcome.caught_up = outcome.caught > 0;
    outcome.pushed = stats.pushed;
    outcome.rejected = stats.rejected;
    outcome.pulled = stats.pulled;
    outcome.checkpoint = stats.checkpoint;
    if (!outcome.caught_up) outcome.error = "sync_once returned without being caught up";
  } catch (const Error& e) {
    outcome.error = std::string(error_code_name(e.code())) + ": " + e.what();
  }
  // Untimed: what is left to push, and whether the office's changes arrived.
  for (const OutboxEntry& entry : replica.outbox()) outcome.unacked.insert(entry.state.id);
  for (std::size_t n = 0; n < device.changed.size(); ++n) {
    const auto record = replica.get("customers", device.changed[n]);
    const Value expected(office_email(plan.territory_of(rep), device.changed_index[n]));
    if (!record || record->value("email") != expected) ++outcome.stale_changes;
  }
  return outcome;
}

// What the store holds after the storm, seen through the office's replica once it synced.
struct Verdict {
  std::size_t acked_edits = 0;
  std::size_t acked_edits_missing = 0;  // an acknowledged phone the store does not hold
  std::size_t conflicts = 0;            // records two reps edited, both acknowledged
  std::size_t conflicts_kept = 0;       // of those, with both phones as siblings
};

Verdict verify(const std::vector<RepDevice>& devices, const std::vector<RepOutcome>& outcomes,
               Replica& office) {
  std::map<RecordId, std::vector<std::string>> acked_phones;
  for (std::size_t r = 0; r < devices.size(); ++r) {
    for (std::size_t n = 0; n < devices[r].edited.size(); ++n) {
      if (!outcomes[r].unacked.contains(devices[r].edited[n])) acked_phones[devices[r].edited[n]].push_back(rep_phone(r, n));
    }
  }
  Verdict verdict;
  for (const auto& [id, phones] : acked_phones) {
    const auto state = office.state("customers", id);
    const FieldState* phone = state ? state->field("phone") : nullptr;
    std::size_t held = 0;
    for (const std::string& value : phones) {
      const bool found = phone && std::any_of(phone->siblings.begin(), phone->siblings.end(),
                                              [&](const Sibling& s) { return s.value == Value(value); });
      verdict.acked_edits += 1;
      if (found) ++held;
      else ++verdict.acked_edits_missing;
    }
    if (phones.size() == 2) {
      ++verdict.conflicts;
      if (held == 2 && phone->siblings.size() == 2) ++verdict.conflicts_kept;
    }
  }
  return verdict;
}

}  // namespace
}  // namespace storm

Report run_storm(const Options& options) {
  using namespace storm;
  if (!options.server_url.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "storm starts its own fieldsync-server (it makes the reps' accounts): no --server");
  }
  const Plan plan = Plan::from(options);
  Report report;
  report.scenario = "storm";
  const std::size_t file_limit = raise_open_file_limit();
  if (plan.reps * kFilesPerRep + 64 > file_limit) {
    throw Error(ErrorCode::kInvalidArgument, "storm: RLIMIT_NOFILE (" + std::to_string(file_limit) + ") is too low for " +
                                                 std::to_string(plan.reps) + " reps");
  }

  ScratchDir scratch(options.dir);
  Accounts accounts;
  ServerProcessConfig config;
  config.threads = options.server_threads;
  config.durable = options.durable;
  config.max_connections_per_address = plan.reps + 64;  // in the field they come from many addresses
  config.prepare = [&](server::Store& store, std::uint64_t now_ms) { accounts = add_accounts(store, plan, now_ms); };
  const MeasuredServer server = measured_server(options, scratch.path(), config, report);
  report.parameter("reps", std::to_string(plan.reps) + ", two to a territory (" + std::to_string(plan.territories) +
                               " territories of " + std::to_string(plan.customers_per_territory) +
                               " customers), each its own user, SQLite file replica and sync_once");
  report.parameter("ramp", format_figure(plan.ramp_s) + " s: the reps start evenly spread over it, in a shuffled order");
  report.parameter("each rep", "pushes " + std::to_string(plan.edits) + " offline edits (phones; " +
                                   std::to_string(plan.conflicting) +
                                   " on records its territory's other rep edited too) and pulls the " +
                                   std::to_string(plan.changed_per_territory) + " customers changed since yesterday");

  const std::string load_before = load_average();
  Office office = seed_office(plan, server.url, accounts.office_token, options.progress);
  std::vector<RepDevice> devices = sync_reps_yesterday(plan, server.url, accounts, scratch.path().string(), options.progress);
  change_since_yesterday(plan, office, server.url, accounts.office_token);
  edit_offline(plan, devices, options.progress);

  std::vector<std::size_t> order(plan.reps);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::shuffle(order.begin(), order.end(), std::mt19937_64(20261204));
  std::vector<double> offset_s(plan.reps);
  for (std::size_t k = 0; k < order.size(); ++k) {
    offset_s[order[k]] = plan.ramp_s * static_cast<double>(k) / static_cast<double>(plan.reps);
  }

  // Every rep opens its replica first (the app is running before it syncs); then the clock starts.
  std::vector<RepOutcome> outcomes(plan.reps);
  std::latch opened(static_cast<std::ptrdiff_t>(plan.reps));
  std::latch go(1);
  SteadyClock::time_point start{};
  std::vector<std::thread> threads;
  threads.reserve(plan.reps);
  std::atomic<std::size_t> finished{0};
  for (std::size_t r = 0; r < plan.reps; ++r) {
    threads.emplace_back([&, r] {
      std::optional<Replica> replica;
      try {
        replica.emplace(Replica::open(devices[r].path, Schema::domain()));
      } catch (const Error& e) {
        outcomes[r].error = std::string(error_code_name(e.code())) + ": " + e.what();
      }
      opened.count_down();
      go.wait();
      if (replica) {
        const auto my_start = start + std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(offset_s[r]));
        outcomes[r] = run_rep(plan, devices[r], r, server.url, accounts.rep_tokens[r], *replica, start, my_start);
      }
      ++finished;
    });
  }
  opened.wait();
  const bool peak_reset = server.pid && reset_peak_rss(server.pid);
  const std::size_t rss_before = resident_kib(server.pid);
  const double cpu_before = cpu_seconds(server.pid);
  const ServerMetrics metrics_before = read_server_metrics(server.url);
  start = SteadyClock::now();
  go.count_down();
  {
    tools::ProgressBar line("storm: reps done", plan.reps, options.progress, "reps");
    while (finished.load() < plan.reps) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      line.update(finished.load());
    }
  }
  for (auto& thread : threads) thread.join();
  const double cpu_s = cpu_seconds(server.pid) - cpu_before;
  const ServerMetrics served = read_server_metrics(server.url) - metrics_before;
  const std::size_t peak_kib = resident_kib(server.pid, "VmHWM");
  const std::size_t rss_after = resident_kib(server.pid);
  const std::string load_after = load_average();

  // Figures of the reps that came through; every other one is a failure.
  std::vector<double> rep_s, welcome_s, push_s, pull_s;
  std::vector<std::pair<double, double>> pushing;
  std::vector<std::size_t> caught_index;  // rep_s[i] is outcomes[caught_index[i]]'s
  std::size_t pushed = 0, pulled = 0, rejected = 0, stale = 0;
  std::uint64_t scanned = 0;  // server sequences each pull went over, in every territory
  double first_begin = 1e300, last_caught = 0;
  std::map<std::string, std::size_t> errors;
  std::string first_failure;
  for (std::size_t r = 0; r < outcomes.size(); ++r) {
    const RepOutcome& o = outcomes[r];
    pushed += o.pushed;
    pulled += o.pulled;
    rejected += o.rejected;
    stale += o.stale_changes;
    first_begin = std::min(first_begin, o.begin);
    if (!o.caught_up) {
      ++errors[o.error.substr(0, o.error.find(':'))];
      if (first_failure.empty()) first_failure = o.error;
      continue;
    }
    rep_s.push_back(o.caught - o.begin);
    caught_index.push_back(r);
    scanned += o.checkpoint > devices[r].checkpoint ? o.checkpoint - devices[r].checkpoint : 0;
    welcome_s.push_back(o.welcomed - o.begin);
    push_s.push_back(o.acked - o.welcomed);
    pull_s.push_back(o.caught - o.acked);
    last_caught = std::max(last_caught, o.caught);
    if (o.acked > 0) pushing.emplace_back(o.welcomed, o.acked);
  }
  const double total_s = last_caught - std::min(first_begin, last_caught);
  const Distribution per_rep = distribution(rep_s);
  const double pushing_s = covered_seconds(pushing);

  // The store after the storm, through the office's replica, and the baseline (untimed here).
  Verdict verdict;
  try {
    client::sync_once(office.replica, server.url, accounts.office_token);
    verdict = verify(devices, outcomes, office.replica);
  } catch (const Error& e) {
    report.notes.push_back(std::string("the office could not sync after the storm: ") + e.what());
    verdict.acked_edits_missing = plan.reps * plan.edits;
  }
  const BaselineResult baseline = run_baseline(plan, office, scratch.file("baseline.db"), order);
  const double baseline_rate = static_cast<double>(baseline.records) / baseline.seconds;
  const double rep_push_rate = pushing_s > 0 ? static_cast<double>(pushed) / pushing_s : 0;
  const double merge_rate = served.push.seconds > 0 ? served.records_merged / served.push.seconds : 0;

  const std::size_t failed = plan.reps - rep_s.size();
  const bool came_through = failed == 0 && rejected == 0 && stale == 0 && verdict.acked_edits_missing == 0 &&
                            verdict.conflicts_kept == verdict.conflicts;
  report.parameter("load average (1, 5, 15 min)", "before the set-up " + load_before + ", after the storm " + load_after);
  report.figure("storm came through", came_through ? 1 : 0, "(1: yes)");
  report.figure_at_most("reps failed", static_cast<double>(failed), "reps", 0);
  for (const auto& [code, count] : errors) report.notes.push_back("failed with " + code + ": " + std::to_string(count));
  if (!first_failure.empty()) report.notes.push_back("first failure: " + first_failure);
  report.figure_at_most("edits refused", static_cast<double>(rejected), "records", 0);
  report.figure_at_most("acknowledged edits missing from the store", static_cast<double>(verdict.acked_edits_missing),
                        "records", 0);
  report.figure("  acknowledged edits checked", static_cast<double>(verdict.acked_edits), "records");
  report.figure("conflicts (same phone edited by both reps of a territory)", static_cast<double>(verdict.conflicts), "records");
  report.figure_at_most("  conflicts not kept as two siblings", static_cast<double>(verdict.conflicts - verdict.conflicts_kept),
                        "records", 0);
  report.figure_at_most("changes since yesterday a rep does not show", static_cast<double>(stale), "records", 0);
  report.figure("total time, first connect to last caught up", total_s, "s");
  report.figure("per rep, connect to caught up, p50", per_rep.p50 * 1000.0, "ms");
  report.figure("per rep, p99", per_rep.p99 * 1000.0, "ms");
  report.figure("per rep, max", per_rep.max * 1000.0, "ms");
  report.figure_at_most("  slowest rep / median", per_rep.p50 > 0 ? per_rep.max / per_rep.p50 : 0, "x",
                        kSlowestOverMedianTarget);
  auto parts = [&](const std::string& name, const std::vector<double>& sample) {
    const Distribution d = distribution(sample);
    report.figure("  " + name + ", p50 / p99", d.p50 * 1000.0, "ms");
    report.figure("    p99", d.p99 * 1000.0, "ms");
  };
  if (!rep_s.empty()) {
    // Where the slowest rep's time went: a tail is read from its parts.
    const auto slowest = std::max_element(rep_s.begin(), rep_s.end()) - rep_s.begin();
    const RepOutcome& o = outcomes[caught_index[slowest]];
    report.figure("  slowest rep: connect and upgrade", (o.opened - o.begin) * 1000.0, "ms");
    report.figure("    hello until the welcome", (o.welcomed - o.opened) * 1000.0, "ms");
    report.figure("    push", push_s[slowest] * 1000.0, "ms");
    report.figure("    pull", pull_s[slowest] * 1000.0, "ms");
  }
  // The server's own account (its request-duration histogram): whether a tail was its time.
  report.figure("  server: every hello handled within", served.hello.slowest_at_most() * 1000.0, "ms");
  report.figure("    every push", served.push.slowest_at_most() * 1000.0, "ms");
  report.figure("    every pull", served.pull.slowest_at_most() * 1000.0, "ms");
  parts("connect, upgrade, hello until the welcome", welcome_s);
  parts("push: welcome until the ack", push_s);
  parts("pull: ack until caught up", pull_s);
  report.figure("records pushed", static_cast<double>(pushed), "records");
  report.figure("records pulled", static_cast<double>(pulled), "records");
  report.figure("  changes the server read to find them (every territory's, since each rep's checkpoint)",
                static_cast<double>(scanned), "records");
  report.figure("records/s (pushed + pulled over the total time)",
                total_s > 0 ? static_cast<double>(pushed + pulled) / total_s : 0, "records/s");
  report.figure("time with a push in flight (union over reps)", pushing_s, "s");
  report.figure("pushes as the reps see them (pushed / that time)", rep_push_rate, "records/s");
  report.figure("server's time handling pushes (its /metrics: frame to ack, summed)", served.push.seconds, "s");
  report.figure("  pushes it handled", served.push.count, "pushes");
  report.figure("server's durable merge throughput (records merged / that time)", merge_rate, "records/s");
  report.figure("baseline: bare SQLite, same rows, 20 per transaction, synchronous=FULL", baseline_rate, "records/s");
  report.figure("  baseline time", baseline.seconds, "s");
  report.figure_at_least("merge throughput / baseline", merge_rate / baseline_rate, "x", kMergeRatioTarget);
  report.figure("  pushes as the reps see them / baseline", rep_push_rate / baseline_rate, "x");
  if (server.pid) {
    report.figure("server CPU (user + system) during the storm", cpu_s, "s");
    report.figure("  of one core, over the total time", total_s > 0 ? 100.0 * cpu_s / total_s : 0, "%");
    report.figure("  per rep", 1000.0 * cpu_s / static_cast<double>(plan.reps), "ms");
    report.figure("server RSS before the storm", kib_to_mib(rss_before), "MiB");
    report.figure("  after", kib_to_mib(rss_after), "MiB");
    report.figure(peak_reset ? "server peak RSS during the storm (VmHWM reset at its start)"
                             : "server peak RSS since it started (VmHWM; could not reset it)",
                  kib_to_mib(peak_kib), "MiB");
  }
  return report;
}

}  // namespace fieldsync::loadgen
