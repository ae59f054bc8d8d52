#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>

namespace fieldsync::server {

// A token bucket: `per_second` messages a second on average, bursts of up to `per_second`.
// A bucket rather than a fixed one-second window, so a client cannot send twice the limit
// around a window boundary. Not thread-safe: one per session, used on its strand.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateLimiter(std::size_t per_second)
      : rate_(static_cast<double>(per_second)), tokens_(rate_), last_(Clock::now()) {}

  // Takes one token; false if the bucket is empty (the message is over the limit).
  bool allow(Clock::time_point now = Clock::now()) {
    const std::chrono::duration<double> elapsed = now - last_;
    last_ = now;
    tokens_ = std::min(rate_, tokens_ + elapsed.count() * rate_);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  double rate_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace fieldsync::server
