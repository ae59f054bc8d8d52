// decode_state (the storage encoding, sync-core/src/state_bytes.cpp) on arbitrary bytes.
// Error(kCorruptData) is the expected refusal; anything else thrown, a crash or a
// sanitizer report is a finding. On a decoded state:
//   - encode_state(decode_state(x)) decodes, and re-encodes to the same bytes (a fixed point);
//   - the second decode equals the first, member for member;
//   - a state that also passes validate_state survives the wire codec unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/schema.hpp"
#include "fuzz_support.hpp"

using namespace fieldsync;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  RecordState state;
  try {
    state = decode_state(input);
  } catch (const Error& e) {
    FUZZ_CHECK(e.code() == ErrorCode::kCorruptData, std::string("decode_state threw ") + e.what());
    return 0;
  }

  // Every state decode_state returns can be stored again: a replica re-encodes what it loads.
  const std::string encoded = encode_state(state);
  RecordState again;
  try {
    again = decode_state(encoded);
  } catch (const Error& e) {
    fuzz::fail(__FILE__, __LINE__, "decode_state(encode_state(s)) throws", e.what() + (" on " + fuzz::hex(encoded)));
  }
  FUZZ_CHECK(encode_state(again) == encoded, "encode_state is not a fixed point: " + fuzz::hex(encoded));
  FUZZ_CHECK(fuzz::same_state(again, state), "the round trip changed the state: " + fuzz::hex(encoded));

  try {
    validate_state(Schema::domain(), state);
  } catch (const Error&) {
    return 0;
  }
  FUZZ_CHECK(is_canonical(state), "validate_state accepted a state that is not canonical");
  const std::string wire = encode_wire_state(state);
  RecordState from_wire;
  try {
    from_wire = decode_wire_state(wire);
  } catch (const Error& e) {
    fuzz::fail(__FILE__, __LINE__, "a valid stored state does not survive the wire codec", e.what());
  }
  FUZZ_CHECK(fuzz::same_state(from_wire, state), "the wire codec changed a valid state: " + fuzz::hex(wire));
  FUZZ_CHECK(encode_state(from_wire) == encoded, "storage bytes differ after a wire round trip");
  return 0;
}
