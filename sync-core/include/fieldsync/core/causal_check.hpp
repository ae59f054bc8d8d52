#pragma once

// The server's guard of causality: what a pushed state may claim about writes of other
// replicas. A pure function, so that the server's push gate and the property test's
// guarded replica use the very same rule (docs/architecture.md, "Causality is checked").

#include <cstdint>
#include <optional>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/record_state.hpp"

namespace fieldsync {

// The largest counter a replica may use in a dot or claim in its own version-vector
// entry. A phone writing once a second for a hundred years uses 2^32; a larger counter
// is a forged one, which would make every later write of that replica look old.
inline constexpr std::uint64_t kMaxReplicaCounter = std::uint64_t{1} << 48;

// Checks a state `pusher` sent against what the receiver holds of the record (`stored`,
// nullptr if nothing). A push may introduce only writes of the pusher; everything it says
// about other replicas must be known to the receiver already:
//   - its version vector claims no more of another replica than `stored` has seen;
//   - every sibling written by another replica is held by `stored` with the same value
//     and stamp, or was seen and overwritten there (and the merge drops it);
//   - it drops a sibling `stored` holds only by writing over it (a sibling of the pusher
//     in the same field that `stored` does not hold);
//   - the pusher's own counter stays within `max_counter`, a raise of its own entry comes
//     with a sibling of that write, and none of its dots carries another value than the
//     one `stored` holds for it.
// Returns Error(kUnverifiedHistory) saying what is wrong, or nullopt: merging the state
// changes nothing but the pusher's own writes (and what they overwrite).
// Both states must be valid and canonical (validate_state) and name the same record.
std::optional<Error> check_pushed_history(const RecordState& incoming, const RecordState* stored,
                                          const ReplicaId& pusher,
                                          std::uint64_t max_counter = kMaxReplicaCounter);

}  // namespace fieldsync
