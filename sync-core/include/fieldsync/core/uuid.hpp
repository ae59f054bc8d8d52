#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace fieldsync {

class Clock;

// A 128-bit identifier. Record ids are UUIDv7 (time-ordered, so that new rows land at the
// end of SQLite's b-trees); replica ids are random (v4).
class Uuid {
 public:
  using Bytes = std::array<std::uint8_t, 16>;

  constexpr Uuid() = default;
  constexpr explicit Uuid(const Bytes& bytes) : bytes_(bytes) {}

  // Parses the canonical 8-4-4-4-12 hex form.
  static std::optional<Uuid> parse(std::string_view text);
  // Takes exactly 16 raw bytes.
  static std::optional<Uuid> from_bytes(std::string_view raw);

  std::string to_string() const;
  std::string_view raw() const {
    return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()};
  }
  const Bytes& bytes() const { return bytes_; }
  bool is_nil() const { return bytes_ == Bytes{}; }

  friend auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  Bytes bytes_{};
};

// Makes ids for one replica. Not thread-safe; each replica owns one.
class UuidGenerator {
 public:
  explicit UuidGenerator(const Clock& clock);
  UuidGenerator(const Clock& clock, std::uint64_t seed);

  // Time-ordered: ids made later by this generator compare greater, even within one ms.
  Uuid make_v7();
  Uuid make_v4();

 private:
  const Clock* clock_;
  std::mt19937_64 random_;
  std::uint64_t last_ms_ = 0;
  std::uint16_t sequence_ = 0;
};

}  // namespace fieldsync
