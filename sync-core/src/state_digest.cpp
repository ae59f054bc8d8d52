// SHA-256 (OpenSSL's libcrypto, with the CPU's SHA instructions where it has them), cut to
// 128 bits: still out of reach of a collision search, and half the bytes on the wire.
#include <openssl/evp.h>

#include <algorithm>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/state_digest.hpp"

namespace fieldsync {

void StateDigester::FreeContext::operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
void StateDigester::FreeDigest::operator()(EVP_MD* digest) const { EVP_MD_free(digest); }

// The algorithm is fetched and the context made once: OpenSSL's one-shot SHA256() does
// both for every call, which cost more than hashing a state.
StateDigester::StateDigester()
    : context_(EVP_MD_CTX_new()), sha256_(EVP_MD_fetch(nullptr, "SHA256", nullptr)) {
  if (!context_ || !sha256_) throw Error(ErrorCode::kInternal, "libcrypto has no SHA-256");
}

StateDigest StateDigester::operator()(std::string_view wire_bytes) {
  unsigned char full[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestInit_ex2(context_.get(), sha256_.get(), nullptr) != 1 ||
      EVP_DigestUpdate(context_.get(), wire_bytes.data(), wire_bytes.size()) != 1 ||
      EVP_DigestFinal_ex(context_.get(), full, &length) != 1 || length < kStateDigestBytes) {
    throw Error(ErrorCode::kInternal, "SHA-256 failed");
  }
  StateDigest digest;
  std::copy(full, full + kStateDigestBytes, digest.begin());
  return digest;
}

StateDigest wire_state_digest(std::string_view wire_bytes) { return StateDigester()(wire_bytes); }

void append_digest(std::string& out, const StateDigest& digest) {
  out.append(reinterpret_cast<const char*>(digest.data()), digest.size());
}

}  // namespace fieldsync
