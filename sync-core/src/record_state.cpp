#include "fieldsync/core/record_state.hpp"

#include <algorithm>
#include <cassert>

namespace fieldsync {
namespace {

bool by_dot(const Sibling& a, const Sibling& b) { return a.dot < b.dot; }
// Two copies of one dot may differ in their stamp only (a replica lowered the stamp of its
// own write after learning its clock was wrong, or the server lowered a future stamp:
// docs/architecture.md, "Clocks"). The smaller stamp sorts first and is the one kept, so
// merging stays commutative and replicas converge byte for byte. Stamps only ever go down.
bool by_dot_then_stamp(const Sibling& a, const Sibling& b) {
  if (a.dot != b.dot) return a.dot < b.dot;
  if (a.hlc != b.hlc) return a.hlc < b.hlc;
  return a.value < b.value;  // never differs for a well-formed dot; total order regardless
}
bool same_dot(const Sibling& a, const Sibling& b) { return a.dot == b.dot; }
// A total order, so that even a malformed state with two values for one dot sorts the
// same way everywhere (validate_state refuses such states).
bool canonical_order(const Sibling& a, const Sibling& b) {
  if (a.dot != b.dot) return a.dot < b.dot;
  if (a.value != b.value) return a.value < b.value;
  return a.hlc < b.hlc;
}
bool by_name(const FieldState& a, const FieldState& b) { return a.name < b.name; }

bool holds(const std::vector<Sibling>& siblings, const Dot& dot) {
  return std::binary_search(siblings.begin(), siblings.end(), Sibling{{}, dot, {}}, by_dot);
}

// The siblings of `mine` that survive against `theirs`: those the other side holds too or
// has never seen. One it has seen and no longer holds was overwritten there.
void keep_survivors(const std::vector<Sibling>& mine, const std::vector<Sibling>* theirs,
                    const VersionVector& their_vv, std::vector<Sibling>& out) {
  for (const auto& s : mine) {
    if (!their_vv.contains(s.dot) || (theirs && holds(*theirs, s.dot))) out.push_back(s);
  }
}

std::vector<Sibling> merge_field(const std::vector<Sibling>* a, const VersionVector& a_vv,
                                 const std::vector<Sibling>* b, const VersionVector& b_vv) {
  std::vector<Sibling> out;
  if (a) keep_survivors(*a, b, b_vv, out);
  if (b) keep_survivors(*b, a, a_vv, out);
  std::sort(out.begin(), out.end(), by_dot_then_stamp);
  out.erase(std::unique(out.begin(), out.end(), same_dot), out.end());
  return out;
}

// The general path of merge(): per field, the survivors of both sides.
RecordState merge_fields(const RecordState& a, const RecordState& b) {
  RecordState out;
  out.collection = a.collection;
  out.id = a.id;
  out.vv = a.vv;
  out.vv.merge(b.vv);
  auto ia = a.fields.begin();
  auto ib = b.fields.begin();
  while (ia != a.fields.end() || ib != b.fields.end()) {
    FieldState field;
    if (ib == b.fields.end() || (ia != a.fields.end() && ia->name < ib->name)) {
      field.name = ia->name;
      field.siblings = merge_field(&ia->siblings, a.vv, nullptr, b.vv);
      ++ia;
    } else if (ia == a.fields.end() || ib->name < ia->name) {
      field.name = ib->name;
      field.siblings = merge_field(nullptr, a.vv, &ib->siblings, b.vv);
      ++ib;
    } else {
      field.name = ia->name;
      field.siblings = merge_field(&ia->siblings, a.vv, &ib->siblings, b.vv);
      ++ia;
      ++ib;
    }
    if (!field.siblings.empty()) out.fields.push_back(std::move(field));
  }
  return out;
}

// Last writer wins: the largest (hlc, replica, counter).
bool written_before(const Sibling& a, const Sibling& b) {
  if (a.hlc != b.hlc) return a.hlc < b.hlc;
  return a.dot < b.dot;
}

std::ptrdiff_t stage_rank(const FieldSchema& field, const Sibling& s) {
  const auto* text = std::get_if<std::string>(&s.value);
  if (!text) return -1;
  auto stage = field.stage_of(*text);
  return stage ? static_cast<std::ptrdiff_t>(*stage) : -1;
}

bool is_alive(const Sibling& s) {
  const auto* deleted = std::get_if<bool>(&s.value);
  return !deleted || !*deleted;
}

}  // namespace

bool FieldState::conflicted() const {
  return std::any_of(siblings.begin(), siblings.end(),
                     [&](const Sibling& s) { return s.value != siblings.front().value; });
}

const FieldState* RecordState::field(std::string_view name) const {
  auto it = std::lower_bound(fields.begin(), fields.end(), name,
                             [](const FieldState& f, std::string_view n) { return f.name < n; });
  return it != fields.end() && it->name == name ? &*it : nullptr;
}

bool RecordState::conflicted() const {
  return std::any_of(fields.begin(), fields.end(), [](const FieldState& f) { return f.conflicted(); });
}

void canonicalize(RecordState& state) {
  for (auto& f : state.fields) {
    std::sort(f.siblings.begin(), f.siblings.end(), canonical_order);
    f.siblings.erase(std::unique(f.siblings.begin(), f.siblings.end()), f.siblings.end());
  }
  std::erase_if(state.fields, [](const FieldState& f) { return f.siblings.empty(); });
  std::sort(state.fields.begin(), state.fields.end(), by_name);
}

const FieldState* misplaced_field(const RecordState& state) {
  for (std::size_t i = 1; i < state.fields.size(); ++i) {
    if (!(state.fields[i - 1].name < state.fields[i].name)) return &state.fields[i];
  }
  return nullptr;
}

bool is_canonical(const RecordState& state) {
  if (misplaced_field(state)) return false;
  for (const auto& f : state.fields) {
    if (f.siblings.empty()) return false;
    for (std::size_t j = 1; j < f.siblings.size(); ++j) {
      if (!(f.siblings[j - 1].dot < f.siblings[j].dot)) return false;
    }
  }
  return true;
}

void apply_write(RecordState& state, const Dot& dot, Hlc hlc, const FieldValues& values) {
  state.vv.advance(dot.replica, dot.counter);
  for (const auto& [name, value] : values) {
    auto it = std::lower_bound(state.fields.begin(), state.fields.end(), name,
                               [](const FieldState& f, const std::string& n) { return f.name < n; });
    if (it == state.fields.end() || it->name != name) it = state.fields.insert(it, FieldState{name, {}});
    // This write has seen every current sibling: it replaces them all.
    it->siblings.assign(1, Sibling{value, dot, hlc});
  }
}

RecordState merge(const RecordState& a, const RecordState& b) {
  assert(a.collection == b.collection && a.id == b.id);
  switch (a.vv.compare(b.vv)) {
    // Equal contexts hold the same dots; copies that differ (in a stamp only) meet in the
    // general path, which keeps the smaller stamp whichever side it came from.
    case Causality::kSame: return a == b ? a : merge_fields(a, b);
    case Causality::kNewer: return a;
    case Causality::kOlder: return b;
    case Causality::kConcurrent: break;
  }
  return merge_fields(a, b);
}

const Sibling& resolve(const FieldSchema& field, std::span<const Sibling> siblings) {
  assert(!siblings.empty());
  switch (field.policy) {
    case MergePolicy::kFurthestStage:
      return *std::max_element(siblings.begin(), siblings.end(), [&](const Sibling& x, const Sibling& y) {
        auto rx = stage_rank(field, x);
        auto ry = stage_rank(field, y);
        return rx != ry ? rx < ry : written_before(x, y);
      });
    case MergePolicy::kAliveWins:
      // An edit made offline beats a concurrent delete.
      return *std::max_element(siblings.begin(), siblings.end(), [](const Sibling& x, const Sibling& y) {
        bool ax = is_alive(x);
        bool ay = is_alive(y);
        return ax != ay ? !ax : written_before(x, y);
      });
    case MergePolicy::kLastWriterWins: break;
  }
  return *std::max_element(siblings.begin(), siblings.end(), written_before);
}

std::vector<Value> resolve_all(const CollectionSchema& collection, const RecordState& state) {
  std::vector<Value> values;
  values.reserve(collection.fields.size());
  for (const auto& field : collection.fields) {
    const FieldState* f = state.field(field.name);
    values.push_back(f ? resolve(field, f->siblings).value : Value{});
  }
  return values;
}

}  // namespace fieldsync
