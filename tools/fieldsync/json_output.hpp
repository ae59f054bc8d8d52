#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "fieldsync/core/replica.hpp"

namespace fieldsync::cli {

// JSON forms of the engine's values, shared by every command's --json output and by
// `dump`. Values are typed: NULL is null, booleans, integers and reals are JSON
// scalars, money is the exact decimal text ("1234.50"), everything else a string.

// `field` may be null for a field the schema no longer declares: the raw value is used.
nlohmann::json value_to_json(const FieldSchema* field, const Value& value);
// {"value", "replica", "counter", "hlc", "time"}: one concurrent value and its write.
nlohmann::json sibling_to_json(const FieldSchema* field, const Sibling& sibling);
// {replica id: counter}.
nlohmann::json version_vector_to_json(const VersionVector& vv);

// The replicated content of a record and nothing local to a replica, so that replicas
// that have seen the same writes render identical JSON: collection, id, resolved values,
// version vector and the siblings of every field.
nlohmann::json state_to_json(const CollectionSchema& collection, const RecordState& state);
// state_to_json plus this replica's view: deleted, pending, the fields in conflict.
nlohmann::json record_to_json(const Record& record);
nlohmann::json conflict_to_json(const Schema& schema, const Conflict& conflict);

// 2-space indented with sorted keys, ending in a newline. Bytes that are not UTF-8 are
// replaced rather than thrown on, so odd imported text never aborts an export.
std::string to_pretty_json(const nlohmann::json& json);

}  // namespace fieldsync::cli
