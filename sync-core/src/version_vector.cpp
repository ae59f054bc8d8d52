#include "fieldsync/core/version_vector.hpp"

#include <algorithm>

namespace fieldsync {
namespace {

auto lower_bound_of(const std::vector<VersionVector::Entry>& entries, const ReplicaId& replica) {
  return std::lower_bound(entries.begin(), entries.end(), replica,
                          [](const VersionVector::Entry& e, const ReplicaId& r) { return e.first < r; });
}

}  // namespace

std::uint64_t VersionVector::get(const ReplicaId& replica) const {
  auto it = lower_bound_of(entries_, replica);
  return it != entries_.end() && it->first == replica ? it->second : 0;
}

void VersionVector::advance(const ReplicaId& replica, std::uint64_t counter) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), replica,
                             [](const Entry& e, const ReplicaId& r) { return e.first < r; });
  if (it != entries_.end() && it->first == replica) {
    it->second = std::max(it->second, counter);
  } else if (counter > 0) {
    entries_.insert(it, {replica, counter});
  }
}

void VersionVector::erase(const ReplicaId& replica) {
  auto it = lower_bound_of(entries_, replica);
  if (it != entries_.end() && it->first == replica) entries_.erase(it);
}

Causality VersionVector::compare(const VersionVector& other) const {
  bool some_less = false;     // other has seen something *this has not
  bool some_greater = false;  // *this has seen something other has not
  auto a = entries_.begin();
  auto b = other.entries_.begin();
  while (a != entries_.end() || b != other.entries_.end()) {
    if (b == other.entries_.end() || (a != entries_.end() && a->first < b->first)) {
      some_greater = true;
      ++a;
    } else if (a == entries_.end() || b->first < a->first) {
      some_less = true;
      ++b;
    } else {
      if (a->second < b->second) some_less = true;
      if (a->second > b->second) some_greater = true;
      ++a;
      ++b;
    }
  }
  if (some_less && some_greater) return Causality::kConcurrent;
  if (some_less) return Causality::kOlder;
  if (some_greater) return Causality::kNewer;
  return Causality::kSame;
}

void VersionVector::merge(const VersionVector& other) {
  std::vector<Entry> merged;
  merged.reserve(entries_.size() + other.entries_.size());
  auto a = entries_.begin();
  auto b = other.entries_.begin();
  while (a != entries_.end() || b != other.entries_.end()) {
    if (b == other.entries_.end() || (a != entries_.end() && a->first < b->first)) {
      merged.push_back(*a++);
    } else if (a == entries_.end() || b->first < a->first) {
      merged.push_back(*b++);
    } else {
      merged.emplace_back(a->first, std::max(a->second, b->second));
      ++a;
      ++b;
    }
  }
  entries_ = std::move(merged);
}

}  // namespace fieldsync
