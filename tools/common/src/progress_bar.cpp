#include "fieldsync/tools/progress_bar.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace fieldsync::tools {

std::string render_progress(const std::string& label, std::size_t done, std::size_t total, double seconds,
                            std::size_t bar_width, const std::string& unit) {
  done = std::min(done, total);
  const double fraction = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  const auto filled = static_cast<std::size_t>(fraction * static_cast<double>(bar_width));
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  char numbers[160];
  if (unit.empty()) {
    std::snprintf(numbers, sizeof numbers, "] %3d%%  %zu/%zu", static_cast<int>(fraction * 100), done, total);
  } else {
    std::snprintf(numbers, sizeof numbers, "] %3d%%  %zu/%zu %s  %.0f %s/s", static_cast<int>(fraction * 100), done,
                  total, unit.c_str(), rate, unit.c_str());
  }
  return label + " [" + std::string(filled, '#') + std::string(bar_width - filled, '.') + numbers;
}

bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

ProgressBar::ProgressBar(std::string label, std::size_t total, bool enabled, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() {
  // A failed import still leaves the terminal on a fresh line for its error message.
  if (enabled_ && !finished_) std::fputc('\n', stderr);
}

void ProgressBar::update(std::size_t done) {
  done_ = done;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100) && done < total_) return;
  last_draw_ = now;
  draw(done);
}

void ProgressBar::finish() {
  if (!enabled_ || finished_) return;
  draw(done_);
  std::fputc('\n', stderr);
  finished_ = true;
}

void ProgressBar::draw(std::size_t done) {
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
  // \r returns to the line start; ESC[K clears what a longer previous line left behind.
  std::fprintf(stderr, "\r%s\x1b[K", render_progress(label_, done, total_, elapsed.count(), 30, unit_).c_str());
  std::fflush(stderr);
}

}  // namespace fieldsync::tools
