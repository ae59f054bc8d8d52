// The storage encoding of a RecordState. Protobuf (record.proto) stays the wire format;
// storage has its own, because states are encoded and decoded on every write and merge:
// building and freeing ~40 protobuf messages per record was a third of the merge time,
// and repeating each sibling's 16-byte replica id made the stored rows twice as large.
//
//   state   := version(=1) collection id:16 vv fields
//   vv      := n (replica:16 counter)*n                 replicas in canonical order
//   fields  := n (name sibling_count sibling*)*n
//   sibling := replica_index counter hlc value          replica_index into vv
//   value   := tag [payload]   0 null | 1 integer zigzag | 2 real 8 bytes LE | 3 text | 4 false | 5 true
// Numbers are LEB128 varints; strings are a varint length and the bytes.
#include <cstring>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/state_codec.hpp"

namespace fieldsync {
namespace {

constexpr std::uint8_t kFormatVersion = 1;

enum ValueTag : std::uint8_t { kNull = 0, kInteger = 1, kReal = 2, kText = 3, kFalse = 4, kTrue = 5 };

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void byte(std::uint8_t b) { out_.push_back(static_cast<char>(b)); }
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      byte(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    byte(static_cast<std::uint8_t>(v));
  }
  void bytes(std::string_view b) { out_.append(b); }
  void text(std::string_view t) {
    varint(t.size());
    bytes(t);
  }

 private:
  std::string& out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  std::uint8_t byte() {
    need(1);
    auto b = static_cast<std::uint8_t>(in_[pos_]);
    ++pos_;
    return b;
  }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      std::uint8_t b = byte();
      v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    corrupt();
  }
  std::string_view bytes(std::size_t n) {
    need(n);
    auto b = in_.substr(pos_, n);
    pos_ += n;
    return b;
  }
  std::string_view text() { return bytes(varint()); }
  // A count that cannot exceed the bytes left: guards allocations against corrupt input.
  std::size_t count() {
    auto n = varint();
    if (n > in_.size() - pos_) corrupt();
    return static_cast<std::size_t>(n);
  }
  bool done() const { return pos_ == in_.size(); }
  [[noreturn]] static void corrupt() { throw Error(ErrorCode::kCorruptData, "a stored record state does not decode"); }

 private:
  void need(std::size_t n) const {
    if (n > in_.size() - pos_) corrupt();
  }

  std::string_view in_;
  std::size_t pos_ = 0;
};

void write_value(Writer& w, const Value& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    w.byte(kInteger);
    w.varint((static_cast<std::uint64_t>(*i) << 1) ^ static_cast<std::uint64_t>(*i >> 63));
  } else if (const auto* d = std::get_if<double>(&value)) {
    w.byte(kReal);
    std::uint64_t bits = 0;
    std::memcpy(&bits, d, sizeof bits);
    for (int k = 0; k < 8; ++k) w.byte(static_cast<std::uint8_t>(bits >> (8 * k)));
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
    case kInteger: {
      std::uint64_t z = r.varint();
      return static_cast<std::int64_t>((z >> 1) ^ (0 - (z & 1)));
    }
    case kReal: {
      std::uint64_t bits = 0;
      auto raw = r.bytes(8);
      for (int k = 0; k < 8; ++k) bits |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(raw[k])) << (8 * k);
      double d = 0;
      std::memcpy(&d, &bits, sizeof d);
      return d;
    }
    case kText: return std::string(r.text());
    case kFalse: return false;
    case kTrue: return true;
    default: Reader::corrupt();
  }
}

std::size_t replica_index(const VersionVector& vv, const ReplicaId& replica) {
  const auto& entries = vv.entries();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].first == replica) return i;
  }
  throw Error(ErrorCode::kCorruptData, "a sibling's replica is missing from the version vector");
}

Uuid read_uuid(Reader& r) { return *Uuid::from_bytes(r.bytes(16)); }

}  // namespace

std::string encode_state(const RecordState& state) {
  std::string out;
  out.reserve(64 + state.fields.size() * 40);
  Writer w(out);
  w.byte(kFormatVersion);
  w.text(state.collection);
  w.bytes(state.id.raw());
  w.varint(state.vv.entries().size());
  for (const auto& [replica, counter] : state.vv.entries()) {
    w.bytes(replica.raw());
    w.varint(counter);
  }
  w.varint(state.fields.size());
  for (const auto& field : state.fields) {
    w.text(field.name);
    w.varint(field.siblings.size());
    for (const auto& s : field.siblings) {
      w.varint(replica_index(state.vv, s.dot.replica));
      w.varint(s.dot.counter);
      w.varint(s.hlc.packed());
      write_value(w, s.value);
    }
  }
  return out;
}

RecordState decode_state(std::string_view bytes) {
  Reader r(bytes);
  if (r.byte() != kFormatVersion) Reader::corrupt();
  RecordState state;
  state.collection = std::string(r.text());
  state.id = read_uuid(r);
  std::vector<ReplicaId> replicas(r.count());
  for (auto& replica : replicas) {
    replica = read_uuid(r);
    state.vv.advance(replica, r.varint());
  }
  if (state.vv.entries().size() != replicas.size()) Reader::corrupt();  // repeated or zero entries
  state.fields.resize(r.count());
  for (auto& field : state.fields) {
    field.name = std::string(r.text());
    field.siblings.resize(r.count());
    for (auto& s : field.siblings) {
      auto index = r.varint();
      if (index >= replicas.size()) Reader::corrupt();
      s.dot = Dot{replicas[index], r.varint()};
      s.hlc = Hlc(r.varint());
      s.value = read_value(r);
    }
  }
  if (!r.done()) Reader::corrupt();
  return state;
}

}  // namespace fieldsync
