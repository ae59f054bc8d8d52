#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "fieldsync/core/record_state.hpp"
#include "fieldsync/core/replica.hpp"

namespace fieldsync::loadgen {

using SteadyClock = std::chrono::steady_clock;

inline double seconds_between(SteadyClock::time_point from, SteadyClock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

std::uint64_t wall_clock_ms();

// A fresh directory, removed with everything in it when this goes out of scope.
class ScratchDir {
 public:
  // Under `parent`, or the system temp dir when `parent` is empty. Throws Error(kIo).
  explicit ScratchDir(const std::string& parent);
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir();

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A deterministic customer: the same `n` always gives the same values. `territory` is
// the scope the writing user may write in.
FieldValues customer_fields(std::size_t n, const std::string& territory);
// Creates customers `first` .. `first + count - 1` (customer_fields) in one transaction;
// returns their ids in that order.
std::vector<RecordId> create_customers(Replica& replica, std::size_t first, std::size_t count,
                                       const std::string& territory);

// Order statistics of a sample (any unit).
struct Distribution {
  std::size_t count = 0;
  double min = 0, p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
};
Distribution distribution(std::vector<double> sample);

inline double kib_to_mib(std::size_t kib) { return static_cast<double>(kib) / 1024.0; }

// Resident memory of a process in KiB, from /proc/<pid>/status (`VmRSS`, or `VmHWM` for
// the peak); 0 when it cannot be read. pid 0: this process.
std::size_t resident_kib(int pid, const char* key = "VmRSS");

// CPU time (user + system) a process has used, from /proc/<pid>/stat; 0 when unreadable.
// pid 0: this process.
double cpu_seconds(int pid);

// The system's load average over 1, 5 and 15 minutes ("0.92 1.54 1.79"), from
// /proc/loadavg; "unknown" when it cannot be read.
std::string load_average();

// Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the new soft limit.
std::size_t raise_open_file_limit();

}  // namespace fieldsync::loadgen
