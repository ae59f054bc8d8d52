#include "fieldsync/core/hlc.hpp"

#include <algorithm>
#include <chrono>

namespace fieldsync {

std::uint64_t SystemClock::now_ms() const {
  using namespace std::chrono;
  return static_cast<std::uint64_t>(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

std::uint64_t OffsetClock::now_ms() const {
  const std::uint64_t base = base_->now_ms();
  const std::int64_t offset = offset_.load();
  if (offset >= 0) return base + static_cast<std::uint64_t>(offset);
  const auto back = static_cast<std::uint64_t>(-offset);
  return base > back ? base - back : 0;
}

Hlc HybridClock::tick() {
  std::uint64_t wall = clock_->now_ms();
  if (wall > last_.ms()) {
    last_ = Hlc(wall, 0);
  } else if (last_.logical() < 0xFFFF) {
    last_ = Hlc(last_.ms(), static_cast<std::uint16_t>(last_.logical() + 1));
  } else {
    last_ = Hlc(last_.ms() + 1, 0);  // logical overflow: borrow the next millisecond
  }
  return last_;
}

bool HybridClock::observe(Hlc remote, std::uint64_t max_skew_ms) {
  if (remote.ms() > clock_->now_ms() + max_skew_ms) return false;
  if (remote > last_) last_ = remote;
  return true;
}

}  // namespace fieldsync
