// decode_wire_state (the hand-written protobuf reader, sync-core/src/wire_state.cpp) on
// arbitrary bytes, then validate_state against the domain schema, then a merge into an
// in-memory replica. Error is the expected refusal; anything else thrown, a crash or a
// sanitizer report is a finding. Invariants:
//   - decoding what encode_wire_state wrote gives the same state, and the same bytes again;
//   - libprotobuf reads what encode_wire_state wrote and serialises it to the same bytes;
//   - a valid state is canonical, merges with itself to itself, and resolves every field;
//   - merged into an empty replica it is inserted and stored as it came; merging it a
//     second time changes nothing (MergeReport::unchanged) and does not move the sequence.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fieldsync/core/clock.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/record.pb.h"
#include "fuzz_support.hpp"

using namespace fieldsync;

namespace {

void check_round_trip(const RecordState& state) {
  const std::string wire = encode_wire_state(state);
  RecordState again;
  try {
    again = decode_wire_state(wire);
  } catch (const Error& e) {
    fuzz::fail(__FILE__, __LINE__, "decode_wire_state(encode_wire_state(s)) throws", e.what() + (" on " + fuzz::hex(wire)));
  }
  FUZZ_CHECK(encode_wire_state(again) == wire, "encode_wire_state is not a fixed point: " + fuzz::hex(wire));

  // The reference implementation. It refuses strings that are not UTF-8 (proto3 `string`),
  // which ours carries as bytes; when it parses, it must serialise to our bytes.
  proto::RecordState reference;
  if (reference.ParseFromString(wire)) {
    FUZZ_CHECK(reference.SerializeAsString() == wire, "libprotobuf serialises differently: " + fuzz::hex(wire));
  }
}

void check_replica_merge(const RecordState& state) {
  static const ManualClock clock(1'700'000'000'000);
  ReplicaOptions options;
  options.clock = &clock;
  options.cache_kib = 256;
  Replica replica = Replica::open(":memory:", Schema::domain(), options);
  const RecordState batch[] = {state};

  const MergeReport first = replica.merge(batch);
  FUZZ_CHECK(first.rejected.empty(), "a state validate_state accepts was rejected: " +
                                         (first.rejected.empty() ? std::string() : first.rejected[0].reason));
  FUZZ_CHECK(first.inserted == 1 && first.updated == 0 && first.unchanged == 0, "first merge did not insert");
  const auto stored = replica.state(state.collection, state.id);
  FUZZ_CHECK(stored.has_value(), "the merged record is not in the replica");
  FUZZ_CHECK(fuzz::same_state(*stored, state), "the replica stored a different state than it merged");

  const MergeReport second = replica.merge(batch);
  FUZZ_CHECK(second.unchanged == 1 && second.inserted == 0 && second.updated == 0 && second.rejected.empty(),
             "merging the same state twice changed something the second time");
  FUZZ_CHECK(second.last_seq == first.last_seq, "an unchanged merge moved the change sequence");

  // The typed row: resolving and reading back every field must work on what merge accepted.
  const auto record = replica.get(state.collection, state.id);
  FUZZ_CHECK(record.has_value(), "get() does not find the merged record");
  (void)replica.conflicts();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  RecordState state;
  try {
    state = decode_wire_state(input);
  } catch (const Error& e) {
    FUZZ_CHECK(e.code() == ErrorCode::kCorruptData, std::string("decode_wire_state threw ") + e.what());
    return 0;
  }
  check_round_trip(state);

  try {
    validate_state(Schema::domain(), state);
  } catch (const Error&) {
    return 0;
  }
  FUZZ_CHECK(is_canonical(state), "validate_state accepted a state that is not canonical");
  FUZZ_CHECK(fuzz::same_state(merge(state, state), state), "merge(s, s) != s");
  (void)resolve_all(Schema::domain().require(state.collection), state);
  check_replica_merge(state);
  return 0;
}
