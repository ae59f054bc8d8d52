// `storm`: the plan and the untimed set-up (the office's customers, every rep's replica as
// of yesterday, the changes since, the day's offline edits).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "common.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/tools/progress_bar.hpp"
#include "scenario_storm.hpp"

namespace fieldsync::loadgen::storm {

namespace {

constexpr std::size_t kDefaultReps = 500;
constexpr std::size_t kDefaultEdits = 20;
constexpr std::size_t kDefaultCustomersPerTerritory = 500;
constexpr std::size_t kSetupWorkers = 4;  // replicas synced or edited at once during the set-up
constexpr std::uint64_t kTokenTtlMs = 24 * 3'600'000ULL;

// Appends rather than "0" + std::string: GCC 12 at -O3 warns falsely (-Wrestrict) about that.
std::string padded(std::string prefix, std::size_t n, std::size_t width) {
  const std::string digits = std::to_string(n);
  if (digits.size() < width) prefix.append(width - digits.size(), '0');
  return prefix.append(digits);
}

// Runs `work(i)` for i in [0, count) on kSetupWorkers threads; rethrows the first error
// after all have stopped. The calling thread draws the progress.
void for_each_index(std::size_t count, const std::string& label, bool progress,
                    const std::function<void(std::size_t)>& work) {
  const std::size_t worker_count = std::min(kSetupWorkers, count);
  std::atomic<std::size_t> next{0}, done{0}, running{worker_count};
  std::mutex mutex;
  std::optional<Error> first_error;
  std::vector<std::thread> workers;
  for (std::size_t w = 0; w < worker_count; ++w) {
    workers.emplace_back([&] {
      for (std::size_t i = next++; i < count; i = next++) {
        try {
          work(i);
        } catch (const Error& e) {
          std::lock_guard lock(mutex);
          if (!first_error) first_error = e;
          next = count;  // hand out no more
        }
        ++done;
      }
      --running;
    });
  }
  {
    tools::ProgressBar line(label, count, progress, "reps");
    while (running.load() > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      line.update(done.load());
    }
  }
  for (auto& worker : workers) worker.join();
  if (first_error) throw *first_error;
}

client::SyncOptions office_sync_options() {
  client::SyncOptions options;
  options.sync.push_batch = 1000;  // the server's max_batch_records
  options.sync.client_name = "fieldsync-loadgen storm office";
  return options;
}

}  // namespace

Plan Plan::from(const Options& options) {
  Plan plan;
  plan.reps = options.reps ? options.reps : kDefaultReps;
  plan.territories = (plan.reps + 1) / 2;
  plan.customers_per_territory = options.records ? options.records : kDefaultCustomersPerTerritory;
  plan.edits = options.edits ? options.edits : kDefaultEdits;
  plan.conflicting = plan.edits / 10;  // a tenth of them
  plan.changed_per_territory = static_cast<std::size_t>(
      std::llround(static_cast<double>(plan.customers_per_territory) * options.changed_percent / 100.0));
  plan.ramp_s = options.ramp_s;
  // Shared records, then each rep's own (alternating), then the office's changed ones.
  const std::size_t needed = plan.conflicting + 2 * (plan.edits - plan.conflicting) + plan.changed_per_territory;
  if (needed > plan.customers_per_territory) {
    throw Error(ErrorCode::kInvalidArgument, "storm: " + std::to_string(plan.edits) + " edits per rep and " +
                                                 std::to_string(plan.changed_per_territory) +
                                                 " changed records need at least " + std::to_string(needed) +
                                                 " customers per territory (--records)");
  }
  return plan;
}

std::string Plan::territory(std::size_t index) const { return padded("S", index, 3); }

std::vector<std::size_t> Plan::edited_indexes(std::size_t rep) const {
  std::vector<std::size_t> indexes;
  for (std::size_t n = 0; n < conflicting; ++n) indexes.push_back(n);
  for (std::size_t n = 0; n < edits - conflicting; ++n) indexes.push_back(conflicting + 2 * n + rep % 2);
  return indexes;
}

std::string rep_phone(std::size_t rep, std::size_t n) { return padded("+44 7700 9", rep, 5).append(" ").append(std::to_string(n)); }

std::string office_email(std::size_t territory, std::size_t index) {
  return padded("accounts.", territory, 3).append(".").append(std::to_string(index)).append("@example.net");
}

Accounts add_accounts(server::Store& store, const Plan& plan, std::uint64_t now_ms) {
  Accounts accounts;
  std::vector<std::string> all;
  for (std::size_t t = 0; t < plan.territories; ++t) all.push_back(plan.territory(t));
  store.add_user({"storm-office", server::Role::kRep, all});
  accounts.office_token = store.issue_token("storm-office", kTokenTtlMs, now_ms).token;
  for (std::size_t r = 0; r < plan.reps; ++r) {
    const std::string user = padded("storm-rep-", r, 3);
    store.add_user({user, server::Role::kRep, {plan.territory(plan.territory_of(r))}});
    accounts.rep_tokens.push_back(store.issue_token(user, kTokenTtlMs, now_ms).token);
  }
  return accounts;
}

Office seed_office(const Plan& plan, const std::string& url, const std::string& token, bool progress) {
  Office office{Replica::open(":memory:", Schema::domain()), {}};
  office.territory_ids.resize(plan.territories);
  const std::size_t total = plan.territories * plan.customers_per_territory;
  {
    tools::ProgressBar line("setup: the office creates customers", total, progress, "");
    for (std::size_t t = 0; t < plan.territories; ++t) {
      office.replica.transaction([&] {
        for (std::size_t n = 0; n < plan.customers_per_territory; ++n) {
          const std::size_t number = t * plan.customers_per_territory + n;
          office.territory_ids[t].push_back(office.replica.create("customers", customer_fields(number, plan.territory(t))));
        }
      });
      std::sort(office.territory_ids[t].begin(), office.territory_ids[t].end());
      line.update((t + 1) * plan.customers_per_territory);
    }
  }
  const ClientSyncStats stats = client::sync_once(office.replica, url, token, office_sync_options());
  if (stats.pushed != total || stats.rejected != 0) {
    throw Error(ErrorCode::kInternal, "storm set-up: the server took " + std::to_string(stats.pushed) + " of " +
                                          std::to_string(total) + " customers");
  }
  return office;
}

std::vector<RepDevice> sync_reps_yesterday(const Plan& plan, const std::string& url, const Accounts& accounts,
                                           const std::string& dir, bool progress) {
  std::vector<RepDevice> devices(plan.reps);
  for_each_index(plan.reps, "setup: reps sync yesterday", progress, [&](std::size_t r) {
    RepDevice& device = devices[r];
    device.path = dir + "/" + padded("rep-", r, 3) + ".db";
    Replica replica = Replica::open(device.path, Schema::domain());
    device.checkpoint = client::sync_once(replica, url, accounts.rep_tokens[r]).checkpoint;
    const std::vector<RecordId> ids = replica.record_ids("customers");  // in id order
    if (ids.size() != plan.customers_per_territory) {
      throw Error(ErrorCode::kInternal, "storm set-up: rep " + std::to_string(r) + " holds " +
                                            std::to_string(ids.size()) + " customers instead of " +
                                            std::to_string(plan.customers_per_territory));
    }
    for (std::size_t index : plan.edited_indexes(r)) device.edited.push_back(ids[index]);
    for (std::size_t index = plan.first_changed_index(); index < ids.size(); ++index) {
      device.changed.push_back(ids[index]);
      device.changed_index.push_back(index);
    }
  });
  return devices;
}

void change_since_yesterday(const Plan& plan, Office& office, const std::string& url, const std::string& token) {
  office.replica.transaction([&] {
    for (std::size_t t = 0; t < plan.territories; ++t) {
      for (std::size_t index = plan.first_changed_index(); index < plan.customers_per_territory; ++index) {
        office.replica.update("customers", office.territory_ids[t][index], {{"email", Value(office_email(t, index))}});
      }
    }
  });
  const std::size_t changed = plan.territories * plan.changed_per_territory;
  const ClientSyncStats stats = client::sync_once(office.replica, url, token, office_sync_options());
  if (stats.pushed != changed || stats.rejected != 0) {
    throw Error(ErrorCode::kInternal, "storm set-up: the server took " + std::to_string(stats.pushed) + " of " +
                                          std::to_string(changed) + " changes");
  }
}

void edit_offline(const Plan& plan, std::vector<RepDevice>& devices, bool progress) {
  for_each_index(devices.size(), "setup: reps edit offline", progress, [&](std::size_t r) {
    Replica replica = Replica::open(devices[r].path, Schema::domain());
    // One transaction per edit, as a rep saving a form does.
    for (std::size_t n = 0; n < devices[r].edited.size(); ++n) {
      replica.update("customers", devices[r].edited[n], {{"phone", Value(rep_phone(r, n))}});
    }
    if (replica.outbox_size() != plan.edits) {
      throw Error(ErrorCode::kInternal, "storm set-up: rep " + std::to_string(r) + " has " +
                                            std::to_string(replica.outbox_size()) + " edits waiting");
    }
  });
}

}  // namespace fieldsync::loadgen::storm
