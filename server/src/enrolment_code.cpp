#include "enrolment_code.hpp"

#include <openssl/rand.h>

#include <array>

#include "fieldsync/core/error.hpp"
#include "tokens.hpp"

namespace fieldsync::server {

std::string make_enrolment_code() {
  // Rejection sampling: bytes at or above the largest multiple of 31 are drawn again, so
  // every symbol is equally likely.
  constexpr unsigned kLimit = 256 - 256 % kEnrolmentAlphabet.size();
  std::string code;
  while (code.size() < kEnrolmentCodeLength) {
    std::array<unsigned char, 16> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
      throw Error(ErrorCode::kInternal, "the system's random generator failed");
    }
    for (unsigned char byte : bytes) {
      if (byte >= kLimit || code.size() == kEnrolmentCodeLength) continue;
      code.push_back(kEnrolmentAlphabet[byte % kEnrolmentAlphabet.size()]);
    }
  }
  return code.substr(0, 4) + "-" + code.substr(4, 4) + "-" + code.substr(8);
}

std::optional<std::string> normalise_enrolment_code(std::string_view typed) {
  std::string code;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (kEnrolmentAlphabet.find(c) == std::string_view::npos) return std::nullopt;
    if (code.size() == kEnrolmentCodeLength) return std::nullopt;
    code.push_back(c);
  }
  if (code.size() != kEnrolmentCodeLength) return std::nullopt;
  return code;
}

std::string enrolment_code_hash(std::string_view canonical_code) { return sha256_hex(canonical_code); }

}  // namespace fieldsync::server
