#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace fieldsync::loadgen {

bool stderr_is_terminal();

// One progress line redrawn in place on stderr: "label [####......]  40%  400/1000".
// Draws nothing when disabled (stderr not a terminal), so pipes and logs stay clean.
// Redraws at most ten times a second. Not thread-safe: one thread updates it (scenarios
// with many workers poll an atomic counter from the main thread).
class ProgressLine {
 public:
  ProgressLine(std::string label, std::size_t total, bool enabled);
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  ~ProgressLine();  // finishes the line

  void update(std::size_t done);
  void finish();

 private:
  void draw(std::size_t done);

  std::string label_;
  std::size_t total_;
  bool enabled_;
  bool finished_ = false;
  std::size_t done_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace fieldsync::loadgen
