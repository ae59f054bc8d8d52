#include <algorithm>
#include <filesystem>
#include <iostream>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "bare_sqlite.hpp"
#include "customers.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/core/state_digest.hpp"
#include "suites.hpp"

namespace fieldsync::bench {
namespace {

constexpr const char* kBase = "base.db";  // the full replica every edits run starts from
constexpr const char* kRun = "run.db";

// Throws when a merge did not do what the scenario means it to: a figure for a merge
// that rejected everything would be fast and worthless.
void expect(bool ok, const std::string& what) {
  if (!ok) throw Error(ErrorCode::kInvalidArgument, "benchmark scenario went wrong: " + what);
}

// The timed calls, each under its own name so that a profiler can select one scenario
// (valgrind --toggle-collect, perf report --parent); noipa also keeps GCC from folding
// the identical bodies into one.
[[gnu::noipa]] MergeReport merge_new_states(Replica& replica, std::span<const RecordState> states) {
  return replica.merge(states);
}
[[gnu::noipa]] MergeReport merge_redelivered(Replica& replica, std::span<const RecordState> states) {
  return replica.merge(states);
}
[[gnu::noipa]] MergeReport merge_edits(Replica& replica, std::span<const RecordState> states) {
  return replica.merge(states);
}
// A first sync's storage work as ClientSync does it for a large pull from scratch: one
// bulk load, a merge per page of 1000 with the digests of the bytes received (ClientSync
// hashes them as it decodes, on its connection's thread: not timed here, like the decode),
// the checkpoint, one commit at the end.
MergeReport bulk_pages(Replica& replica, std::span<const RecordState> states, std::span<const StateDigest> digests) {
  constexpr std::size_t kPage = 1000;
  MergeReport total;
  auto load = replica.start_bulk_load();
  for (std::size_t start = 0; start < states.size(); start += kPage) {
    const std::size_t size = std::min(kPage, states.size() - start);
    auto report = replica.merge(states.subspan(start, size), MergeDetail::kCounts, {}, digests.subspan(start, size));
    total.inserted += report.inserted;
    total.unchanged += report.unchanged;
    replica.set_setting("sync.checkpoint", std::to_string(start + kPage));
  }
  load.finish();
  return total;
}
[[gnu::noipa]] MergeReport bulk_load_states(Replica& replica, std::span<const RecordState> states,
                                            std::span<const StateDigest> digests) {
  return bulk_pages(replica, states, digests);
}
[[gnu::noipa]] MergeReport bulk_redelivered(Replica& replica, std::span<const RecordState> states,
                                            std::span<const StateDigest> digests) {
  return bulk_pages(replica, states, digests);
}
[[gnu::noipa]] ChangeBatch export_changes_since(const Replica& replica, std::uint64_t seq, std::size_t limit) {
  return replica.changes_since(seq, limit);
}

// Creates `n` customers on an in-memory replica and returns their states, as a pull from
// a server full of them would deliver.
std::vector<RecordState> customer_states(std::size_t n) {
  auto source = Replica::open(":memory:", Schema::domain());
  for (std::size_t start = 0; start < n; start += 10'000) {
    source.transaction([&] {
      for (std::size_t i = start; i < std::min(n, start + 10'000); ++i) source.create("customers", customer(i));
    });
  }
  return source.changes_since(0).states;
}

// Merges `states` in slices of `batch` (0: all in one call), one transaction each.
void merge_in_batches(Replica& replica, std::span<const RecordState> states, std::size_t batch) {
  if (batch == 0) batch = states.size();
  for (std::size_t start = 0; start < states.size(); start += batch) {
    merge_new_states(replica, states.subspan(start, std::min(batch, states.size() - start)));
  }
}

class MergeSuites {
 public:
  MergeSuites(const Options& options, const TempDir& dir, Report& report)
      : options_(options), dir_(dir), report_(report) {
    std::cerr << "preparing " << options.records << " customer states (not timed)\n";
    states_ = customer_states(options.records);
    expect(states_.size() == options.records, "the source replica lost records");
  }

  // 2. A new device's first pull: every state is new to it.
  void merge_into_empty() {
    const std::size_t n = states_.size();
    const std::string count = std::to_string(n);
    for (std::size_t batch : {std::size_t{0}, std::size_t{10'000}, std::size_t{1'000}}) {
      const std::string how = batch ? " in batches of " + std::to_string(batch) : " in one merge";
      report_.add(measure("merge.empty." + std::to_string(batch), "merge " + count + " new states" + how, n,
                          options_.repeats, [&] {
                            dir_.remove_database(kRun);
                            auto replica = Replica::open(dir_.file(kRun), Schema::domain());
                            Stopwatch watch;
                            merge_in_batches(replica, states_, batch);
                            const double seconds = watch.seconds();
                            expect(replica.last_seq() == n, "not every state was inserted");
                            return seconds;
                          }));
    }
    // The target is set for 100k states; a smaller run says nothing about it.
    if (n == 100'000) {
      report_.check({"merge " + count + " new states in one merge", report_.find("merge.empty.0")->median_seconds(),
                     0.5, "s"});
    }

    // Redelivery after a lost ack: every state is one the replica already holds.
    report_.add(measure("merge.redelivery", "merge " + count + " states already held (redelivery)", n,
                        options_.repeats, [&] {
                          auto replica = Replica::open(dir_.file(kRun), Schema::domain());
                          Stopwatch watch;
                          auto result = merge_redelivered(replica, states_);
                          const double seconds = watch.seconds();
                          expect(result.unchanged == n, "a redelivered state changed the replica");
                          return seconds;
                        }));
    dir_.remove_database(kRun);

    for (BareShape shape : {BareShape::kWithState, BareShape::kLikeEngine, BareShape::kLikeEngineIndexesAfter}) {
      const char* id = shape == BareShape::kWithState    ? "merge.bare"
                       : shape == BareShape::kLikeEngine ? "merge.bare_like_engine"
                                                         : "merge.bare_indexes_after";
      const std::string label = shape == BareShape::kWithState ? "bare SQLite INSERT " + count + " rows + blob, 1 tx"
                                : shape == BareShape::kLikeEngine
                                    ? "  bare INSERT + blob + engine's indexes, 1 tx"
                                    : "  bare INSERT + blob, the same indexes built after, 1 tx";
      report_.add(measure(id, label, n, options_.repeats, [&] { return bare_baseline(shape); }));
    }
    bulk_load();
  }

  // A first sync's storage: one bulk load (ClientSync's path for a large pull from
  // scratch), then the same states again through a bulk load (a pull from 0 after the
  // server's store changed generation: every state already held).
  void bulk_load() {
    const std::size_t n = states_.size();
    const std::string count = std::to_string(n);
    std::vector<StateDigest> received;  // as ClientSync hashes the records it decodes
    received.reserve(n);
    for (const auto& state : states_) received.push_back(wire_state_digest(encode_wire_state(state)));
    report_.add(measure("merge.bulk", "bulk load " + count + " new states, pages of 1000, 1 tx", n,
                        options_.repeats, [&] {
                          dir_.remove_database(kRun);
                          auto replica = Replica::open(dir_.file(kRun), Schema::domain());
                          Stopwatch watch;
                          auto result = bulk_load_states(replica, states_, received);
                          const double seconds = watch.seconds();
                          expect(result.inserted == n && replica.last_seq() == n, "not every state was inserted");
                          return seconds;
                        }));
    report_.add(measure("merge.bulk_redelivery", "bulk load " + count + " states already held", n, options_.repeats,
                        [&] {
                          auto replica = Replica::open(dir_.file(kRun), Schema::domain());
                          Stopwatch watch;
                          auto result = bulk_redelivered(replica, states_, received);
                          const double seconds = watch.seconds();
                          expect(result.unchanged == n, "a redelivered state changed the replica");
                          return seconds;
                        }));
    dir_.remove_database(kRun);
    const double bulk = report_.find("merge.bulk")->median_seconds();
    report_.check({"bulk load / bare SQLite, indexes built after (same run)",
                   bulk / report_.find("merge.bare_indexes_after")->median_seconds(), 1.2, "x"});
    report_.check({"bulk redelivery / bulk load (same run)",
                   report_.find("merge.bulk_redelivery")->median_seconds() / bulk, 0.3, "x"});
  }

  // 3. Merging a batch of edits made on another device, some concurrent with local ones.
  void merge_concurrent_edits() {
    prepare_base();
    const std::size_t n = edits_.size();
    report_.add(measure("merge.edits",
                        "merge " + std::to_string(n) + " edits into " + std::to_string(states_.size()) + " records, " +
                            std::to_string(expected_conflicts_) + " conflicts",
                        n, options_.repeats, [&] {
                          dir_.remove_database(kRun);
                          std::filesystem::copy_file(dir_.file(kBase), dir_.file(kRun));
                          auto replica = Replica::open(dir_.file(kRun), Schema::domain());
                          Stopwatch watch;
                          auto result = merge_edits(replica, edits_);
                          const double seconds = watch.seconds();
                          expect(result.updated == n, "an edit was not merged");
                          expect(result.conflicts_opened == expected_conflicts_, "unexpected conflict count");
                          return seconds;
                        }));
    dir_.remove_database(kRun);
  }

  // 4. Exporting every change: a full changes_since(0), then the same in pages of 1000.
  void export_changes() {
    prepare_base();
    auto replica = Replica::open(dir_.file(kBase), Schema::domain());
    const std::size_t n = states_.size();
    report_.add(measure("export.all", "changes_since(0) over " + std::to_string(n) + " records", n,
                        options_.repeats, [&] {
                          Stopwatch watch;
                          auto batch = export_changes_since(replica, 0, 0);
                          const double seconds = watch.seconds();
                          expect(batch.states.size() == n, "the export missed records");
                          return seconds;
                        }));
    report_.add(measure("export.paged", "changes_since, pages of 1000, over " + std::to_string(n) + " records", n,
                        options_.repeats, [&] {
                          Stopwatch watch;
                          std::size_t seen = 0;
                          std::uint64_t from = 0;
                          for (bool more = true; more;) {
                            auto batch = export_changes_since(replica, from, 1000);
                            seen += batch.states.size();
                            from = batch.to_seq;
                            more = batch.more;
                          }
                          const double seconds = watch.seconds();
                          expect(seen == n, "the paged export missed records");
                          return seconds;
                        }));
  }

 private:
  double bare_baseline(BareShape shape) {
    // Ids and blobs are made beforehand: this is what SQLite alone costs.
    if (ids_.empty()) {
      blob_ = stored_customer_state();
      for (std::size_t i = 0; i < states_.size(); ++i) {
        ids_.push_back(states_[i].id.to_string());
        values_.push_back(customer(i));
      }
    }
    dir_.remove_database(kRun);
    double seconds = 0;
    {
      BareDatabase db(dir_.file(kRun));
      db.exec(bare_customers_ddl(shape));
      BareStatement insert(db.handle(), bare_customers_insert(shape));
      Stopwatch watch;
      switch (shape) {
        case BareShape::kLikeEngine: bare_load_indexes_kept(db, insert, shape); break;
        case BareShape::kLikeEngineIndexesAfter: bare_load_indexes_after(db, insert, shape); break;
        default: bare_load(db, insert, shape); break;
      }
      seconds = watch.seconds();
    }
    dir_.remove_database(kRun);
    return seconds;
  }

  // The timed part of a bare baseline: every row in one transaction, a prepared insert.
  void bare_rows(BareDatabase& db, BareStatement& insert, BareShape shape, const std::string& late_ddl) {
    BareTransaction tx(db);
    for (std::size_t i = 0; i < states_.size(); ++i) {
      insert.text(1, ids_[i]);
      int index = 2;
      for (const auto& [field, value] : values_[i]) insert.text(index++, std::get<std::string>(value));
      insert.blob(10, blob_);
      if (shape != BareShape::kWithState) insert.integer(11, static_cast<std::int64_t>(i + 1));
      insert.run();
    }
    if (!late_ddl.empty()) db.exec(late_ddl);
    tx.commit();
  }
  // One name per baseline, for a profiler (see merge_new_states).
  [[gnu::noipa]] void bare_load(BareDatabase& db, BareStatement& insert, BareShape shape) {
    bare_rows(db, insert, shape, "");
  }
  [[gnu::noipa]] void bare_load_indexes_kept(BareDatabase& db, BareStatement& insert, BareShape shape) {
    bare_rows(db, insert, shape, "");
  }
  [[gnu::noipa]] void bare_load_indexes_after(BareDatabase& db, BareStatement& insert, BareShape shape) {
    bare_rows(db, insert, shape, bare_customers_late_indexes());
  }

  // The base replica B holds every customer and has edited some of them; device C synced
  // the same customers and edited `edits` of them without seeing B's edits. Every fifth
  // of C's records B also gave a different phone (a conflict); another fifth B gave a new
  // tier (concurrent, but different fields: merged without conflict).
  void prepare_base() {
    if (!edits_.empty()) return;
    std::cerr << "preparing a " << states_.size() << "-record replica and " << options_.edits
              << " concurrent edits (not timed)\n";
    const std::size_t stride = states_.size() / options_.edits;
    dir_.remove_database(kBase);
    {
      auto base = Replica::open(dir_.file(kBase), Schema::domain());
      base.merge(states_);
      base.transaction([&] {
        for (std::size_t k = 0; k < options_.edits; ++k) {
          const RecordId& id = states_[k * stride].id;
          if (k % 5 == 0) {
            base.update("customers", id, {{"phone", "+44 117 496 " + std::to_string(1000 + k % 9000)}});
            ++expected_conflicts_;
          } else if (k % 5 == 1) {
            base.update("customers", id, {{"tier", std::string("vip")}});
          }
        }
      });
    }  // closing the last connection checkpoints the WAL into the file we copy
    auto device = Replica::open(":memory:", Schema::domain());
    device.merge(states_);
    const std::uint64_t synced = device.last_seq();
    device.transaction([&] {
      for (std::size_t k = 0; k < options_.edits; ++k) {
        device.update("customers", states_[k * stride].id,
                      {{"phone", "+44 20 7946 " + std::to_string(1000 + k % 9000) + "9"},
                       {"owner", std::string("rep-moved")}});
      }
    });
    edits_ = device.changes_since(synced).states;
    expect(edits_.size() == options_.edits, "the device's edits went missing");
  }

  const Options& options_;
  const TempDir& dir_;
  Report& report_;
  std::vector<RecordState> states_;
  std::vector<RecordState> edits_;
  std::size_t expected_conflicts_ = 0;
  std::vector<std::string> ids_;
  std::string blob_;  // what the engine stores for a customer, the same for each row
  std::vector<FieldValues> values_;
};

}  // namespace

void run_merge_suites(const Options& options, const TempDir& dir, Report& report) {
  if (!wants(options, "merge") && !wants(options, "edits") && !wants(options, "export")) return;
  MergeSuites suites(options, dir, report);
  if (wants(options, "merge")) suites.merge_into_empty();
  if (wants(options, "edits")) suites.merge_concurrent_edits();
  if (wants(options, "export")) suites.export_changes();
}

}  // namespace fieldsync::bench
