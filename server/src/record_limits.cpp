#include "record_limits.hpp"

namespace fieldsync::server {

std::optional<std::string> record_bytes_refusal(const Limits& limits, std::string_view wire_state) {
  if (wire_state.size() <= limits.max_record_bytes) return std::nullopt;
  return "the record is " + std::to_string(wire_state.size()) + " bytes, over the limit of " +
         std::to_string(limits.max_record_bytes) + " bytes per record";
}

std::optional<std::string> record_shape_refusal(const Limits& limits, const RecordState& state) {
  if (state.vv.entries().size() > limits.max_version_vector_entries) {
    return "the record's version vector has " + std::to_string(state.vv.entries().size()) + " entries, over the limit of " +
           std::to_string(limits.max_version_vector_entries);
  }
  for (const auto& field : state.fields) {
    if (field.siblings.size() > limits.max_siblings_per_field) {
      return "field '" + field.name + "' has " + std::to_string(field.siblings.size()) +
             " concurrent values, over the limit of " + std::to_string(limits.max_siblings_per_field) +
             " per field";
    }
  }
  return std::nullopt;
}

}  // namespace fieldsync::server
