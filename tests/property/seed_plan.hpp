#pragma once

// Which seeds a property test runs, read from the environment so that any failure can be
// replayed exactly:
//   FIELDSYNC_SEED=<n>       run only seed n (replay)
//   FIELDSYNC_SEEDS=<count>  run `count` seeds, starting at FIELDSYNC_SEED_BASE (default 1)
//   FIELDSYNC_OPS=<factor>   scale the operations per seed (a real number, default 1)

#include <cstddef>
#include <cstdint>
#include <vector>

namespace fieldsync::test {

struct SeedPlan {
  std::vector<std::uint64_t> seeds;
  double ops_scale = 1.0;
};

// Throws Error(kInvalidArgument) when a variable is set but is not a number.
SeedPlan seed_plan_from_env(std::size_t default_count);

// `ops` scaled by the plan, never below 1.
std::size_t scaled_ops(const SeedPlan& plan, std::size_t ops);

}  // namespace fieldsync::test
