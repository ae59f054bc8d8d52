// The storage encoding of a RecordState. Protobuf (record.proto) stays the wire format;
// storage has its own, because states are encoded and decoded on every write and merge:
// building and freeing ~40 protobuf messages per record was a third of the merge time,
// and repeating each sibling's 16-byte replica id made the stored rows twice as large.
//
//   state   := version(=2) collection id:16 vv fields
//   vv      := n (replica:16 counter)*n                 replicas in canonical order
//   fields  := n (name sibling_count sibling*)*n
//   sibling := replica_index counter hlc_delta value    replica_index into vv
//   hlc_delta := zigzag(hlc - the previous sibling's hlc in this state; 0 before the first)
// The fields of one edit share their stamp, so most deltas are one byte instead of nine.
// Version 1 (read, no longer written) stored each hlc whole.
//   value   := tag [payload]   0 null | 1 integer zigzag | 2 real 8 bytes LE | 3 text | 4 false | 5 true
// Numbers are LEB128 varints; strings are a varint length and the bytes.
#include "byte_io.hpp"
#include "fieldsync/core/state_codec.hpp"

namespace fieldsync {
namespace {

constexpr std::uint8_t kFormatVersion = 2;
constexpr std::uint8_t kWholeHlcVersion = 1;

enum ValueTag : std::uint8_t { kNull = 0, kInteger = 1, kReal = 2, kText = 3, kFalse = 4, kTrue = 5 };

using bytes::Reader;
using bytes::Writer;

constexpr const char* kCorrupt = "a stored record state does not decode";

void write_value(Writer& w, const Value& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    w.byte(kInteger);
    w.varint(bytes::zigzag(*i));
  } else if (const auto* d = std::get_if<double>(&value)) {
    w.byte(kReal);
    w.fixed64(bytes::double_bits(*d));
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    w.byte(kText);
    w.text(*s);
  } else if (const auto* b = std::get_if<bool>(&value)) {
    w.byte(*b ? kTrue : kFalse);
  } else {
    w.byte(kNull);
  }
}

Value read_value(Reader& r) {
  switch (r.byte()) {
    case kNull: return std::monostate{};
    case kInteger: return bytes::unzigzag(r.varint());
    case kReal: return bytes::bits_double(r.fixed64());
    case kText: return std::string(r.text());
    case kFalse: return false;
    case kTrue: return true;
    default: r.corrupt();
  }
}

std::size_t replica_index(const VersionVector& vv, const ReplicaId& replica) {
  const auto& entries = vv.entries();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].first == replica) return i;
  }
  throw Error(ErrorCode::kCorruptData, "a sibling's replica is missing from the version vector");
}

Uuid read_uuid(Reader& r) { return *Uuid::from_bytes(r.raw(16)); }

}  // namespace

std::string encode_state(const RecordState& state) {
  std::string out;
  out.reserve(64 + state.fields.size() * 40);
  Writer w(out);
  w.byte(kFormatVersion);
  w.text(state.collection);
  w.raw(state.id.raw());
  w.varint(state.vv.entries().size());
  for (const auto& [replica, counter] : state.vv.entries()) {
    w.raw(replica.raw());
    w.varint(counter);
  }
  w.varint(state.fields.size());
  std::uint64_t previous_hlc = 0;
  for (const auto& field : state.fields) {
    w.text(field.name);
    w.varint(field.siblings.size());
    for (const auto& s : field.siblings) {
      w.varint(replica_index(state.vv, s.dot.replica));
      w.varint(s.dot.counter);
      w.varint(bytes::zigzag(static_cast<std::int64_t>(s.hlc.packed() - previous_hlc)));
      previous_hlc = s.hlc.packed();
      write_value(w, s.value);
    }
  }
  return out;
}

RecordState decode_state(std::string_view encoded) {
  Reader r(encoded, kCorrupt);
  const std::uint8_t version = r.byte();
  if (version != kFormatVersion && version != kWholeHlcVersion) r.corrupt();
  RecordState state;
  state.collection = std::string(r.text());
  state.id = read_uuid(r);
  std::vector<ReplicaId> replicas(r.count());
  for (auto& replica : replicas) {
    replica = read_uuid(r);
    state.vv.advance(replica, r.varint());
  }
  if (state.vv.entries().size() != replicas.size()) r.corrupt();  // repeated or zero entries
  state.fields.resize(r.count());
  std::uint64_t previous_hlc = 0;
  for (auto& field : state.fields) {
    field.name = std::string(r.text());
    field.siblings.resize(r.count());
    for (auto& s : field.siblings) {
      auto index = r.varint();
      if (index >= replicas.size()) r.corrupt();
      s.dot = Dot{replicas[index], r.varint()};
      if (s.dot.counter == 0) r.corrupt();  // every write has a dot: counters start at 1
      if (version == kWholeHlcVersion) {
        s.hlc = Hlc(r.varint());
      } else {
        previous_hlc += static_cast<std::uint64_t>(bytes::unzigzag(r.varint()));
        s.hlc = Hlc(previous_hlc);
      }
      s.value = read_value(r);
    }
  }
  if (!r.done()) r.corrupt();
  return state;
}

}  // namespace fieldsync
