#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/record_state.hpp"
#include "fieldsync/core/schema.hpp"

namespace fieldsync {

// The sales rules of the schema (schema_rules.hpp) applied to one write. The server judges
// every pushed record by them; the app and the CLI judge a write before they make it and
// offer only the moves a role may make. One implementation, so the three never disagree.

// How far one write may move a lifecycle field.
enum class MoveReach {
  kOneMove,  // an edit made here and now: one declared move (the app, the CLI)
  // A pushed state: a phone that was offline pushes only where a record ended up, so any
  // chain of moves the role may make is accepted (the server; a new record anywhere).
  kChain,
};

// Why the rules refuse the write that takes `before` (nullptr: a new record) to `after`, made
// by a user with `role`: Error(kRuleBroken) saying which rule in words; nullopt if allowed.
// `after` is the state the write leaves (the stored state merged with the pushed one). Each
// new value is judged against the values it replaced (the siblings of `before` that `after`
// no longer holds). A value written beside concurrent ones whose base is gone (a phone
// offline while the record moved on) must lie on a declared path to or from one of them; it
// stays as a sibling for a supervisor to settle.
std::optional<Error> rule_refusal(const Schema& schema, const CollectionSchema& collection, std::string_view role,
                                  const RecordState* before, const RecordState& after, MoveReach reach);

// Why a field declared `names_user` is given a value that names nobody (`is_user` says who
// exists), or nullopt. Only values the write brings are judged: a user removed later leaves
// the records that name them as they are.
std::optional<Error> unknown_user_refusal(const CollectionSchema& collection, const RecordState* before,
                                          const RecordState& after,
                                          const std::function<bool(std::string_view)>& is_user);

// Why `role` may not write `collection` at all (its write_roles), or nullopt: asked first,
// before anything about the record is looked at.
std::optional<Error> collection_refusal(const CollectionSchema& collection, std::string_view role);

// A move a role may make now, for the app to offer.
struct Move {
  std::string to;
  bool back = false;          // to an earlier stage
  bool needs_reason = false;  // the write must give the lifecycle's reason field a value
  std::vector<std::string> requires_fields;
};

// The shown value of a field of the record, as text (conditions read it); empty for none.
using ShownText = std::function<std::string(std::string_view field)>;

// The moves `role` may make on `field` from its shown stage `from` ("" for a new record), in
// the order of the field's values.
std::vector<Move> moves_from(const FieldSchema& field, std::string_view from, std::string_view role,
                             const ShownText& shown);

// Whether `role` may delete a record showing these values.
bool may_delete(const CollectionSchema& collection, std::string_view role, const ShownText& shown);
// Whether `role` may change `field` of an existing record (change_roles, write_roles).
bool may_change(const CollectionSchema& collection, const FieldSchema& field, std::string_view role);

// The defaults of the fields a create leaves out or empty, set in `values`: literals, today's date
// (`today`, YYYY-MM-DD) and the creating user's name.
void add_defaults(const CollectionSchema& collection, FieldValues& values, std::string_view user,
                  std::string_view today);

}  // namespace fieldsync
