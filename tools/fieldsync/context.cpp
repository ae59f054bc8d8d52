#include "context.hpp"

#include <algorithm>
#include <filesystem>

namespace fieldsync::cli {

Replica Context::open_existing() const {
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec)) {
    throw Error(ErrorCode::kNotFound,
                "no replica at '" + db_path + "' (create one with: fieldsync --db " + db_path + " init)");
  }
  return open_or_create();
}

Replica Context::open_or_create() const { return Replica::open(db_path, Schema::domain()); }

RecordId parse_record_id(std::string_view text) {
  auto id = Uuid::parse(text);
  // The nil id would be accepted locally but refused by every other replica.
  if (!id || id->is_nil()) {
    throw Error(ErrorCode::kInvalidArgument,
                "'" + std::string(text) + "' is not a record id (expected a UUID like 0190a6f2-7c1e-7b3d-9a41-2f5c8e1d4b60)");
  }
  return *id;
}

const FieldSchema& readable_field(const CollectionSchema& collection, std::string_view name) {
  if (const FieldSchema* field = collection.field(name)) return *field;
  std::string known;
  for (const auto& f : collection.fields) {
    if (f.name != kDeletedField) known += (known.empty() ? "" : ", ") + f.name;
  }
  throw Error(ErrorCode::kUnknownField, "collection '" + collection.name + "' has no field '" + std::string(name) +
                                            "' (fields: " + known + ")");
}

const FieldSchema& writable_field(const CollectionSchema& collection, std::string_view name) {
  if (name == kDeletedField) {
    throw Error(ErrorCode::kReadOnly, "field '_deleted' is written by `delete`, not by an edit");
  }
  return readable_field(collection, name);
}

std::pair<std::string, std::string> split_assignment(std::string_view text) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw Error(ErrorCode::kInvalidArgument, "'" + std::string(text) + "' is not of the form field=value");
  }
  return {std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

FieldValues parse_assignments(const CollectionSchema& collection, const std::vector<std::string>& assignments) {
  FieldValues values;
  values.reserve(assignments.size());
  for (const auto& assignment : assignments) {
    auto [name, text] = split_assignment(assignment);
    const FieldSchema& field = writable_field(collection, name);
    bool repeated = std::any_of(values.begin(), values.end(), [&](const auto& v) { return v.first == name; });
    if (repeated) throw Error(ErrorCode::kInvalidArgument, "field '" + name + "' is given twice");
    values.emplace_back(name, parse_value(field, text));
  }
  return values;
}

}  // namespace fieldsync::cli
