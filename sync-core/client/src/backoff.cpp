#include "fieldsync/client/backoff.hpp"

#include <algorithm>

namespace fieldsync::client {

Backoff::Backoff(BackoffOptions options, std::uint64_t seed)
    : options_(options), random_(seed), base_ms_(static_cast<double>(options.initial.count())) {
  options_.jitter = std::clamp(options_.jitter, 0.0, 1.0);
  options_.multiplier = std::max(options_.multiplier, 1.0);
}

std::chrono::milliseconds Backoff::next() {
  const double cap = static_cast<double>(options_.max.count());
  const double base = std::min(base_ms_, cap);
  std::uniform_real_distribution<double> spread(1.0 - options_.jitter, 1.0);
  const double delay = base * spread(random_);
  base_ms_ = std::min(base * options_.multiplier, cap);
  ++attempts_;
  return std::chrono::milliseconds(static_cast<std::int64_t>(delay));
}

void Backoff::reset() {
  base_ms_ = static_cast<double>(options_.initial.count());
  attempts_ = 0;
}

}  // namespace fieldsync::client
