#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fieldsync/core/replica.hpp"

namespace fieldsync::cli {

// The global options every command sees, filled in by the command-line parser.
struct Context {
  std::string db_path;
  bool json = false;

  // Opens the replica at db_path. Throws Error(kNotFound) when there is none, so that a
  // mistyped path does not silently create an empty replica; only `init` creates one.
  Replica open_existing() const;
  Replica open_or_create() const;
};

// A record id as typed by a user; throws Error(kInvalidArgument) unless it is a UUID.
RecordId parse_record_id(std::string_view text);

// The named field of `collection` (including `_deleted`); throws Error(kUnknownField)
// naming the field and listing the collection's fields.
const FieldSchema& readable_field(const CollectionSchema& collection, std::string_view name);
// The named field of `collection`, for writing: throws Error naming the field when the
// collection has no such field or when it is the engine's `_deleted`.
const FieldSchema& writable_field(const CollectionSchema& collection, std::string_view name);

// Splits "field=value" at the first '='; throws Error(kInvalidArgument) without one.
std::pair<std::string, std::string> split_assignment(std::string_view text);

// "field=value" arguments parsed with each field's schema ("field=" is NULL). Throws
// Error naming the field for an unknown field, a bad value or a field given twice.
FieldValues parse_assignments(const CollectionSchema& collection, const std::vector<std::string>& assignments);

}  // namespace fieldsync::cli
