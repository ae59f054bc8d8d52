// `cluster`: issue 15's figures side by side in one run. Push throughput of many reps with
// 1, 2 and 3 in-process servers sharing one PostgreSQL database and with the embedded
// SQLite store; a first sync of 100k records from each store; the latency of a live edit
// between phones on the same server and on two servers sharing the database.
#include <algorithm>
#include <optional>

#include "bench_database.hpp"
#include "common.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "fieldsync/core/clock.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/server/postgres_store.hpp"
#include "live_latency.hpp"
#include "load_server.hpp"
#include "pg_activity.hpp"
#include "push_round.hpp"
#include "scenarios.hpp"
#include "target.hpp"

namespace fieldsync::loadgen {

namespace cluster_scenario {

constexpr std::size_t kDefaultReps = 200;
constexpr std::size_t kDefaultEditsPerRep = 50;
constexpr std::size_t kDefaultPullRecords = 100'000;
constexpr std::size_t kDefaultLiveEdits = 1000;
constexpr double kLatencyGoalMs = 10.0;

using Servers = std::vector<std::unique_ptr<SyncTarget>>;

// `count` in-process servers on `store` ("" : each its embedded SQLite store).
Servers start_servers(const Options& options, std::size_t count, const std::string& store) {
  Servers servers;
  for (std::size_t i = 0; i < count; ++i) {
    servers.push_back(std::make_unique<SyncTarget>(options, [&](server::ServerConfig& config) { config.store = store; }));
  }
  return servers;
}

std::string store_name(std::size_t servers, bool postgres) {
  if (!postgres) return "embedded SQLite, 1 server";
  return "PostgreSQL, " + std::to_string(servers) + (servers == 1 ? " server" : " servers");
}

// The database's side of a push round: its backends' CPU and what they were doing.
void report_database_activity(const PgActivityFigures& activity, std::size_t pushes, std::size_t records, Report& report) {
  report.figure("  database backends' CPU per push", activity.backend_cpu_s * 1000.0 / static_cast<double>(pushes), "ms");
  report.figure("  database backends' CPU per record", activity.backend_cpu_s * 1e6 / static_cast<double>(records), "us");
  std::size_t busy = 0;
  for (const auto& [what, count] : activity.samples) busy += count;
  if (activity.rounds == 0 || busy == 0) return;
  report.figure("  backends in a transaction, average", static_cast<double>(busy) / static_cast<double>(activity.rounds),
                "backends");
  for (const auto& [what, count] : activity.samples) {
    report.figure("    of them " + what, 100.0 * static_cast<double>(count) / static_cast<double>(busy), "%");
  }
}

// One push configuration: its servers, the round, the figures. Returns the records/s.
double measure_push(const Options& options, std::size_t server_count, bool postgres, std::size_t reps,
                    std::size_t edits, Report& report) {
  const std::string tag = postgres ? "pg" + std::to_string(server_count) : "sqlite";
  std::optional<BenchDatabase> database;  // declared before the servers: dropped after them
  if (postgres) database.emplace(options.store_url, "push_" + tag);
  const Servers servers = start_servers(options, server_count, database ? database->url() : "");
  // Watched from the release of the reps to the last ack: set-up work is not counted.
  std::optional<PgActivity> activity;
  PgActivityFigures database_figures;
  double cpu_before = 0, cpu_s = 0;
  PushRoundHooks hooks;
  hooks.started = [&] {
    cpu_before = cpu_seconds(0);
    try {
      if (database) activity.emplace(options.store_url, database->name());
    } catch (const std::exception& e) {
      report.notes.push_back(std::string("the database was not watched: ") + e.what());
    }
  };
  hooks.finished = [&] {
    cpu_s = cpu_seconds(0) - cpu_before;
    try {
      if (activity) database_figures = activity->stop();
    } catch (const std::exception& e) {
      report.notes.push_back(std::string("the database's CPU was not read: ") + e.what());
    }
  };
  const PushRound round =
      run_push_round(servers, tag, reps, edits, options.push_batch, options.dir, options.progress, hooks);
  const std::string name = "push, " + store_name(server_count, postgres);
  const double records_per_s = round.wall_s > 0 ? static_cast<double>(round.acked) / round.wall_s : 0;
  const Distribution per_rep = distribution(round.rep_ms);
  report.figure(name + ": records/s (acked / wall time)", records_per_s, "records/s");
  report.figure("  wall time, common start to the last ack", round.wall_s, "s");
  report.figure("  wall time per push (wall / reps)", round.wall_s * 1000.0 / static_cast<double>(reps), "ms");
  report.figure("  one rep, connect to its last ack, p50", per_rep.p50, "ms");
  report.figure("  one rep, connect to its last ack, p99", per_rep.p99, "ms");
  report.figure("  records acked", static_cast<double>(round.acked), "records");
  report.figure("  records refused", static_cast<double>(round.refused), "records");
  std::size_t failed = 0;
  for (const auto& [what, count] : round.errors) {
    failed += count;
    report.notes.push_back(name + ": " + std::to_string(count) + " reps failed: " + what);
  }
  report.figure("  reps whose sync failed", static_cast<double>(failed), "reps");
  report.figure("  this process's CPU per push (servers and the reps' clients)", cpu_s * 1000.0 / static_cast<double>(reps),
                "ms");
  if (database) {
    report_database_activity(database_figures, reps, std::max<std::size_t>(round.acked, 1), report);
    report.figure("  connections to the database after the round (all servers)",
                  static_cast<double>(database->connections()), "connections");
  }
  return records_per_s;
}

// A fresh file replica's first sync from `target`, `repeats` times: the median seconds.
double first_sync_s(SyncTarget& target, const std::string& token, std::size_t records, unsigned repeats,
                    const std::string& scratch_parent) {
  ScratchDir scratch(scratch_parent);
  std::vector<double> runs;
  for (unsigned run = 0; run < repeats; ++run) {
    Replica replica = Replica::open(scratch.file("device-" + std::to_string(run) + ".db"), Schema::domain());
    const auto start = SteadyClock::now();
    const ClientSyncStats stats = client::sync_once(replica, target.url(), token);
    runs.push_back(seconds_between(start, SteadyClock::now()));
    if (stats.pulled < records) throw Error(ErrorCode::kInternal, "cluster: a first sync pulled too few records");
  }
  return distribution(runs).p50;
}

// The server's own part of a pull: reading every page from its store (no scope check).
double server_read_s(server::Server& server, std::size_t batch, std::size_t records) {
  const auto start = SteadyClock::now();
  std::size_t read = 0;
  for (std::uint64_t after = 0;;) {
    server::ChangePage page = server.store().changes_since(after, batch, server::ReadScope{}, [](const RecordState&) { return true; });
    read += page.states.size();
    after = page.to_seq;
    if (!page.more || page.states.empty()) break;
  }
  if (read < records) throw Error(ErrorCode::kInternal, "cluster: the store holds fewer records than were loaded");
  return seconds_between(start, SteadyClock::now());
}

// A first sync of `records` from the embedded store, then from PostgreSQL holding the
// same records: the embedded store is loaded through pushes, then copied into a fresh
// database with the server's own migration (much faster than pushing them again).
void measure_pull(const Options& options, std::size_t records, Report& report) {
  const std::string token_user = "bench-pull";
  double sqlite_sync = 0, sqlite_read = 0;
  BenchDatabase database(options.store_url, "pull");
  {
    const Servers servers = start_servers(options, 1, "");
    SyncTarget& target = *servers.front();
    const std::string token = target.rep_token(token_user, loadgen_territories());
    const std::size_t batch = target.max_batch_records(token);
    const auto t0 = SteadyClock::now();
    load_server(target.url(), token, loadgen_territories(), records, batch, options.progress);
    const double load_s = seconds_between(t0, SteadyClock::now());
    sqlite_read = server_read_s(target.server(), batch, records);
    sqlite_sync = first_sync_s(target, token, records, options.repeats, options.dir);
    const std::string name = "pull " + std::to_string(records) + ", " + store_name(1, false);
    report.figure(name + ": first sync, connect to caught up (median)", sqlite_sync, "s");
    report.figure("  records/s", static_cast<double>(records) / sqlite_sync, "records/s");
    report.figure("  server alone: store changes_since over every page", sqlite_read, "s");
    report.figure("  setup: loading them, pushes of " + std::to_string(batch) + " records", load_s, "s");
    target.server().stop();
    const auto t1 = SteadyClock::now();
    server::migrate_sqlite_to_postgres(target.server().config().data_dir, database.url(), Schema::domain(),
                                       SystemClock());
    report.figure("  setup: copying them into PostgreSQL (fieldsync-server migrate)", seconds_between(t1, SteadyClock::now()),
                  "s");
  }
  const Servers servers = start_servers(options, 1, database.url());
  SyncTarget& target = *servers.front();
  const std::string token = target.rep_token(token_user, loadgen_territories());  // the user came with the copy
  const double pg_read = server_read_s(target.server(), target.max_batch_records(token), records);
  const double pg_sync = first_sync_s(target, token, records, options.repeats, options.dir);
  report.figure("pull " + std::to_string(records) + ", " + store_name(1, true) + ": first sync, connect to caught up (median)",
                pg_sync, "s");
  report.figure("  records/s", static_cast<double>(records) / pg_sync, "records/s");
  report.figure("  server alone: store changes_since over every page", pg_read, "s");
  report.figure("  first sync / embedded SQLite's (same run)", pg_sync / sqlite_sync, "x");
  report.figure("  server read / embedded SQLite's (same run)", pg_read / sqlite_read, "x");
}

// A's edit until B applied it; the figures go into the report, the p99 held against the
// issue's goal when `judged`.
Distribution measure_latency(const Options& options, const std::string& name, const std::string& url_a,
                             const std::string& url_b, const std::string& token, const std::string& territory,
                             std::size_t edits, bool judged, Report& report) {
  const LiveLatency live = measure_live_latency(url_a, url_b, token, territory, edits,
                                                std::chrono::milliseconds(options.interval_ms), options.dir,
                                                options.progress);
  const Distribution to_b = distribution(live.to_b_ms);
  report.figure(name + ": A edit -> B applied, p50", to_b.p50, "ms");
  report.figure("  p90", to_b.p90, "ms");
  if (judged) {
    report.figure_at_most("  p99", to_b.p99, "ms", kLatencyGoalMs);
  } else {
    report.figure("  p99", to_b.p99, "ms");
  }
  report.figure("  max", to_b.max, "ms");
  report.figure("  A's push acked, p50", distribution(live.ack_ms).p50, "ms");
  report.figure("  edits not seen on B within 5 s", static_cast<double>(live.lost), "edits");
  if (!live.a_failure.empty()) report.notes.push_back(name + ": A's sync ended: " + live.a_failure);
  if (!live.b_failure.empty()) report.notes.push_back(name + ": B's sync ended: " + live.b_failure);
  return to_b;
}

}  // namespace cluster_scenario

Report run_cluster(const Options& options) {
  using namespace cluster_scenario;
  if (!options.server_url.empty()) throw Error(ErrorCode::kInvalidArgument, "cluster starts its own servers: no --server");
  if (!server::is_postgres_url(options.store_url)) {
    throw Error(ErrorCode::kInvalidArgument,
                "cluster needs --store postgresql://USER@HOST:PORT/DATABASE, a cluster where it may create databases "
                "(tools/bench-cluster starts a throwaway one)");
  }
  const std::size_t reps = options.reps ? options.reps : kDefaultReps;
  const std::size_t edits = options.edits ? options.edits : kDefaultEditsPerRep;
  const std::size_t records = options.records ? options.records : kDefaultPullRecords;
  const std::size_t live_edits = options.latency_edits ? options.latency_edits : kDefaultLiveEdits;
  raise_open_file_limit();  // a few hundred connections and replica files at once

  Report report;
  report.scenario = "cluster";
  report.parameter("load average at the start (1, 5, 15 min)", load_average());
  report.parameter("servers", "in-process fieldsync::server::Server on 127.0.0.1, " + std::to_string(options.server_threads) +
                                  " I/O threads each, the server's default store workers; PostgreSQL: a fresh database "
                                  "per configuration, shared by its servers");
  report.parameter("SQLite store", options.durable ? "durable (synchronous=FULL)" : "not durable (--no-durable)");
  const std::string durability = postgres_durability(options.store_url);
  report.parameter("PostgreSQL", durability);
  if (durability != "fsync=on synchronous_commit=on full_page_writes=on") {
    report.notes.push_back("the PostgreSQL cluster does not make every commit durable (" + durability +
                           "): its figures are not comparable with the durable SQLite store");
  }
  report.parameter("push", std::to_string(reps) + " reps at once, round robin over the servers, each its own user, "
                           "territory and SQLite file replica; each pushes " + std::to_string(edits) +
                           " edited customers in one sync_once (untimed before: creating them, a first sync)");
  report.parameter("pull", std::to_string(records) + " customers on one server; a fresh file replica's sync_once, " +
                               std::to_string(options.repeats) + " runs");
  report.parameter("latency", std::to_string(live_edits) + " edits on A, " + std::to_string(options.interval_ms) +
                                  " ms apart; A and B the same rep, each a file replica with a LiveSync");

  std::vector<std::string> phases;  // wall time of each phase, set-up included
  auto phase_start = SteadyClock::now();
  // 1. Push throughput.
  const double sqlite_push = measure_push(options, 1, false, reps, edits, report);
  for (std::size_t servers = 1; servers <= 3; ++servers) {
    const double pg_push = measure_push(options, servers, true, reps, edits, report);
    report.figure("  records/s / embedded SQLite's (same run)", sqlite_push > 0 ? pg_push / sqlite_push : 0, "x");
  }
  phases.push_back("push " + format_figure(seconds_between(phase_start, SteadyClock::now())) + " s");
  phase_start = SteadyClock::now();

  // 2. A first sync of `records` from each store.
  measure_pull(options, records, report);
  phases.push_back("pull " + format_figure(seconds_between(phase_start, SteadyClock::now())) + " s");
  phase_start = SteadyClock::now();

  // 3. Live edit latency: the embedded reference, then PostgreSQL with A and B on one
  // server and on two.
  Distribution reference;
  {
    const Servers servers = start_servers(options, 1, "");
    const std::string token = servers[0]->rep_token("bench-live", {"L00"});
    reference = measure_latency(options, "latency, embedded SQLite, A and B on one server", servers[0]->url(),
                                servers[0]->url(), token, "L00", live_edits, false, report);
  }
  {
    BenchDatabase database(options.store_url, "latency");
    const Servers servers = start_servers(options, 2, database.url());
    const std::string same_token = servers[0]->rep_token("bench-live-same", {"L01"});
    measure_latency(options, "latency, PostgreSQL, A and B on server 1", servers[0]->url(), servers[0]->url(),
                    same_token, "L01", live_edits, false, report);
    const std::string cross_token = servers[0]->rep_token("bench-live-cross", {"L02"});
    const Distribution cross = measure_latency(options, "latency, PostgreSQL, A on server 1, B on server 2",
                                               servers[0]->url(), servers[1]->url(), cross_token, "L02", live_edits,
                                               true, report);
    report.figure("  p50 / embedded same-server p50", reference.p50 > 0 ? cross.p50 / reference.p50 : 0, "x");
    report.figure("  p99 / embedded same-server p99", reference.p99 > 0 ? cross.p99 / reference.p99 : 0, "x");
  }
  phases.push_back("latency " + format_figure(seconds_between(phase_start, SteadyClock::now())) + " s");
  std::string phase_text;
  for (const auto& phase : phases) phase_text += (phase_text.empty() ? "" : ", ") + phase;
  report.parameter("phases, set-up included", phase_text);
  report.parameter("load average at the end (1, 5, 15 min)", load_average());
  return report;
}

}  // namespace fieldsync::loadgen
