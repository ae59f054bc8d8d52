// `pull`: a fresh replica pulls every record of a loaded server (a first sync).
#include <algorithm>
#include <iostream>

#include "common.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/server/scope.hpp"
#include "fieldsync/tools/progress_bar.hpp"
#include "first_sync_child.hpp"
#include "load_server.hpp"
#include "pull_baseline.hpp"
#include "scenarios.hpp"
#include "target.hpp"

namespace fieldsync::loadgen {

std::vector<std::string> loadgen_territories() {
  std::vector<std::string> territories;
  for (int i = 0; i < 20; ++i) territories.push_back(std::string(i < 10 ? "T0" : "T").append(std::to_string(i)));
  return territories;
}

namespace pull_scenario {

constexpr std::size_t kDefaultRecords = 100'000;

std::size_t read_count(const std::vector<std::vector<RecordState>>& pages) {
  std::size_t count = 0;
  for (const auto& page : pages) count += page.size();
  return count;
}

// Reference figures, in-process only: the parts a pull is made of, each done alone on this
// thread, so that the wall time of the pull can be split without a profiler.
void measure_parts(server::Server& server, const std::vector<std::string>& territories, const std::string& replica_path,
                   std::size_t batch, Report& report) {
  // 1. The server reading pages from its store (no scope filter: a supervisor's read).
  std::vector<std::vector<RecordState>> pages;
  auto t0 = SteadyClock::now();
  for (std::uint64_t after = 0;;) {
    server::ChangePage page = server.store().changes_since(after, batch, {}, [](const RecordState&) { return true; });
    if (page.states.empty()) break;
    after = page.to_seq;
    pages.push_back(std::move(page.states));
    if (!page.more) break;
  }
  const double read_s = seconds_between(t0, SteadyClock::now());
  // 1b. The same with the rep's scope check, as SyncService::pull does it.
  const server::ScopePolicy scope(Schema::domain(), server.store());
  const server::Principal rep{"loadgen-pull", server::Role::kRep, territories};
  std::size_t visible_count = 0;
  t0 = SteadyClock::now();
  for (std::uint64_t after = 0;;) {
    server::ChangePage page =
        server.store().changes_since(after, batch, scope.read_scope(rep),
                                     [&](const RecordState& state) { return scope.may_read(rep, state); });
    visible_count += page.states.size();
    after = page.to_seq;
    if (!page.more || page.states.empty()) break;
  }
  const double scoped_read_s = seconds_between(t0, SteadyClock::now());
  // 2. Encoding each page as a batch message (what the server sends).
  std::vector<std::string> frames;
  t0 = SteadyClock::now();
  for (const auto& page : pages) {
    proto::Envelope message;
    auto* out = message.mutable_batch();
    for (const auto& state : page) append_wire_state(*out->add_records(), state);
    frames.push_back(message.SerializeAsString());
  }
  const double encode_s = seconds_between(t0, SteadyClock::now());
  // 3. Decoding them on the client.
  std::vector<std::vector<RecordState>> decoded;
  t0 = SteadyClock::now();
  for (const auto& frame : frames) {
    proto::Envelope message;
    message.ParseFromString(frame);
    std::vector<RecordState> states;
    states.reserve(static_cast<std::size_t>(message.batch().records_size()));
    for (const auto& record : message.batch().records()) states.push_back(decode_wire_state(record));
    decoded.push_back(std::move(states));
  }
  const double decode_s = seconds_between(t0, SteadyClock::now());
  // 4. Merging them into a fresh replica file, a transaction per batch with the checkpoint.
  Replica replica = Replica::open(replica_path, Schema::domain());
  t0 = SteadyClock::now();
  std::size_t n = 0;
  for (const auto& states : decoded) {
    replica.transaction([&] {
      replica.merge(states);
      replica.set_setting("loadgen.checkpoint", std::to_string(++n));
    });
  }
  const double merge_s = seconds_between(t0, SteadyClock::now());
  // 4b. The same as one bulk load, as ClientSync merges a large pull from scratch.
  Replica bulk = Replica::open(replica_path + "-bulk", Schema::domain());
  t0 = SteadyClock::now();
  {
    auto load = bulk.start_bulk_load();
    n = 0;
    for (const auto& states : decoded) {
      bulk.merge(states);
      bulk.set_setting("loadgen.checkpoint", std::to_string(++n));
    }
    load.finish();
  }
  const double bulk_s = seconds_between(t0, SteadyClock::now());
  std::size_t bytes = 0;
  for (const auto& frame : frames) bytes += frame.size();
  report.figure("  part: server store.changes_since, all pages, no scope check", read_s, "s");
  report.figure("  part: the same with the rep's ScopePolicy::may_read", scoped_read_s, "s");
  report.figure("  part: encode batches (wire encode + serialize)", encode_s, "s");
  report.figure("  part: decode batches (parse + wire decode)", decode_s, "s");
  report.figure("  part: client merge + checkpoint, per batch tx", merge_s, "s");
  report.figure("  part: client bulk load (one tx, indexes built after)", bulk_s, "s");
  report.figure("  part: sum of the parts (scoped read, bulk load)", scoped_read_s + encode_s + decode_s + bulk_s, "s");
  if (visible_count < read_count(pages)) {
    report.notes.push_back("the scope check hid records: " + std::to_string(visible_count) + " visible");
  }
  report.figure("  batch frames on the wire", static_cast<double>(bytes) / (1024.0 * 1024.0), "MiB");
}

// A first sync alone: the CLI in its own process, its wall time and peak memory.
void report_first_sync_child(const std::string& url, const std::string& token, const std::string& path,
                             Report& report) {
  try {
    if (const auto child = run_first_sync_child(url, token, path)) {
      report.figure("first sync alone (`fieldsync sync`, own process): spawn to exit", child->seconds, "s");
      report.figure("peak RSS of a first sync alone (`fieldsync sync`, own process)",
                    static_cast<double>(child->peak_rss_kib) / 1024.0, "MiB");
      // The same replica pulls from 0 again, naming every state it holds (16 bytes each).
      Replica::open(path, Schema::domain()).set_setting("sync.checkpoint", "0");
      if (const auto again = run_first_sync_child(url, token, path)) {
        report.figure("redelivery alone (`fieldsync sync` from 0, own process): spawn to exit", again->seconds, "s");
        report.figure("peak RSS of a redelivery alone", static_cast<double>(again->peak_rss_kib) / 1024.0, "MiB");
      }
    } else {
      report.notes.push_back("first sync alone not run: the build tree's fieldsync CLI was not found");
    }
  } catch (const Error& e) {
    report.notes.push_back(std::string("first sync alone failed: ") + e.what());
  }
}

}  // namespace pull_scenario

Report run_pull(const Options& options) {
  using namespace pull_scenario;
  const std::size_t records = options.records ? options.records : kDefaultRecords;
  Report report;
  report.scenario = "pull";
  SyncTarget target(options);
  const std::string token = target.rep_token("loadgen-pull", loadgen_territories());
  const auto territories = target.writable_territories(token, loadgen_territories());
  const std::size_t batch = options.push_batch ? options.push_batch : target.max_batch_records(token);
  report.parameter("server", target.description());
  report.parameter("records", std::to_string(records));
  report.parameter("batch", std::to_string(batch) + " records per push (setup) and per pull batch (server limit)");
  report.parameter("repeats", std::to_string(options.repeats));
  report.parameter("puller", "rep covering every territory of the records; replica = SQLite file (WAL, synchronous=NORMAL)");

  ScratchDir scratch(options.dir);
  const auto setup_start = SteadyClock::now();
  load_server(target.url(), token, territories, records, batch, options.progress);
  report.parameter("setup", "loaded in " + format_figure(seconds_between(setup_start, SteadyClock::now())) + " s (untimed)");

  std::vector<double> totals, connects;
  std::size_t pulled = 0;
  bool bulk_loaded = true;
  if (options.first_sync_only) {
    report_first_sync_child(target.url(), token, scratch.file("rss.db"), report);
    return report;
  }
  // One first sync into a fresh file; `store_thread`: the bulk load's pages stored on a
  // thread of their own (ClientSyncOptions::bulk_store_thread, the default).
  std::vector<double> one_thread_totals;
  auto first_sync = [&](const std::string& file, bool store_thread) {
    Replica replica = Replica::open(scratch.file(file), Schema::domain());
    client::SyncOptions sync;
    sync.sync.bulk_store_thread = store_thread;
    SteadyClock::time_point opened{};
    sync.on_progress = [&](const ClientSync&) {
      if (opened == SteadyClock::time_point{}) opened = SteadyClock::now();
    };
    const auto start = SteadyClock::now();
    const ClientSyncStats stats = client::sync_once(replica, target.url(), token, sync);
    const auto end = SteadyClock::now();
    (store_thread ? totals : one_thread_totals).push_back(seconds_between(start, end));
    if (store_thread) connects.push_back(seconds_between(start, opened));
    pulled = stats.pulled;
    bulk_loaded = bulk_loaded && stats.bulk_loaded;
    if (stats.pulled < records) {
      throw Error(ErrorCode::kInternal, "pull: got " + std::to_string(stats.pulled) + " records of " + std::to_string(records));
    }
  };
  tools::ProgressBar line("pull", options.repeats, options.progress, "");
  for (unsigned run = 0; run < options.repeats; ++run) {
    // Alternated, so that both meet the machine in the same state.
    first_sync("device-" + std::to_string(run) + ".db", true);
    first_sync("one-thread-" + std::to_string(run) + ".db", false);
    line.update(run + 1);
  }
  line.finish();
  const Distribution total = distribution(totals);
  report.figure_at_most("first sync: connect to caught-up (median)", total.p50, "s", 0.5);
  report.figure("  fastest run", total.min, "s");
  report.figure("  slowest run", total.max, "s");
  report.figure("  connect + upgrade (median)", distribution(connects).p50 * 1000, "ms");
  report.figure("records pulled", static_cast<double>(pulled), "records");
  report.figure("records/s (median run)", static_cast<double>(pulled) / total.p50, "records/s");
  report.figure("  each run one bulk load (ClientSyncOptions::bulk_pull_min)", bulk_loaded ? 1 : 0, "");
  const double one_thread_s = distribution(one_thread_totals).p50;
  report.figure("first sync, pages stored on the connection's thread (median)", one_thread_s, "s");
  report.figure("  store thread / connection's thread (same run)", total.p50 / one_thread_s, "x");

  // The same run's baseline: bare SQLite storing what the first sync stored (the same rows,
  // tables and indexes), one transaction, prepared inserts, the indexes built after.
  const BareLoadBaseline bare(scratch.file("device-0.db"));
  std::vector<double> bare_runs;
  for (unsigned run = 0; run < options.repeats; ++run) bare_runs.push_back(bare.load(scratch.file("bare.db")));
  const double bare_s = distribution(bare_runs).p50;
  report.figure("bare SQLite: the same rows, tables and indexes, 1 tx, indexes after (median)", bare_s, "s");
  report.figure_at_most("first sync / bare SQLite load (same run)", total.p50 / bare_s, "x", 1.2);

  // A redelivery: the replica pulls everything from 0 again (as after the server's store
  // changed generation), every state already held; named by digest (Pull.held_digests), so
  // that the server sends none of them again, and, alternated, without naming them. One
  // run of each per device of the first syncs.
  std::vector<double> redeliveries, resent;
  for (unsigned run = 0; run < options.repeats; ++run) {
    for (const bool name_held : {true, false}) {
      Replica replica = Replica::open(scratch.file("device-" + std::to_string(run) + ".db"), Schema::domain());
      replica.set_setting("sync.checkpoint", "0");
      client::SyncOptions sync;
      sync.sync.name_held_states = name_held;
      const auto start = SteadyClock::now();
      const ClientSyncStats stats = client::sync_once(replica, target.url(), token, sync);
      (name_held ? redeliveries : resent).push_back(seconds_between(start, SteadyClock::now()));
      if (stats.pulled + stats.unchanged < records || replica.last_seq() != records ||
          (name_held && stats.pulled != 0)) {
        throw Error(ErrorCode::kInternal, "pull: the redelivery changed the replica, or states held came again");
      }
    }
  }
  const double redelivery_s = distribution(redeliveries).p50;
  report.figure("redelivery: pull from 0 of held states, named by digest (median)", redelivery_s, "s");
  report.figure_at_most("redelivery / first sync (same run)", redelivery_s / total.p50, "x", 0.3);
  const double resent_s = distribution(resent).p50;
  report.figure("  redelivery without naming them: every state sent again (median)", resent_s, "s");
  report.figure("  that / first sync (same run)", resent_s / total.p50, "x");

  report_first_sync_child(target.url(), token, scratch.file("rss.db"), report);
  if (target.in_process()) {
    measure_parts(target.server(), territories, scratch.file("parts.db"), batch, report);
  } else {
    report.notes.push_back("the split into parts needs the in-process server");
  }
  return report;
}

}  // namespace fieldsync::loadgen
