#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fieldsync/core/hlc.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/core/value.hpp"
#include "fieldsync/core/version_vector.hpp"

namespace fieldsync {

using RecordId = Uuid;
using FieldValues = std::vector<std::pair<std::string, Value>>;

// One concurrent value of a field, with the write that set it.
struct Sibling {
  Value value;
  Dot dot;
  Hlc hlc;

  friend bool operator==(const Sibling&, const Sibling&) = default;
};

struct FieldState {
  std::string name;
  std::vector<Sibling> siblings;  // sorted by dot

  // Concurrent writes that disagree: a conflict for review.
  bool conflicted() const;

  friend bool operator==(const FieldState&, const FieldState&) = default;
};

// The replicated state of one record: causal context plus per-field siblings.
// Canonical form: fields sorted by name, siblings by dot; see canonicalize().
struct RecordState {
  std::string collection;
  RecordId id;
  VersionVector vv;
  std::vector<FieldState> fields;

  const FieldState* field(std::string_view name) const;
  bool conflicted() const;

  friend bool operator==(const RecordState&, const RecordState&) = default;
};

// Sorts fields and siblings into canonical order, drops exact duplicate siblings and fields
// without siblings.
void canonicalize(RecordState& state);
// Fields strictly by name, each with siblings strictly by dot.
bool is_canonical(const RecordState& state);
// The first field whose name does not come strictly after the one before it (a field named
// twice, or out of order), or nullptr. Decoders refuse such states: two entries of one
// field have no canonical order, so the state would not encode to one set of bytes.
const FieldState* misplaced_field(const RecordState& state);

// Records a local write: vv[dot.replica] = dot.counter, and every written field's siblings
// are replaced by the one new value. The caller includes `_deleted` in `values`.
void apply_write(RecordState& state, const Dot& dot, Hlc hlc, const FieldValues& values);

// The multi-value-register merge of DESIGN.md, per field. Commutative, associative and
// idempotent; both inputs must be canonical and name the same record.
RecordState merge(const RecordState& a, const RecordState& b);

// The sibling a field shows, chosen by the field's policy: a pure function of the set,
// so every replica shows the same value. `siblings` must not be empty.
const Sibling& resolve(const FieldSchema& field, std::span<const Sibling> siblings);

// The resolved value of every field of `collection`, in schema order (NULL where the
// state has no siblings).
std::vector<Value> resolve_all(const CollectionSchema& collection, const RecordState& state);

}  // namespace fieldsync
