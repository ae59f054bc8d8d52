#pragma once

// Varint-and-bytes reading and writing shared by the state encodings (state_bytes.cpp for
// storage, wire_state.cpp for the protobuf wire form).
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "fieldsync/core/error.hpp"

namespace fieldsync::bytes {

inline std::size_t varint_size(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

inline std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}

inline std::int64_t unzigzag(std::uint64_t z) { return static_cast<std::int64_t>((z >> 1) ^ (0 - (z & 1))); }

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void byte(std::uint8_t b) { out_.push_back(static_cast<char>(b)); }
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      byte(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    byte(static_cast<std::uint8_t>(v));
  }
  void fixed64(std::uint64_t v) {
    for (int k = 0; k < 8; ++k) byte(static_cast<std::uint8_t>(v >> (8 * k)));
  }
  void raw(std::string_view b) { out_.append(b); }
  void text(std::string_view t) {
    varint(t.size());
    raw(t);
  }

 private:
  std::string& out_;
};

// Reads from a byte string; any read past its end or malformed number throws
// Error(kCorruptData) with the message the reader was made with.
class Reader {
 public:
  Reader(std::string_view in, const char* what) : in_(in), what_(what) {}

  std::uint8_t byte() {
    need(1);
    auto b = static_cast<std::uint8_t>(in_[pos_]);
    ++pos_;
    return b;
  }
  // The next byte, left unread.
  std::uint8_t peek() const {
    need(1);
    return static_cast<std::uint8_t>(in_[pos_]);
  }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      std::uint8_t b = byte();
      v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    corrupt();
  }
  std::uint64_t fixed64() {
    auto b = raw(8);
    std::uint64_t v = 0;
    for (int k = 0; k < 8; ++k) v |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(b[k])) << (8 * k);
    return v;
  }
  std::string_view raw(std::size_t n) {
    need(n);
    auto b = in_.substr(pos_, n);
    pos_ += n;
    return b;
  }
  std::string_view text() { return raw(count()); }
  // A length or count that cannot exceed the bytes left: guards allocations against
  // corrupt input.
  std::size_t count() {
    auto n = varint();
    if (n > in_.size() - pos_) corrupt();
    return static_cast<std::size_t>(n);
  }
  bool done() const { return pos_ == in_.size(); }
  [[noreturn]] void corrupt() const { throw Error(ErrorCode::kCorruptData, what_); }

 private:
  void need(std::size_t n) const {
    if (n > in_.size() - pos_) corrupt();
  }

  std::string_view in_;
  const char* what_;
  std::size_t pos_ = 0;
};

inline std::uint64_t double_bits(double d) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

inline double bits_double(std::uint64_t bits) {
  double d = 0;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

}  // namespace fieldsync::bytes
