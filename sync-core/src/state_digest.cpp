// SHA-256 (OpenSSL's libcrypto, with the CPU's SHA instructions where it has them), cut to
// 128 bits: still out of reach of a collision search, and half the bytes on the wire.
#include <openssl/sha.h>

#include "fieldsync/core/state_codec.hpp"

namespace fieldsync {

StateDigest wire_state_digest(std::string_view wire_bytes) {
  unsigned char full[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(wire_bytes.data()), wire_bytes.size(), full);
  StateDigest digest;
  std::copy(full, full + kStateDigestBytes, digest.begin());
  return digest;
}

void append_digest(std::string& out, const StateDigest& digest) {
  out.append(reinterpret_cast<const char*>(digest.data()), digest.size());
}

}  // namespace fieldsync
