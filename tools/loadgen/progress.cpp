#include "progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace fieldsync::loadgen {

bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

ProgressLine::ProgressLine(std::string label, std::size_t total, bool enabled)
    : label_(std::move(label)), total_(std::max<std::size_t>(total, 1)), enabled_(enabled) {
  if (enabled_) draw(0);
}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::update(std::size_t done) {
  done_ = done;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  draw(done);
}

void ProgressLine::finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  draw(done_);
  std::fputc('\n', stderr);
}

void ProgressLine::draw(std::size_t done) {
  last_draw_ = std::chrono::steady_clock::now();
  constexpr std::size_t kWidth = 30;
  const std::size_t shown = std::min(done, total_);
  const std::size_t filled = shown * kWidth / total_;
  std::string bar(filled, '#');
  bar.append(kWidth - filled, '.');
  std::fprintf(stderr, "\r%s [%s] %3zu%%  %zu/%zu\x1b[K", label_.c_str(), bar.c_str(), shown * 100 / total_, done,
               total_);
  std::fflush(stderr);
}

}  // namespace fieldsync::loadgen
