#pragma once

#include <atomic>
#include <cstdint>

namespace fieldsync {

// Wall-clock source, injectable so that tests control time (and skew).
class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual std::uint64_t now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::uint64_t now_ms() const override;
};

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::uint64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
  std::uint64_t now_ms() const override { return now_.load(); }
  void set(std::uint64_t ms) { now_.store(ms); }
  void advance(std::uint64_t ms) { now_.fetch_add(ms); }

 private:
  std::atomic<std::uint64_t> now_;
};

}  // namespace fieldsync
