#pragma once

// The digests a replica names the states it holds by in a pull from scratch
// (Pull.held_digests, docs/protocol.md "Held states").

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

// libcrypto's types, declared here so that this header does not pull in OpenSSL's.
struct evp_md_ctx_st;
struct evp_md_st;

namespace fieldsync {

// A state's digest: the first 16 bytes of the SHA-256 of its wire form (append_wire_state
// of the canonical state, so equal states have equal digests). A replica pulling from
// scratch names the states it holds by these, and the server leaves them out
// (Pull.held_digests, docs/protocol.md). Cryptographic, so that no phone can make a state
// whose digest is another's: one would keep colleagues' replicas from receiving it.
inline constexpr std::size_t kStateDigestBytes = 16;
using StateDigest = std::array<unsigned char, kStateDigestBytes>;
StateDigest wire_state_digest(std::string_view wire_bytes);
// The same for many states: keeps libcrypto's context between them. One thread at a time.
class StateDigester {
 public:
  StateDigester();
  StateDigest operator()(std::string_view wire_bytes);

 private:
  struct FreeContext {
    void operator()(evp_md_ctx_st* context) const;
  };
  struct FreeDigest {
    void operator()(evp_md_st* digest) const;
  };
  std::unique_ptr<evp_md_ctx_st, FreeContext> context_;
  std::unique_ptr<evp_md_st, FreeDigest> sha256_;
};
// What the reader of changes holds already (a pull from scratch naming its held states):
// changes_since names those changes by digest instead of reading their states. A page
// holds at most `limit` of them (0: no limit) besides its limit of states: they cost 16
// bytes each and nothing to decode, so that a redelivery takes few pages.
using HeldCheck = std::function<bool(const StateDigest&)>;
struct HeldStates {
  HeldCheck check;  // empty: the reader names nothing
  std::size_t limit = 0;
  explicit operator bool() const { return static_cast<bool>(check); }
};
// Appends the digest's bytes to `out`: digests travel one after the other in one field.
void append_digest(std::string& out, const StateDigest& digest);

}  // namespace fieldsync
