#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fieldsync/core/schema_rules.hpp"
#include "fieldsync/core/value.hpp"

namespace fieldsync {

enum class FieldType { kText, kInteger, kReal, kBoolean, kDate, kEnum, kReference, kMoney };
enum class MergePolicy { kLastWriterWins, kFurthestStage, kAliveWins };

std::string_view field_type_name(FieldType type);

inline constexpr std::string_view kDeletedField = "_deleted";

struct FieldSchema {
  std::string name;
  FieldType type = FieldType::kText;
  MergePolicy policy = MergePolicy::kLastWriterWins;
  bool required = false;
  bool indexed = false;
  std::size_t max_length = 0;          // text only; 0 = unlimited
  std::vector<std::string> values;     // enum: allowed values in lifecycle order
  std::string references;              // reference: target collection
  // The sales rules on the field (schema_rules.hpp).
  std::optional<Lifecycle> lifecycle;  // enum: its legal moves
  RoleList change_roles;               // if any: who may change it on an existing record
  std::string default_value;           // on create: a literal, kDefaultToday or kDefaultUser
  bool names_user = false;             // text holding a user's name
  bool unique = false;                 // no two alive records share a value
  std::optional<DerivedSum> derived;

  // Position of an enum value in `values`, or nullopt.
  std::optional<std::size_t> stage_of(std::string_view value) const;
};

struct CollectionSchema {
  std::string name;
  // Declared fields, then the engine's `_deleted` field last.
  std::vector<FieldSchema> fields;
  bool read_only_for_reps = false;
  std::string territory_field;
  std::string scope_parent;
  RoleList write_roles;             // if any: who may write the collection at all
  std::vector<DeleteRule> deletes;  // if any: a delete must meet one

  const FieldSchema* field(std::string_view field_name) const;
  // Index of the field in `fields`, or nullopt.
  std::optional<std::size_t> field_index(std::string_view field_name) const;
};

// The collections a replica syncs. Immutable once built; shared by every part.
class Schema {
 public:
  // Parses a schema in protobuf text format (fieldsync.proto.Schema). Throws Error.
  static Schema from_text(std::string_view text);
  // The field-sales domain schema of shared/schema/domain.textproto.
  static const Schema& domain();

  unsigned version() const { return version_; }
  const std::vector<CollectionSchema>& collections() const { return collections_; }
  const RoleList& roles() const { return roles_; }
  // Who may settle a conflict: write a field over two or more concurrent values.
  const RoleList& settle_roles() const { return settle_roles_; }
  const CollectionSchema* collection(std::string_view name) const;
  // Like collection(), but throws Error(kUnknownCollection).
  const CollectionSchema& require(std::string_view name) const;

 private:
  unsigned version_ = 0;
  std::vector<CollectionSchema> collections_;
  RoleList roles_;
  RoleList settle_roles_;
};

// Checks a value against a field's type and domain; throws Error(kInvalidValue) naming
// the field. NULL is accepted here; required-ness is checked on create.
void validate_value(const FieldSchema& field, const Value& value);

// Reads a value from its text form (command line, CSV): "1234.50" for money, "true"/"false"
// for booleans, an empty string for NULL. Throws Error(kInvalidValue) naming the field.
Value parse_value(const FieldSchema& field, std::string_view text);
// The text form parse_value reads back; NULL is "".
std::string format_value(const FieldSchema& field, const Value& value);

}  // namespace fieldsync
