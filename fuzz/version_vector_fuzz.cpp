// Version vectors: decoded from the wire form (decode_wire_state), from the storage form
// (decode_state), or built by advance/erase calls, then the VersionVector operations
// checked against their definitions (version_vector.hpp):
//   - entries strictly sorted by replica, every counter > 0, get() agrees with entries();
//   - compare is the pointwise order: kSame iff equal, kOlder/kNewer mirror each other,
//     kConcurrent is symmetric; dominated_by agrees with compare;
//   - merge is the pointwise maximum: commutative, associative, idempotent, an upper bound
//     of both sides, and a no-op when the other side is dominated;
//   - contains(dot) is dot.counter <= get(dot.replica); erase forgets exactly one replica.
// The input is read with FuzzedDataProvider: per vector a source byte, then a chunk.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/version_vector.hpp"
#include "fuzz_support.hpp"

using namespace fieldsync;

namespace {

// Few distinct replicas, so that vectors share entries often.
ReplicaId small_replica(std::uint8_t n) {
  Uuid::Bytes b{};
  b[0] = static_cast<std::uint8_t>(n & 0x0F);
  b[15] = static_cast<std::uint8_t>(n >> 4);
  return Uuid(b);
}

VersionVector read_vector(FuzzedDataProvider& in) {
  const int source = in.ConsumeIntegralInRange(0, 2);
  if (source < 2) {
    const std::string chunk = in.ConsumeRandomLengthString(512);
    try {
      return (source == 0 ? decode_wire_state(chunk) : decode_state(chunk)).vv;
    } catch (const Error& e) {
      FUZZ_CHECK(e.code() == ErrorCode::kCorruptData, e.what());
      return {};
    }
  }
  VersionVector vv;
  const int ops = in.ConsumeIntegralInRange(0, 24);
  for (int i = 0; i < ops && in.remaining_bytes() > 0; ++i) {
    const ReplicaId replica = small_replica(in.ConsumeIntegral<std::uint8_t>());
    const int op = in.ConsumeIntegralInRange(0, 7);
    if (op == 0) {
      vv.erase(replica);
    } else {
      // Mostly small counters (collisions), sometimes the edges.
      const std::uint64_t counter = op == 1 ? in.ConsumeIntegral<std::uint64_t>() : in.ConsumeIntegralInRange<std::uint64_t>(0, 8);
      const std::uint64_t before = vv.get(replica);
      vv.advance(replica, counter);
      FUZZ_CHECK(vv.get(replica) == std::max(before, counter), "advance is not a max");
    }
  }
  return vv;
}

void check_well_formed(const VersionVector& vv) {
  const auto& e = vv.entries();
  for (std::size_t i = 0; i < e.size(); ++i) {
    FUZZ_CHECK(e[i].second > 0, "an entry with counter 0");
    FUZZ_CHECK(i == 0 || e[i - 1].first < e[i].first, "entries not strictly sorted by replica");
    FUZZ_CHECK(vv.get(e[i].first) == e[i].second, "get() disagrees with entries()");
    FUZZ_CHECK(vv.contains(Dot{e[i].first, e[i].second}), "contains() misses its own entry");
    FUZZ_CHECK(!vv.contains(Dot{e[i].first, e[i].second + 1}) || e[i].second == UINT64_MAX, "contains() past the entry");
  }
  FUZZ_CHECK(vv.empty() == e.empty(), "empty() disagrees with entries()");
}

// The pointwise order, from the definition.
Causality reference_compare(const VersionVector& a, const VersionVector& b) {
  bool less = false;
  bool greater = false;
  for (const auto& [r, n] : a.entries()) {
    if (n > b.get(r)) greater = true;
    if (n < b.get(r)) less = true;
  }
  for (const auto& [r, n] : b.entries()) {
    if (n > a.get(r)) less = true;
  }
  if (less && greater) return Causality::kConcurrent;
  if (less) return Causality::kOlder;
  if (greater) return Causality::kNewer;
  return Causality::kSame;
}

Causality mirror(Causality c) {
  switch (c) {
    case Causality::kOlder: return Causality::kNewer;
    case Causality::kNewer: return Causality::kOlder;
    default: return c;
  }
}

VersionVector merged(VersionVector a, const VersionVector& b) {
  a.merge(b);
  return a;
}

void check_pair(const VersionVector& a, const VersionVector& b) {
  const Causality ab = a.compare(b);
  FUZZ_CHECK(ab == reference_compare(a, b), "compare() is not the pointwise order");
  FUZZ_CHECK(b.compare(a) == mirror(ab), "compare() is not antisymmetric");
  FUZZ_CHECK((ab == Causality::kSame) == (a == b), "kSame but not equal, or equal but not kSame");
  FUZZ_CHECK(a.dominated_by(b) == (ab == Causality::kSame || ab == Causality::kOlder), "dominated_by disagrees");

  const VersionVector ab_merged = merged(a, b);
  check_well_formed(ab_merged);
  FUZZ_CHECK(ab_merged == merged(b, a), "merge is not commutative");
  FUZZ_CHECK(a.dominated_by(ab_merged) && b.dominated_by(ab_merged), "merge is not an upper bound");
  for (const auto& [r, n] : ab_merged.entries()) {
    FUZZ_CHECK(n == std::max(a.get(r), b.get(r)), "merge is not the pointwise maximum");
  }
  if (a.dominated_by(b)) FUZZ_CHECK(ab_merged == b, "merging a dominated vector changed the other");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const VersionVector a = read_vector(in);
  const VersionVector b = read_vector(in);
  const VersionVector c = read_vector(in);
  for (const auto* v : {&a, &b, &c}) {
    check_well_formed(*v);
    FUZZ_CHECK(v->compare(*v) == Causality::kSame, "compare(v, v) != kSame");
    FUZZ_CHECK(merged(*v, *v) == *v, "merge is not idempotent");
    FUZZ_CHECK(merged(*v, VersionVector{}) == *v, "merging the empty vector changed it");
  }
  check_pair(a, b);
  check_pair(b, c);
  check_pair(a, c);
  FUZZ_CHECK(merged(merged(a, b), c) == merged(a, merged(b, c)), "merge is not associative");

  // erase forgets one replica and nothing else.
  for (const auto& [r, n] : a.entries()) {
    VersionVector e = a;
    e.erase(r);
    check_well_formed(e);
    FUZZ_CHECK(e.get(r) == 0 && e.entries().size() + 1 == a.entries().size(), "erase did not forget exactly one entry");
    FUZZ_CHECK(e.compare(a) == Causality::kOlder, "a vector missing an entry is not older");
    break;  // one is enough per input
  }
  return 0;
}
