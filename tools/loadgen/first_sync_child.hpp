#pragma once

#include <optional>
#include <string>

namespace fieldsync::loadgen {

// A first sync run alone: `fieldsync --db PATH sync` (the build tree's CLI) in its own
// process, on a replica it has just made with `init`.
struct ChildSync {
  double seconds = 0;         // from spawning the sync to its exit
  std::size_t peak_rss_kib = 0;  // the child's own VmHWM
};

// Runs it; nullopt if the build tree has no CLI. Throws Error if the CLI fails.
//
// The peak is the child's VmHWM, sampled from /proc every few milliseconds until it exits,
// not wait4's ru_maxrss: on Linux a spawned child's ru_maxrss starts at its parent's peak
// (exec records the memory it leaves, and posix_spawn leaves the parent's), so it reported
// this load generator's size, server included, instead of the CLI's.
std::optional<ChildSync> run_first_sync_child(const std::string& url, const std::string& token, const std::string& path);

}  // namespace fieldsync::loadgen
