#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/record_state.hpp"
#include "fieldsync/core/schema.hpp"

namespace fieldsync::server {

// The schema's rules on a pushed record, judged on the state the merge would store (the
// stored state merged with the pushed one), whoever pushes it: a phone checks them before
// it writes, and the server checks them again because a client is not to be trusted to.
// Scope (who may write what) is ScopePolicy's; these helpers know nothing of users.

// Whether `state` is a tombstone (its `_deleted` field shows true).
bool is_tombstone(const CollectionSchema& collection, const RecordState& state);

// An alive record whose required field shows no value (absent, or NULL): Error
// kMissingField naming the field. Tombstones are exempt: a delete keeps no promises.
std::optional<Error> missing_required_field(const CollectionSchema& collection, const RecordState& merged);

// Whether the write brings `field_name` a value `stored` does not hold (a sibling with a dot
// it lacks). A new record (stored == nullptr) writes every field it has.
bool writes_field(const RecordState& merged, const RecordState* stored, std::string_view field_name);

// A reference the write brings: a new sibling of a reference field, naming `target`.
struct WrittenReference {
  const FieldSchema* field = nullptr;
  RecordId target;
};

// The references the write brings, in field order. NULL siblings name nothing and are left
// out; values that are not UUIDs cannot occur (validate_state refused them).
std::vector<WrittenReference> written_references(const CollectionSchema& collection, const RecordState& merged,
                                                 const RecordState* stored);

// Reorders a pushed batch for merging so that a referenced record comes before the records
// that reference it (customers before their orders, orders before their lines), stable
// within a collection; `origin` (each state's index in the push) is reordered alike. A
// phone's outbox is ordered by each record's latest edit: a customer edited after its
// visit was logged comes after the visit.
void put_parents_first(const Schema& schema, std::vector<RecordState>& states, std::vector<std::size_t>& origin);

}  // namespace fieldsync::server
