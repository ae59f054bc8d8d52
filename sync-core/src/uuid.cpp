#include "fieldsync/core/uuid.hpp"

#include <cstring>

#include "fieldsync/core/clock.hpp"

namespace fieldsync {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_dash_position(std::size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

}  // namespace

std::optional<Uuid> Uuid::parse(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  Bytes bytes{};
  std::size_t out = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (is_dash_position(i)) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int hi = hex_digit(text[i]);
    int lo = hex_digit(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    bytes[out++] = static_cast<std::uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return Uuid(bytes);
}

std::optional<Uuid> Uuid::from_bytes(std::string_view raw) {
  if (raw.size() != 16) return std::nullopt;
  Bytes bytes{};
  std::memcpy(bytes.data(), raw.data(), 16);
  return Uuid(bytes);
}

std::string Uuid::to_string() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (std::size_t i = 0; i < bytes_.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text.push_back('-');
    text.push_back(kHex[bytes_[i] >> 4]);
    text.push_back(kHex[bytes_[i] & 0xF]);
  }
  return text;
}

UuidGenerator::UuidGenerator(const Clock& clock) : UuidGenerator(clock, std::random_device{}()) {
  // Mix in a second draw: random_device yields 32 bits at a time.
  random_.seed((static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ random_());
}

UuidGenerator::UuidGenerator(const Clock& clock, std::uint64_t seed) : clock_(&clock), random_(seed) {}

Uuid UuidGenerator::make_v7() {
  // RFC 9562 method 1: 48-bit ms timestamp, then a 12-bit sequence that keeps ids made in
  // the same millisecond (or while the clock stands still or steps back) increasing.
  std::uint64_t ms = clock_->now_ms();
  if (ms > last_ms_) {
    last_ms_ = ms;
    sequence_ = static_cast<std::uint16_t>(random_() & 0x3FF);  // leave headroom to count up
  } else if (++sequence_ > 0xFFF) {
    ++last_ms_;
    sequence_ = 0;
  }
  std::uint64_t rand_b = random_();
  Uuid::Bytes b{};
  for (int i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(last_ms_ >> (40 - 8 * i));
  b[6] = static_cast<std::uint8_t>(0x70 | (sequence_ >> 8));
  b[7] = static_cast<std::uint8_t>(sequence_);
  for (int i = 0; i < 8; ++i) b[8 + i] = static_cast<std::uint8_t>(rand_b >> (56 - 8 * i));
  b[8] = static_cast<std::uint8_t>(0x80 | (b[8] & 0x3F));
  return Uuid(b);
}

Uuid UuidGenerator::make_v4() {
  Uuid::Bytes b{};
  std::uint64_t hi = random_();
  std::uint64_t lo = random_();
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<std::uint8_t>(hi >> (56 - 8 * i));
    b[8 + i] = static_cast<std::uint8_t>(lo >> (56 - 8 * i));
  }
  b[6] = static_cast<std::uint8_t>(0x40 | (b[6] & 0x0F));
  b[8] = static_cast<std::uint8_t>(0x80 | (b[8] & 0x3F));
  return Uuid(b);
}

}  // namespace fieldsync
