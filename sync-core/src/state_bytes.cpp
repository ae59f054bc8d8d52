// The storage encodings of a RecordState. Protobuf (record.proto) stays the wire format;
// storage has its own, because states are encoded and decoded on every write and merge:
// building and freeing ~40 protobuf messages per record was a third of the merge time,
// and repeating each sibling's 16-byte replica id made the stored rows twice as large.
//
// Format 2, self-contained (encode_state; replicas wrote it in `_state` until format 3):
//   state   := version(=2) collection id:16 vv fields
//   vv      := n (replica:16 counter)*n                 replicas in canonical order
//   fields  := n (name sibling_count sibling*)*n
//   sibling := replica_index counter hlc_delta value    replica_index into vv
//   hlc_delta := zigzag(hlc - the previous sibling's hlc in this state; 0 before the first)
// The fields of one edit share their stamp, so most deltas are one byte instead of nine.
// Version 1 (read, no longer written) stored each hlc whole.
//   value   := tag [payload]   0 null | 1 integer zigzag | 2 real 8 bytes LE | 3 text | 4 false | 5 true
//
// Format 3, inside its row (encode_row_state): what the row holds is left out. The table
// names the collection, the id column the id, and the typed column of a field with one
// sibling holds that sibling's value (text and integers; the rest is a byte or two inline).
// A customer's state shrinks from ~300 bytes to ~70, and the row no longer stores its
// values twice.
//   row_state := version(=3) vv n field*n
//   field   := ref sibling_count sibling*
//   ref     := 0 name | column+1                        column: position in the RowLayout
//   value   := as above, or 6: the field's column holds it (only a single sibling)
// Numbers are LEB128 varints; strings are a varint length and the bytes.
#include <algorithm>

#include "byte_io.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "row_state.hpp"

namespace fieldsync {
namespace {

constexpr std::uint8_t kFormatVersion = 2;
constexpr std::uint8_t kWholeHlcVersion = 1;
constexpr std::uint8_t kRowFormatVersion = 3;

enum ValueTag : std::uint8_t { kNull = 0, kInteger = 1, kReal = 2, kText = 3, kFalse = 4, kTrue = 5, kInColumn = 6 };

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

void write_vv(Writer& w, const VersionVector& vv) {
  w.varint(vv.entries().size());
  for (const auto& [replica, counter] : vv.entries()) {
    w.raw(replica.raw());
    w.varint(counter);
  }
}

std::vector<ReplicaId> read_vv(Reader& r, VersionVector& vv) {
  std::vector<ReplicaId> replicas(r.count());
  for (auto& replica : replicas) {
    replica = read_uuid(r);
    vv.advance(replica, r.varint());
  }
  if (vv.entries().size() != replicas.size()) r.corrupt();  // repeated or zero entries
  return replicas;
}

// Writes one field's siblings; `in_column` leaves a lone sibling's value to its column.
void write_siblings(Writer& w, const RecordState& state, const FieldState& field, std::uint64_t& previous_hlc,
                    bool in_column) {
  w.varint(field.siblings.size());
  for (const auto& s : field.siblings) {
    w.varint(replica_index(state.vv, s.dot.replica));
    w.varint(s.dot.counter);
    w.varint(bytes::zigzag(static_cast<std::int64_t>(s.hlc.packed() - previous_hlc)));
    previous_hlc = s.hlc.packed();
    if (in_column) {
      w.byte(kInColumn);
    } else {
      write_value(w, s.value);
    }
  }
}

// Where a kInColumn value comes from: the field's column of the row being decoded.
struct ColumnSource {
  const RowColumns* columns = nullptr;  // none: the format has no column values
  std::size_t column = 0;
};

// Reads one field's siblings.
void read_siblings(Reader& r, std::uint8_t version, const std::vector<ReplicaId>& replicas, FieldState& field,
                   std::uint64_t& previous_hlc, ColumnSource source) {
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
    if (version == kRowFormatVersion && r.peek() == kInColumn) {
      r.byte();
      // Only a lone sibling's value lives in the column, and never NULL.
      if (!source.columns || field.siblings.size() != 1) r.corrupt();
      auto value = source.columns->value(source.column);
      if (!value) r.corrupt();
      s.value = std::move(*value);
    } else {
      s.value = read_value(r);
    }
  }
}

}  // namespace

RowLayout::RowLayout(std::vector<Column> columns) : columns_(std::move(columns)) {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].written) written_by_name_.push_back(i);
  }
  std::sort(written_by_name_.begin(), written_by_name_.end(),
            [&](std::size_t a, std::size_t b) { return columns_[a].name < columns_[b].name; });
}

std::optional<std::size_t> RowLayout::written_column(std::string_view field) const {
  auto it = std::lower_bound(written_by_name_.begin(), written_by_name_.end(), field,
                             [&](std::size_t column, std::string_view name) { return columns_[column].name < name; });
  if (it == written_by_name_.end() || columns_[*it].name != field) return std::nullopt;
  return *it;
}

bool RowLayout::holds(std::size_t column, const Value& value) const {
  switch (columns_.at(column).holds) {
    case Holds::kText: return std::holds_alternative<std::string>(value);
    case Holds::kIntegers: return std::holds_alternative<std::int64_t>(value);
    case Holds::kNothing: return false;
  }
  return false;
}

std::string encode_state(const RecordState& state) {
  std::string out;
  out.reserve(64 + state.fields.size() * 40);
  Writer w(out);
  w.byte(kFormatVersion);
  w.text(state.collection);
  w.raw(state.id.raw());
  write_vv(w, state.vv);
  w.varint(state.fields.size());
  std::uint64_t previous_hlc = 0;
  for (const auto& field : state.fields) {
    w.text(field.name);
    write_siblings(w, state, field, previous_hlc, false);
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
  const auto replicas = read_vv(r, state.vv);
  state.fields.resize(r.count());
  std::uint64_t previous_hlc = 0;
  for (auto& field : state.fields) {
    field.name = std::string(r.text());
    read_siblings(r, version, replicas, field, previous_hlc, {});
  }
  if (!r.done()) r.corrupt();
  // Written canonical: a field out of order or named twice is damage, and would not
  // encode back to these bytes.
  if (const FieldState* misplaced = misplaced_field(state)) {
    throw Error(ErrorCode::kCorruptData, "stored state: field '" + misplaced->name + "' appears twice or out of order");
  }
  return state;
}

std::string encode_row_state(const RecordState& state, const RowLayout& layout) {
  std::string out;
  out.reserve(32 + state.fields.size() * 8);
  Writer w(out);
  w.byte(kRowFormatVersion);
  write_vv(w, state.vv);
  w.varint(state.fields.size());
  std::uint64_t previous_hlc = 0;
  for (const auto& field : state.fields) {
    const auto column = layout.written_column(field.name);
    if (column) {
      w.varint(*column + 1);
    } else {
      w.byte(0);
      w.text(field.name);
    }
    const bool in_column = column && field.siblings.size() == 1 && layout.holds(*column, field.siblings.front().value);
    write_siblings(w, state, field, previous_hlc, in_column);
  }
  return out;
}

RecordState decode_row_state(std::string_view bytes, std::string_view collection, const RecordId& id,
                             const RowLayout& layout, const RowColumns& columns) {
  Reader r(bytes, kCorrupt);
  if (r.peek() != kRowFormatVersion) {
    RecordState state = decode_state(bytes);  // a row written before format 3
    if (state.collection != collection || state.id != id) r.corrupt();
    return state;
  }
  r.byte();
  RecordState state;
  state.collection = std::string(collection);
  state.id = id;
  const auto replicas = read_vv(r, state.vv);
  state.fields.resize(r.count());
  std::uint64_t previous_hlc = 0;
  for (auto& field : state.fields) {
    const auto ref = r.varint();
    ColumnSource source;
    if (ref == 0) {
      field.name = std::string(r.text());
    } else {
      if (ref > layout.columns().size()) r.corrupt();
      field.name = layout.columns()[ref - 1].name;
      source = {&columns, static_cast<std::size_t>(ref - 1)};
    }
    // Stored states are canonical: a field out of order or twice is a tampered row, and
    // would be named by a column the next store encodes differently.
    if (&field != &state.fields.front() && !((&field - 1)->name < field.name)) r.corrupt();
    read_siblings(r, kRowFormatVersion, replicas, field, previous_hlc, source);
  }
  if (!r.done()) r.corrupt();
  return state;
}

}  // namespace fieldsync
