#include "enrolment_guard.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace fieldsync::server {

EnrolmentGuard::EnrolmentGuard(Options options) : options_(options) {
  overall_.tokens = options_.overall_burst;
  overall_.last = Clock::now();
}

void EnrolmentGuard::refill(Bucket& bucket, double burst, std::chrono::seconds refill, Clock::time_point now) const {
  if (now > bucket.last) {
    const std::chrono::duration<double> elapsed = now - bucket.last;
    bucket.tokens = std::min(burst, bucket.tokens + elapsed.count() / static_cast<double>(refill.count()));
    bucket.last = now;
  }
}

std::chrono::seconds EnrolmentGuard::wait_for(const Bucket& bucket, std::chrono::seconds refill) {
  const double missing = 1.0 - bucket.tokens;
  return std::chrono::seconds(static_cast<long long>(std::ceil(std::max(missing, 0.0) * static_cast<double>(refill.count()))));
}

std::chrono::seconds EnrolmentGuard::try_attempt(const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  refill(overall_, options_.overall_burst, options_.overall_refill, now);
  // Full buckets say nothing: forget them, so the map holds only recent guessers.
  if (by_address_.size() >= options_.max_addresses) {
    for (auto it = by_address_.begin(); it != by_address_.end();) {
      refill(it->second, options_.per_address_burst, options_.per_address_refill, now);
      it = it->second.tokens >= options_.per_address_burst ? by_address_.erase(it) : std::next(it);
    }
  }
  Bucket* own = nullptr;
  if (auto found = by_address_.find(address); found != by_address_.end()) {
    own = &found->second;
    refill(*own, options_.per_address_burst, options_.per_address_refill, now);
  } else if (by_address_.size() < options_.max_addresses) {
    own = &by_address_.emplace(address, Bucket{options_.per_address_burst, now}).first->second;
  }
  if (own && own->tokens < 1.0) return std::max(wait_for(*own, options_.per_address_refill), std::chrono::seconds(1));
  if (overall_.tokens < 1.0) return std::max(wait_for(overall_, options_.overall_refill), std::chrono::seconds(1));
  overall_.tokens -= 1.0;
  if (own) own->tokens -= 1.0;
  return std::chrono::seconds(0);
}

void EnrolmentGuard::succeeded(const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  refill(overall_, options_.overall_burst, options_.overall_refill, now);
  overall_.tokens = std::min(options_.overall_burst, overall_.tokens + 1.0);
  if (auto found = by_address_.find(address); found != by_address_.end()) {
    refill(found->second, options_.per_address_burst, options_.per_address_refill, now);
    found->second.tokens = std::min(options_.per_address_burst, found->second.tokens + 1.0);
  }
}

std::string address_of(const std::string& endpoint) {
  const auto colon = endpoint.rfind(':');
  return colon == std::string::npos ? endpoint : endpoint.substr(0, colon);
}

}  // namespace fieldsync::server
