#pragma once

// A SQLite VFS shim for fault-injection tests. It wraps the process's default VFS (the
// unix one), registers itself as the new default, and forwards every call to it, except
// that it can fail the Nth xWrite or xSync (or every one from the Nth on) with an error
// code of the test's choosing (SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC, SQLITE_FULL, ...).
// Everything else (locks, shared memory for WAL, mmap fetches) goes straight through.
//
// Only files whose path starts with the armed prefix are counted and faulted, so that a
// test can watch one database (and its -wal and -journal files) and leave the others
// alone. Databases opened before install() keep the VFS they were opened with.
//
// Threads: the counters and the plan are atomics or behind a mutex; any thread may arm,
// disarm or read them.

#include <cstdint>
#include <string>

namespace fieldsync::test {

enum class FaultOp { kWrite, kSync };

struct FaultPlan {
  FaultOp op = FaultOp::kWrite;
  std::uint64_t nth = 1;   // the first call that fails, counted from arm(), 1-based
  bool persistent = false; // fail every call from the nth on, not only the nth
  int error = 0;           // the code returned; 0: SQLITE_IOERR_WRITE or SQLITE_IOERR_FSYNC
};

class FaultyVfs {
 public:
  // Registers the shim as the default VFS (once per process) and returns it.
  static FaultyVfs& install();

  // Starts counting the writes and syncs to files under `path_prefix` (from zero) and
  // fails them as `plan` says. A plan with nth == 0 only counts.
  void arm(const std::string& path_prefix, FaultPlan plan);
  // Only counts from now on (no faults), under `path_prefix`.
  void count(const std::string& path_prefix);
  // Stops counting and faulting; the counts of the last arming stay readable.
  void disarm();

  std::uint64_t writes() const;    // xWrite calls seen since arm()/count()
  std::uint64_t syncs() const;     // xSync calls seen since arm()/count()
  std::uint64_t injected() const;  // calls failed since arm()

  static const char* name() { return "fieldsync-faulty"; }

 private:
  FaultyVfs() = default;
};

}  // namespace fieldsync::test
