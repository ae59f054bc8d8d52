#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "target.hpp"

namespace fieldsync::loadgen {

// Called on the calling thread: `started` once every rep is set up, just before they are
// released; `finished` once the last one is done. What a scenario watches the round with.
// They must not throw (the reps wait for the calling thread at the start line).
struct PushRoundHooks {
  std::function<void()> started;
  std::function<void()> finished;
};

// What run_push_round measured.
struct PushRound {
  double wall_s = 0;               // from the reps' common start to the last ack of the last rep
  std::vector<double> rep_ms;      // per rep that finished: its sync_once's start to its last ack
  std::size_t acked = 0;           // records acknowledged (accepted and stored) by the servers
  std::size_t refused = 0;         // records the servers refused
  std::map<std::string, std::size_t> errors;  // syncs that failed, by error code name
};

// `reps` reps at once, rep i on servers[i % servers.size()] (in-process servers sharing
// one store, or one server), each its own user with its own territory and its own SQLite
// file replica under `scratch_parent`. Untimed: the rep creates `edits` customers, syncs
// once, then edits the phone of each of them (an outbox of `edits` entries, as after a
// morning offline). Timed: every rep's sync_once released at once (`push_batch` records
// per push, 0: the server's limit), each until the ack of its last record. `tag` keeps the
// user names of two rounds on one store apart.
PushRound run_push_round(const std::vector<std::unique_ptr<SyncTarget>>& servers, const std::string& tag,
                         std::size_t reps, std::size_t edits, std::size_t push_batch,
                         const std::string& scratch_parent, bool progress, const PushRoundHooks& hooks = {});

}  // namespace fieldsync::loadgen
