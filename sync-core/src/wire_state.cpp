// The wire form of a RecordState: the protobuf encoding of fieldsync.proto.RecordState
// (shared/fieldsync/record.proto), written and read here directly. Going through the
// generated classes built and freed ~40 messages per record, which was most of the time a
// 100k-record pull spent outside SQLite. The output is what libprotobuf serialises for the
// same message (tests/unit/wire_state_test.cpp checks both directions against it), and the
// reader accepts any valid encoding: fields in any order, unknown fields skipped.
#include "byte_io.hpp"
#include "fieldsync/core/state_codec.hpp"

namespace fieldsync {
namespace wire {  // named: state_bytes.cpp has helpers of the same names (unity builds)
namespace {

using bytes::Reader;
using bytes::varint_size;
using bytes::Writer;

constexpr const char* kMalformed = "a record state is not a valid fieldsync.proto.RecordState";

enum WireType : std::uint8_t { kVarint = 0, kFixed64 = 1, kLength = 2, kFixed32 = 5 };

constexpr std::uint64_t tag(unsigned field, WireType type) { return (field << 3) | type; }

// Field numbers of record.proto.
namespace field {
constexpr unsigned kStateCollection = 1, kStateId = 2, kStateVv = 3, kStateFields = 4;
constexpr unsigned kEntryReplica = 1, kEntryCounter = 2;  // VersionVectorEntry and Dot alike
constexpr unsigned kFieldName = 1, kFieldSiblings = 2;
constexpr unsigned kSiblingValue = 1, kSiblingDot = 2, kSiblingHlc = 3;
constexpr unsigned kValueText = 1, kValueInteger = 2, kValueReal = 3, kValueBoolean = 4;
}  // namespace field

// --- sizes, as protobuf computes them: proto3 leaves out zero scalars and empty strings,
// but always writes a set oneof member and a present sub-message.

std::size_t length_field_size(std::size_t length) { return 1 + varint_size(length) + length; }
std::size_t varint_field_size(std::uint64_t v) { return v ? 1 + varint_size(v) : 0; }
std::size_t text_field_size(std::string_view t) { return t.empty() ? 0 : length_field_size(t.size()); }

std::size_t value_size(const Value& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return 1 + varint_size(bytes::zigzag(*i));
  if (std::holds_alternative<double>(value)) return 1 + 8;
  if (const auto* s = std::get_if<std::string>(&value)) return length_field_size(s->size());
  if (std::holds_alternative<bool>(value)) return 2;
  return 0;
}

std::size_t entry_size(const ReplicaId& replica, std::uint64_t counter) {
  return length_field_size(replica.raw().size()) + varint_field_size(counter);
}

std::size_t sibling_size(const Sibling& s) {
  return length_field_size(value_size(s.value)) + length_field_size(entry_size(s.dot.replica, s.dot.counter)) +
         varint_field_size(s.hlc.packed());
}

std::size_t field_state_size(const FieldState& f) {
  std::size_t n = text_field_size(f.name);
  for (const auto& s : f.siblings) n += length_field_size(sibling_size(s));
  return n;
}

// --- writing

void write_length_tag(Writer& w, unsigned number, std::size_t length) {
  w.varint(tag(number, kLength));
  w.varint(length);
}

void write_text_field(Writer& w, unsigned number, std::string_view t) {
  if (t.empty()) return;
  write_length_tag(w, number, t.size());
  w.raw(t);
}

void write_varint_field(Writer& w, unsigned number, std::uint64_t v) {
  if (!v) return;
  w.varint(tag(number, kVarint));
  w.varint(v);
}

void write_value(Writer& w, const Value& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    w.varint(tag(field::kValueInteger, kVarint));
    w.varint(bytes::zigzag(*i));
  } else if (const auto* d = std::get_if<double>(&value)) {
    w.varint(tag(field::kValueReal, kFixed64));
    w.fixed64(bytes::double_bits(*d));
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    write_length_tag(w, field::kValueText, s->size());
    w.raw(*s);
  } else if (const auto* b = std::get_if<bool>(&value)) {
    w.varint(tag(field::kValueBoolean, kVarint));
    w.byte(*b ? 1 : 0);
  }
}

void write_entry(Writer& w, unsigned number, const ReplicaId& replica, std::uint64_t counter) {
  write_length_tag(w, number, entry_size(replica, counter));
  write_text_field(w, field::kEntryReplica, replica.raw());
  write_varint_field(w, field::kEntryCounter, counter);
}

// --- reading

Uuid read_uuid(Reader& r, const char* what) {
  auto id = Uuid::from_bytes(r.text());
  if (!id) throw Error(ErrorCode::kCorruptData, std::string(what) + " is not 16 bytes");
  return *id;
}

void skip(Reader& r, std::uint64_t key) {
  switch (key & 7) {
    case kVarint: r.varint(); return;
    case kFixed64: r.raw(8); return;
    case kLength: r.text(); return;
    case kFixed32: r.raw(4); return;
    default: r.corrupt();  // groups (3, 4) are not used by record.proto, 6 and 7 do not exist
  }
}

// Reads the fields of one message; `on_field(key, reader)` returns false for fields it does
// not know, which are skipped. A known field number with the wrong wire type is malformed.
template <typename OnField>
void read_message(std::string_view in, OnField&& on_field) {
  Reader r(in, kMalformed);
  while (!r.done()) {
    const std::uint64_t key = r.varint();
    if (!on_field(key, r)) skip(r, key);
  }
}

void expect(Reader& r, std::uint64_t key, WireType type) {
  if ((key & 7) != type) r.corrupt();
}

Value read_value(std::string_view in) {
  Value value;
  read_message(in, [&](std::uint64_t key, Reader& r) {
    switch (key >> 3) {
      case field::kValueText: expect(r, key, kLength); value = std::string(r.text()); return true;
      case field::kValueInteger: expect(r, key, kVarint); value = bytes::unzigzag(r.varint()); return true;
      case field::kValueReal: expect(r, key, kFixed64); value = bytes::bits_double(r.fixed64()); return true;
      case field::kValueBoolean: expect(r, key, kVarint); value = r.varint() != 0; return true;
      default: return false;
    }
  });
  return value;
}

// A VersionVectorEntry or a Dot: the same two fields.
std::pair<ReplicaId, std::uint64_t> read_entry(std::string_view in, const char* what) {
  std::pair<ReplicaId, std::uint64_t> entry;
  bool has_replica = false;
  read_message(in, [&](std::uint64_t key, Reader& r) {
    switch (key >> 3) {
      case field::kEntryReplica: expect(r, key, kLength); entry.first = read_uuid(r, what); has_replica = true; return true;
      case field::kEntryCounter: expect(r, key, kVarint); entry.second = r.varint(); return true;
      default: return false;
    }
  });
  if (!has_replica) throw Error(ErrorCode::kCorruptData, std::string(what) + " is not 16 bytes");
  return entry;
}

Sibling read_sibling(std::string_view in) {
  Sibling sibling;
  read_message(in, [&](std::uint64_t key, Reader& r) {
    switch (key >> 3) {
      case field::kSiblingValue: expect(r, key, kLength); sibling.value = read_value(r.text()); return true;
      case field::kSiblingDot: {
        expect(r, key, kLength);
        auto [replica, counter] = read_entry(r.text(), "dot replica");
        sibling.dot = Dot{replica, counter};
        return true;
      }
      case field::kSiblingHlc: expect(r, key, kVarint); sibling.hlc = Hlc(r.varint()); return true;
      default: return false;
    }
  });
  return sibling;
}

FieldState read_field_state(std::string_view in) {
  FieldState f;
  read_message(in, [&](std::uint64_t key, Reader& r) {
    switch (key >> 3) {
      case field::kFieldName: expect(r, key, kLength); f.name = std::string(r.text()); return true;
      case field::kFieldSiblings: expect(r, key, kLength); f.siblings.push_back(read_sibling(r.text())); return true;
      default: return false;
    }
  });
  // Checked once the name is known: it may follow the siblings on the wire.
  for (const auto& s : f.siblings) {
    if (s.dot.counter == 0) throw Error(ErrorCode::kCorruptData, "field '" + f.name + "': a sibling has no dot");
  }
  return f;
}

}  // namespace

void append(std::string& out, const RecordState& state) {
  Writer w(out);
  write_text_field(w, field::kStateCollection, state.collection);
  write_text_field(w, field::kStateId, state.id.raw());
  for (const auto& [replica, counter] : state.vv.entries()) write_entry(w, field::kStateVv, replica, counter);
  for (const auto& f : state.fields) {
    write_length_tag(w, field::kStateFields, field_state_size(f));
    write_text_field(w, field::kFieldName, f.name);
    for (const auto& s : f.siblings) {
      write_length_tag(w, field::kFieldSiblings, sibling_size(s));
      write_length_tag(w, field::kSiblingValue, value_size(s.value));
      write_value(w, s.value);
      write_entry(w, field::kSiblingDot, s.dot.replica, s.dot.counter);
      write_varint_field(w, field::kSiblingHlc, s.hlc.packed());
    }
  }
}

RecordState decode(std::string_view in) {
  RecordState state;
  bool has_id = false;
  read_message(in, [&](std::uint64_t key, Reader& r) {
    switch (key >> 3) {
      case field::kStateCollection: expect(r, key, kLength); state.collection = std::string(r.text()); return true;
      case field::kStateId: expect(r, key, kLength); state.id = read_uuid(r, "record id"); has_id = true; return true;
      case field::kStateVv: {
        expect(r, key, kLength);
        auto [replica, counter] = read_entry(r.text(), "replica id");
        state.vv.advance(replica, counter);
        return true;
      }
      case field::kStateFields: expect(r, key, kLength); state.fields.push_back(read_field_state(r.text())); return true;
      default: return false;
    }
  });
  if (!has_id) throw Error(ErrorCode::kCorruptData, "record id is not 16 bytes");
  canonicalize(state);
  // Sorted by name now, so a misplaced field is one named twice.
  if (const FieldState* twice = misplaced_field(state)) {
    throw Error(ErrorCode::kCorruptData, "field '" + twice->name + "' appears twice in one record state");
  }
  return state;
}

}  // namespace wire

void append_wire_state(std::string& out, const RecordState& state) { wire::append(out, state); }

std::string encode_wire_state(const RecordState& state) {
  std::string out;
  wire::append(out, state);
  return out;
}

RecordState decode_wire_state(std::string_view in) { return wire::decode(in); }

}  // namespace fieldsync
