#pragma once

#include <compare>
#include <cstdint>

#include "fieldsync/core/clock.hpp"

namespace fieldsync {

// A hybrid logical clock stamp: 48 bits of milliseconds, 16 logical bits.
// It orders concurrent siblings for display only; causality is the version vectors' job.
class Hlc {
 public:
  constexpr Hlc() = default;
  constexpr explicit Hlc(std::uint64_t packed) : packed_(packed) {}
  constexpr Hlc(std::uint64_t ms, std::uint16_t logical) : packed_((ms << 16) | logical) {}

  constexpr std::uint64_t packed() const { return packed_; }
  constexpr std::uint64_t ms() const { return packed_ >> 16; }
  constexpr std::uint16_t logical() const { return static_cast<std::uint16_t>(packed_ & 0xFFFF); }

  friend constexpr auto operator<=>(Hlc, Hlc) = default;

 private:
  std::uint64_t packed_ = 0;
};

// The clock of one replica. Not thread-safe.
class HybridClock {
 public:
  explicit HybridClock(const Clock& clock, Hlc last = {}) : clock_(&clock), last_(last) {}

  // A stamp for a local write: greater than every stamp issued or observed so far.
  Hlc tick();
  // Takes a received stamp into account. Stamps more than `max_skew_ms` ahead of the
  // wall clock are not adopted (returns false), so one phone with a wrong clock cannot
  // drag every replica's clock into the future.
  bool observe(Hlc remote, std::uint64_t max_skew_ms);

  Hlc last() const { return last_; }

 private:
  const Clock* clock_;
  Hlc last_;
};

}  // namespace fieldsync
