#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace fieldsync::client {

struct BackoffOptions {
  std::chrono::milliseconds initial{500};
  std::chrono::milliseconds max{30'000};
  double multiplier = 2.0;
  // Each delay is drawn from [(1 - jitter) * d, d], so that phones that lost the same
  // server do not all come back in the same millisecond.
  double jitter = 0.5;
};

// Delays between reconnection attempts: exponential, capped, with jitter. Reset it after a
// connection that worked, so that a short outage is retried quickly.
// Not thread-safe: owned by the live sync's strand.
class Backoff {
 public:
  explicit Backoff(BackoffOptions options = {}, std::uint64_t seed = std::random_device{}());

  // The delay before the next attempt; each call grows the base delay up to the cap.
  std::chrono::milliseconds next();
  void reset();
  unsigned attempts() const { return attempts_; }

 private:
  BackoffOptions options_;
  std::mt19937_64 random_;
  double base_ms_;
  unsigned attempts_ = 0;
};

}  // namespace fieldsync::client
