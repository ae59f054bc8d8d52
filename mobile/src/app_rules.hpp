#pragma once

// What the app asks of the shared sales rules (sync-core write_rules.hpp): who the user is,
// and a record's values as the rules read them. The rules themselves live in the schema.

#include <string>

#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/write_rules.hpp"

namespace fieldsync::app {

// The user's role as the server's last welcome named it (the replica judges local writes
// for it); "" before the first sync.
std::string signed_in_role(const Replica& replica);
// The record's shown values, as text, for the rules' conditions. `record` must outlive it.
ShownText shown_values(const Record& record);
// The field of `collection` that follows a lifecycle (an order's or ticket's status), or nullptr.
const FieldSchema* lifecycle_field(const CollectionSchema& collection);

}  // namespace fieldsync::app
