#pragma once

#include <cstddef>
#include <span>

#include "fieldsync/core/record_state.hpp"
#include "fieldsync/server/principal.hpp"
#include "fieldsync/server/scope.hpp"
#include "fieldsync/server/store.hpp"
#include "fieldsync/sync.pb.h"

namespace fieldsync::server {

// Fills Rejection.current for the records the store refused: the server's state of each,
// read after the push's commit, so that the pusher can return to it once its user has seen
// why. Empty when the server holds no such record or `reader` may not read it (a refusal
// never tells whether a record out of scope exists). Left absent for unverified_history
// refusals (the client keeps those queued) and once the ack's copies reach
// kMaxAckServerCopyBytes. `refused[i].index` is a position in `states`; states[i] came as
// the push's record `wire_index[i]`. Reads the store: call it off the I/O threads.
void attach_server_copies(proto::Ack& ack, std::span<const PushRefusal> refused, std::span<const RecordState> states,
                          std::span<const std::size_t> wire_index, Store& store, const ScopePolicy& scope,
                          const Principal& reader);

}  // namespace fieldsync::server
