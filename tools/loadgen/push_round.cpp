#include "push_round.hpp"

#include <algorithm>
#include <barrier>
#include <optional>
#include <thread>

#include "common.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/tools/progress_bar.hpp"

namespace fieldsync::loadgen {

namespace push_round {

// One rep's outcome, written only by its own thread, read after the join.
struct RepOutcome {
  std::optional<SteadyClock::time_point> started;
  std::optional<SteadyClock::time_point> last_ack;
  std::size_t acked = 0;
  std::size_t refused = 0;
  std::string error;  // error code name; empty: the sync finished
};

std::string three_digits(std::size_t n) {
  std::string text = std::to_string(n);
  return std::string(text.size() < 3 ? 3 - text.size() : 0, '0').append(text);
}

}  // namespace push_round

PushRound run_push_round(const std::vector<std::unique_ptr<SyncTarget>>& servers, const std::string& tag,
                         std::size_t reps, std::size_t edits, std::size_t push_batch,
                         const std::string& scratch_parent, bool progress, const PushRoundHooks& hooks) {
  using namespace push_round;
  if (servers.empty()) throw Error(ErrorCode::kInvalidArgument, "push round: no server");
  std::vector<std::string> tokens;
  std::vector<std::string> territories;
  for (std::size_t i = 0; i < reps; ++i) {
    territories.push_back(tag + "-R" + three_digits(i));
    // Issued by the server the rep syncs with: on a shared store any of them would do.
    tokens.push_back(servers[i % servers.size()]->rep_token("bench-" + tag + "-" + three_digits(i), {territories[i]}));
  }

  ScratchDir scratch(scratch_parent);
  std::vector<RepOutcome> outcomes(reps);
  // Two barriers: every rep set up, then released (after the hook, which must not see set-up work).
  std::barrier set_up(static_cast<std::ptrdiff_t>(reps + 1));
  std::barrier start_line(static_cast<std::ptrdiff_t>(reps + 1));
  std::vector<std::thread> threads;
  threads.reserve(reps);
  for (std::size_t i = 0; i < reps; ++i) {
    threads.emplace_back([&, i] {
      RepOutcome& outcome = outcomes[i];
      const std::string& url = servers[i % servers.size()]->url();
      bool arrived = false;
      try {
        Replica replica = Replica::open(scratch.file("rep-" + three_digits(i) + ".db"), Schema::domain());
        const std::vector<RecordId> ids = create_customers(replica, i * edits, edits, territories[i]);
        client::SyncOptions sync;
        if (push_batch) sync.sync.push_batch = push_batch;
        client::sync_once(replica, url, tokens[i], sync);
        replica.transaction([&] {
          for (std::size_t n = 0; n < ids.size(); ++n) {
            replica.update("customers", ids[n], {{"phone", Value("+44 113 " + three_digits(i) + " " + std::to_string(n))}});
          }
        });
        sync.on_progress = [&](const ClientSync& s) {
          if (!outcome.last_ack && s.stats().pushed + s.stats().rejected >= edits) outcome.last_ack = SteadyClock::now();
        };
        set_up.arrive_and_wait();
        arrived = true;
        start_line.arrive_and_wait();
        outcome.started = SteadyClock::now();
        const ClientSyncStats stats = client::sync_once(replica, url, tokens[i], sync);
        outcome.acked = stats.pushed;
        outcome.refused = stats.rejected;
        if (!outcome.last_ack) outcome.error = "not every record acked";
      } catch (const Error& e) {
        outcome.error = std::string(error_code_name(e.code()));
      } catch (const std::exception& e) {
        outcome.error = e.what();
      }
      if (!arrived) {  // the main thread must not wait for this rep
        set_up.arrive_and_drop();
        start_line.arrive_and_drop();
      }
    });
  }
  set_up.arrive_and_wait();  // every rep set up, its edits in its outbox
  if (hooks.started) hooks.started();
  start_line.arrive_and_wait();
  const auto start = SteadyClock::now();
  {
    tools::ProgressBar line("push: reps finished", reps, progress, "");
    for (std::size_t i = 0; i < threads.size(); ++i) {
      threads[i].join();
      line.update(i + 1);
    }
  }
  if (hooks.finished) hooks.finished();

  PushRound round;
  SteadyClock::time_point last = start;
  for (const RepOutcome& outcome : outcomes) {
    round.acked += outcome.acked;
    round.refused += outcome.refused;
    if (!outcome.error.empty()) ++round.errors[outcome.error];
    if (outcome.started && outcome.last_ack) {
      round.rep_ms.push_back(seconds_between(*outcome.started, *outcome.last_ack) * 1000.0);
      last = std::max(last, *outcome.last_ack);
    }
  }
  round.wall_s = seconds_between(start, last);
  return round;
}

}  // namespace fieldsync::loadgen
