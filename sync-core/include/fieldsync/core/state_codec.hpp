#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fieldsync/core/record_state.hpp"

// libcrypto's types, declared here so that this header does not pull in OpenSSL's.
struct evp_md_ctx_st;
struct evp_md_st;

namespace fieldsync {

// The wire form (wire_state.cpp): the protobuf encoding of fieldsync.proto.RecordState
// (record.proto), as sync messages and change files carry it in their `bytes records`.
std::string encode_wire_state(const RecordState& state);
void append_wire_state(std::string& out, const RecordState& state);
// Throws Error(kCorruptData) on malformed input, ids or dots; the result is canonical.
RecordState decode_wire_state(std::string_view bytes);
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
// Appends the digest's bytes to `out`: digests travel one after the other in one field.
void append_digest(std::string& out, const StateDigest& digest);

// The compact storage form of a state (state_bytes.cpp): what a replica keeps in its
// `_state` column. Deterministic: equal canonical states encode to equal bytes.
std::string encode_state(const RecordState& state);
// Throws Error(kCorruptData) if `bytes` is not an encoded state.
RecordState decode_state(std::string_view bytes);

// Checks a received state against the schema: known collection and fields, values of the
// right type, at least one sibling per field. Throws Error naming the field.
void validate_state(const Schema& schema, const RecordState& state);

}  // namespace fieldsync
