// `cluster`: issue 15's figures side by side in one run. Push throughput of many reps with
// 1, 2 and 3 in-process servers sharing one PostgreSQL database and with the embedded
// SQLite store; a first sync of 100k records from each store; the latency of a live edit
// between phones on the same server and on two servers sharing the database.
#include <optional>

#include <pqxx/pqxx>

#include "bench_database.hpp"
#include "common.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/server/postgres_store.hpp"
#include "live_latency.hpp"
#include "load_server.hpp"
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

// Connections the cluster holds to `database` right now (every server's pool and LISTEN).
std::size_t connections_to(const std::string& maintenance_url, const std::string& database_url) {
  pqxx::connection connection(maintenance_url);
  pqxx::nontransaction session(connection);
  const std::string database = database_url.substr(database_url.rfind('/') + 1);
  return session.exec_params("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", database)[0][0].as<std::size_t>();
}

// One push configuration: its servers, the round, the figures. Returns the records/s.
double measure_push(const Options& options, std::size_t server_count, bool postgres, std::size_t reps,
                    std::size_t edits, Report& report) {
  const std::string tag = postgres ? "pg" + std::to_string(server_count) : "sqlite";
  std::optional<BenchDatabase> database;  // declared before the servers: dropped after them
  if (postgres) database.emplace(options.store_url, "push_" + tag);
  const Servers servers = start_servers(options, server_count, database ? database->url() : "");
  const PushRound round = run_push_round(servers, tag, reps, edits, options.push_batch, options.dir, options.progress);
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
  if (database) {
    report.figure("  connections to the database after the round (all servers)",
                  static_cast<double>(connections_to(options.store_url, database->url())), "connections");
  }
  return records_per_s;
}

// What one store's first sync of `records` measured.
struct PullFigures {
  double load_s = 0;         // loading them through pushes of a full batch (setup)
  double server_read_s = 0;  // the store's changes_since over every page, on this thread
  double first_sync_s = 0;   // median of the timed first syncs
};

PullFigures measure_pull(const Options& options, bool postgres, std::size_t records, Report& report) {
  std::optional<BenchDatabase> database;
  if (postgres) database.emplace(options.store_url, "pull");
  const Servers servers = start_servers(options, 1, database ? database->url() : "");
  SyncTarget& target = *servers.front();
  const std::string token = target.rep_token("bench-pull", loadgen_territories());
  const std::size_t batch = target.max_batch_records(token);
  PullFigures figures;
  auto t0 = SteadyClock::now();
  load_server(target.url(), token, loadgen_territories(), records, batch, options.progress);
  figures.load_s = seconds_between(t0, SteadyClock::now());

  // The server's own part of a pull: reading every page from its store (no scope check).
  t0 = SteadyClock::now();
  std::size_t read = 0;
  for (std::uint64_t after = 0;;) {
    server::ChangePage page = target.server().store().changes_since(after, batch, [](const RecordState&) { return true; });
    read += page.states.size();
    after = page.to_seq;
    if (!page.more || page.states.empty()) break;
  }
  figures.server_read_s = seconds_between(t0, SteadyClock::now());
  if (read < records) throw Error(ErrorCode::kInternal, "cluster: the store holds fewer records than were loaded");

  ScratchDir scratch(options.dir);
  std::vector<double> runs;
  for (unsigned run = 0; run < options.repeats; ++run) {
    Replica replica = Replica::open(scratch.file("device-" + std::to_string(run) + ".db"), Schema::domain());
    const auto start = SteadyClock::now();
    const ClientSyncStats stats = client::sync_once(replica, target.url(), token);
    runs.push_back(seconds_between(start, SteadyClock::now()));
    if (stats.pulled < records) throw Error(ErrorCode::kInternal, "cluster: a first sync pulled too few records");
  }
  figures.first_sync_s = distribution(runs).p50;
  const std::string name = "pull " + std::to_string(records) + ", " + store_name(1, postgres);
  report.figure(name + ": first sync, connect to caught up (median)", figures.first_sync_s, "s");
  report.figure("  records/s", static_cast<double>(records) / figures.first_sync_s, "records/s");
  report.figure("  server alone: store changes_since over every page", figures.server_read_s, "s");
  report.figure("  setup: loading them, pushes of " + std::to_string(batch) + " records", figures.load_s, "s");
  return figures;
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

  // 1. Push throughput.
  const double sqlite_push = measure_push(options, 1, false, reps, edits, report);
  for (std::size_t servers = 1; servers <= 3; ++servers) {
    const double pg_push = measure_push(options, servers, true, reps, edits, report);
    report.figure("  / embedded SQLite (same run)", sqlite_push > 0 ? pg_push / sqlite_push : 0, "x");
  }

  // 2. A first sync of `records`.
  const PullFigures sqlite_pull = measure_pull(options, false, records, report);
  const PullFigures pg_pull = measure_pull(options, true, records, report);
  report.figure("pull: PostgreSQL / embedded SQLite, first sync (same run)", pg_pull.first_sync_s / sqlite_pull.first_sync_s, "x");
  report.figure("pull: PostgreSQL / embedded SQLite, server read alone", pg_pull.server_read_s / sqlite_pull.server_read_s, "x");

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
  report.parameter("load average at the end (1, 5, 15 min)", load_average());
  return report;
}

}  // namespace fieldsync::loadgen
