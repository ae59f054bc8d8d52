#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace fieldsync::server {

// Bounds how fast enrolment codes can be guessed: each attempt takes a token from its
// address's bucket and from one bucket shared by all addresses; a successful exchange gives
// them back, so only failures count. An empty bucket refuses before the store is asked.
// With the defaults, one address gets 5 failures and then one every 2 minutes; everyone
// together 30 and then one every 20 seconds: guessing one of 10 live 49.5-bit codes within
// its 15 minutes succeeds with a chance of about 1 in 10^12.
// Thread-safe (the HTTP sessions of every I/O thread share one).
class EnrolmentGuard {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    double per_address_burst = 5;
    std::chrono::seconds per_address_refill{120};  // one failure more allowed after each
    double overall_burst = 30;
    std::chrono::seconds overall_refill{20};
    std::size_t max_addresses = 10000;  // beyond: every new address shares the overall bucket only
  };

  EnrolmentGuard() : EnrolmentGuard(Options{}) {}
  explicit EnrolmentGuard(Options options);

  // 0 if `address` may try now (a token is taken); else how long to wait.
  std::chrono::seconds try_attempt(const std::string& address, Clock::time_point now = Clock::now());
  // The attempt succeeded: it does not count against anyone.
  void succeeded(const std::string& address, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point last{};
  };
  void refill(Bucket& bucket, double burst, std::chrono::seconds refill, Clock::time_point now) const;
  static std::chrono::seconds wait_for(const Bucket& bucket, std::chrono::seconds refill);

  Options options_;
  std::mutex mutex_;
  Bucket overall_;
  std::unordered_map<std::string, Bucket> by_address_;
};

// The address of "address:port" (IPv6 addresses keep their colons).
std::string address_of(const std::string& endpoint);

}  // namespace fieldsync::server
