#include "app_rules.hpp"

namespace fieldsync::app {

std::string signed_in_role(const Replica& replica) { return replica.setting(kSignedInRoleSetting).value_or(""); }

ShownText shown_values(const Record& record) {
  return [&record](std::string_view name) -> std::string {
    const FieldSchema* field = record.collection->field(name);
    return field ? format_value(*field, record.value(name)) : std::string();
  };
}

const FieldSchema* lifecycle_field(const CollectionSchema& collection) {
  for (const auto& field : collection.fields) {
    if (field.lifecycle) return &field;
  }
  return nullptr;
}

}  // namespace fieldsync::app
