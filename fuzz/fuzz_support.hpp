#pragma once

// What the fuzz targets share: a check that aborts (libFuzzer reports an abort as a crash
// and writes the input to crash-<sha1>), and state comparisons that hold for NaN too.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fieldsync/core/record_state.hpp"
#include "fieldsync/core/state_codec.hpp"

namespace fieldsync::fuzz {

[[noreturn]] inline void fail(const char* file, int line, const char* condition, const std::string& detail) {
  std::fprintf(stderr, "\n%s:%d: fuzz invariant broken: %s\n  %s\n", file, line, condition, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

#define FUZZ_CHECK(condition, detail)                                                \
  do {                                                                               \
    if (!(condition)) ::fieldsync::fuzz::fail(__FILE__, __LINE__, #condition, (detail)); \
  } while (0)

// Equal bit for bit: the wire encoding covers every member of a state (a NaN compares
// unequal to itself with ==, but encodes to the same bytes).
inline bool same_state(const RecordState& a, const RecordState& b) { return encode_wire_state(a) == encode_wire_state(b); }

inline std::string hex(std::string_view bytes, std::size_t max = 96) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < max; ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  if (bytes.size() > max) out += "...";
  return out;
}

}  // namespace fieldsync::fuzz
