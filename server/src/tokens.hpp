#pragma once

#include <string>
#include <string_view>

namespace fieldsync::server {

// Tokens look like "fs1.<id>.<secret>": the id names the token in listings and for
// revocation; only a SHA-256 of the secret is stored.
struct TokenParts {
  std::string id;
  std::string secret;
};

std::string random_hex(std::size_t bytes);
std::string sha256_hex(std::string_view text);
std::string make_token(const TokenParts& parts);
// Throws Error(kUnauthenticated) if `token` is not of that form.
TokenParts split_token(std::string_view token);

}  // namespace fieldsync::server
