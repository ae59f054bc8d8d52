#pragma once

#include <compare>
#include <cstdint>
#include <utility>
#include <vector>

#include "fieldsync/core/uuid.hpp"

namespace fieldsync {

using ReplicaId = Uuid;

// Names one write: the `counter`th write of `replica`.
struct Dot {
  ReplicaId replica;
  std::uint64_t counter = 0;

  friend auto operator<=>(const Dot&, const Dot&) = default;
};

enum class Causality { kSame, kOlder, kNewer, kConcurrent };

// replica -> highest counter seen: the causal context of one copy of a record.
// Entries are kept sorted by replica, so equal vectors are equal entry for entry.
class VersionVector {
 public:
  using Entry = std::pair<ReplicaId, std::uint64_t>;

  VersionVector() = default;

  std::uint64_t get(const ReplicaId& replica) const;
  // Sets replica's counter; a smaller value than the current one is ignored.
  void advance(const ReplicaId& replica, std::uint64_t counter);
  // Forgets a replica: the context then claims none of its writes (never loses a write:
  // siblings it no longer covers survive merges as concurrent ones).
  void erase(const ReplicaId& replica);
  bool contains(const Dot& dot) const { return dot.counter <= get(dot.replica); }

  // How *this relates to other: kOlder means other has seen everything *this has, and more.
  Causality compare(const VersionVector& other) const;
  bool dominated_by(const VersionVector& other) const {
    auto c = compare(other);
    return c == Causality::kSame || c == Causality::kOlder;
  }
  // Pointwise maximum.
  void merge(const VersionVector& other);

  const std::vector<Entry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }

  friend bool operator==(const VersionVector&, const VersionVector&) = default;

 private:
  std::vector<Entry> entries_;
};

}  // namespace fieldsync
