#include "fieldsync/core/causal_check.hpp"

#include <algorithm>
#include <string>

namespace fieldsync {
namespace {

const Sibling* find_sibling(const FieldState* field, const Dot& dot) {
  if (!field) return nullptr;
  auto it = std::lower_bound(field->siblings.begin(), field->siblings.end(), dot,
                             [](const Sibling& s, const Dot& d) { return s.dot < d; });
  return it != field->siblings.end() && it->dot == dot ? &*it : nullptr;
}

std::string write_text(const Dot& dot) {
  return "write " + std::to_string(dot.counter) + " of replica " + dot.replica.to_string();
}

Error unverified(const std::string& what) { return Error(ErrorCode::kUnverifiedHistory, what); }

}  // namespace

std::optional<Error> check_pushed_history(const RecordState& incoming, const RecordState* stored,
                                          const ReplicaId& pusher, std::uint64_t max_counter) {
  static const RecordState kNothing;
  const RecordState& known = stored ? *stored : kNothing;
  const std::uint64_t own = incoming.vv.get(pusher);
  if (own > max_counter) {
    return unverified("this replica's counter " + std::to_string(own) + " is beyond the bound " +
                      std::to_string(max_counter));
  }
  // What the pusher claims to have seen of others: no more than the server has of this
  // record. More would make their writes still to come look old, and the merge drop them.
  for (const auto& [replica, counter] : incoming.vv.entries()) {
    if (replica == pusher || counter <= known.vv.get(replica)) continue;
    return unverified("the record carries writes up to " + std::to_string(counter) + " of replica " +
                      replica.to_string() + " that the server does not hold (it holds up to " +
                      std::to_string(known.vv.get(replica)) +
                      "): that replica has to sync them itself first (changes relayed through files, or a "
                      "server restored from a backup or that collected the record)");
  }
  // With the claims above bounded, the only way to be newer than the stored state is a
  // larger entry of the pusher: then the merge keeps every incoming sibling.
  const bool incoming_wins = known.vv.compare(incoming.vv) == Causality::kOlder;
  if (own > known.vv.get(pusher)) {
    const Dot latest{pusher, own};
    const bool carried = std::any_of(incoming.fields.begin(), incoming.fields.end(),
                                     [&](const FieldState& f) { return find_sibling(&f, latest) != nullptr; });
    if (!carried) return unverified("the record claims " + write_text(latest) + " but carries no value of it");
  }
  for (const auto& field : incoming.fields) {
    const FieldState* held = known.field(field.name);
    for (const auto& sibling : field.siblings) {
      const Sibling* same = find_sibling(held, sibling.dot);
      if (same) {
        if (*same == sibling) continue;
        return unverified("field '" + field.name + "' carries " + write_text(sibling.dot) +
                          " with another value or time stamp than the server holds for it");
      }
      if (sibling.dot.replica == pusher) continue;  // a write of its own
      // Another replica's write the server does not hold: seen and overwritten there (the
      // bound above makes it so); only a merge that keeps the server's side drops it.
      if (incoming_wins) {
        return unverified("field '" + field.name + "' carries " + write_text(sibling.dot) +
                          ", which the server holds as overwritten");
      }
    }
  }
  // A write the server holds goes only under a write over it: the pusher's, in that field.
  for (const auto& field : known.fields) {
    const FieldState* mine = incoming.field(field.name);
    bool overwritten_here = false;
    if (mine) {
      overwritten_here = std::any_of(mine->siblings.begin(), mine->siblings.end(), [&](const Sibling& s) {
        return s.dot.replica == pusher && !known.vv.contains(s.dot);
      });
    }
    if (overwritten_here) continue;
    for (const auto& sibling : field.siblings) {
      if (incoming.vv.contains(sibling.dot) && !find_sibling(mine, sibling.dot)) {
        return unverified("field '" + field.name + "' drops " + write_text(sibling.dot) +
                          " without a write of this replica over it");
      }
    }
  }
  return std::nullopt;
}

}  // namespace fieldsync
