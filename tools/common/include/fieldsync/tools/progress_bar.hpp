#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace fieldsync::tools {

// One progress line: "label [#####.....]  50%  500/1000 rows  1234 rows/s" (without a
// unit: "label [#####.....]  50%  500/1000").
std::string render_progress(const std::string& label, std::size_t done, std::size_t total, double seconds,
                            std::size_t bar_width = 30, const std::string& unit = "rows");

bool stderr_is_terminal();

// Redraws a progress line in place on stderr (the CLI's import, the load generator). Disabled (draws nothing) unless told
// otherwise, so that pipes and log files never get carriage-return noise; callers enable
// it with stderr_is_terminal(). Redraws at most ten times a second.
class ProgressBar {
 public:
  ProgressBar(std::string label, std::size_t total, bool enabled, std::string unit = "rows");
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  ~ProgressBar();  // ends the line if finish() did not

  void update(std::size_t done);
  // Draws the final state and moves to a new line.
  void finish();

 private:
  void draw(std::size_t done);

  std::string label_;
  std::string unit_;
  std::size_t total_;
  bool enabled_;
  bool finished_ = false;
  std::size_t done_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace fieldsync::tools
