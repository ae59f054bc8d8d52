#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fieldsync {

// The sales process as data, beside the fields it governs (shared/fieldsync/schema.proto
// documents each declaration; docs/rules.md the rules the domain schema declares). These
// are plain values; sync-core/include/fieldsync/core/write_rules.hpp judges writes by them.

using RoleList = std::vector<std::string>;

inline bool role_in(const RoleList& roles, std::string_view role) {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

// A record whose field `field` shows one of `values`.
struct Condition {
  std::string field;
  std::vector<std::string> values;
};

struct Transition {
  std::vector<std::string> from;  // "" is a new record's first value
  std::string to;
  RoleList roles;
  bool needs_reason = false;
  std::vector<std::string> requires_fields;
  std::optional<Condition> when;
};

struct Lifecycle {
  std::vector<Transition> transitions;
  RoleList back_roles;  // may move to a stage earlier in the field's values
  bool back_needs_reason = false;
  std::string reason_field;
};

struct DerivedSum {
  std::string collection;
  std::string reference;
  std::vector<std::string> product_of;
};

struct DeleteRule {
  RoleList roles;
  std::optional<Condition> when;
};

// Marks a default that is not a literal.
inline constexpr std::string_view kDefaultToday = "$today";
inline constexpr std::string_view kDefaultUser = "$user";

}  // namespace fieldsync
