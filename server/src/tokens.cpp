#include "tokens.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <vector>

#include "fieldsync/core/error.hpp"

namespace fieldsync::server {
namespace {

constexpr std::string_view kPrefix = "fs1.";

std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0xF]);
  }
  return out;
}

bool is_hex(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  if (RAND_bytes(buffer.data(), static_cast<int>(buffer.size())) != 1) {
    throw Error(ErrorCode::kInternal, "the system's random generator failed");
  }
  return to_hex(buffer.data(), buffer.size());
}

std::string sha256_hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    throw Error(ErrorCode::kInternal, "SHA-256 failed");
  }
  return to_hex(digest.data(), size);
}

std::string make_token(const TokenParts& parts) { return std::string(kPrefix) + parts.id + "." + parts.secret; }

TokenParts split_token(std::string_view token) {
  if (token.substr(0, kPrefix.size()) != kPrefix) throw Error(ErrorCode::kUnauthenticated, "the token is malformed");
  token.remove_prefix(kPrefix.size());
  auto dot = token.find('.');
  if (dot == std::string_view::npos) throw Error(ErrorCode::kUnauthenticated, "the token is malformed");
  TokenParts parts{std::string(token.substr(0, dot)), std::string(token.substr(dot + 1))};
  if (!is_hex(parts.id) || !is_hex(parts.secret)) throw Error(ErrorCode::kUnauthenticated, "the token is malformed");
  return parts;
}

}  // namespace fieldsync::server
