#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace fieldsync::bench {

// One figure: `ops` operations timed `seconds.size()` times.
struct Measurement {
  std::string id;     // stable key for JSON and for ratios, e.g. "write.single.engine"
  std::string label;  // what the table shows
  std::size_t ops = 0;
  std::vector<double> seconds;

  double median_seconds() const;
  double min_seconds() const;
  double max_seconds() const;
  double median_us_per_op() const { return median_seconds() * 1e6 / static_cast<double>(ops); }
};

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// Runs `run` `repeats` times; each run does its own untimed setup and returns the seconds
// of its timed part, so that setup never counts.
Measurement measure(std::string id, std::string label, std::size_t ops, int repeats,
                    const std::function<double()>& run);

}  // namespace fieldsync::bench
