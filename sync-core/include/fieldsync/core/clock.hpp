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

// Another clock corrected by an offset: a device clock set wrong, corrected by what the sync
// server measured (docs/architecture.md, "Clocks"). Never below 0. Thread-safe.
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(const Clock& base, std::int64_t offset_ms = 0) : base_(&base), offset_(offset_ms) {}
  std::uint64_t now_ms() const override;
  std::int64_t offset_ms() const { return offset_.load(); }
  void set_offset_ms(std::int64_t offset_ms) { offset_.store(offset_ms); }
  const Clock& base() const { return *base_; }

 private:
  const Clock* base_;
  std::atomic<std::int64_t> offset_;
};

}  // namespace fieldsync
