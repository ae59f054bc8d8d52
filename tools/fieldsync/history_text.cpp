#include "history_text.hpp"

#include "fieldsync/core/schema.hpp"

namespace fieldsync::cli {
// Named: the release build compiles the target's files as one unit.
namespace history_text {
namespace {

// A shown value: null is no value; an empty text is quoted so that it does not vanish.
std::string value_text(const nlohmann::json& value) {
  if (!value.is_string()) return "(none)";
  const auto& text = value.get_ref<const std::string&>();
  return text.empty() ? "\"\"" : text;
}

std::string value_list(const nlohmann::json& values) {
  std::string out;
  for (const auto& value : values) out += (out.empty() ? "" : ", ") + value_text(value);
  return out;
}

std::string change_line(const nlohmann::json& change, std::string_view action) {
  const std::string field = change.value("field", "");
  const std::string old_value = value_text(change.value("old", nlohmann::json()));
  const std::string new_value = value_text(change.value("new", nlohmann::json()));
  if (action == "conflict_settled") {
    return field + ": settled on " + new_value + " (replaced " + value_list(change.value("replaced", nlohmann::json::array())) + ")";
  }
  std::string line = field + ": " + old_value + " -> " + new_value;
  if (action == "conflict_opened") line += " (concurrent: " + value_list(change.value("concurrent", nlohmann::json::array())) + ")";
  return line;
}

bool is_deleted_field(const nlohmann::json& name) { return name.is_string() && name.get_ref<const std::string&>() == kDeletedField; }

}  // namespace
}  // namespace history_text

std::string history_person(const nlohmann::json& entry) {
  const std::string user = entry.value("user", "");
  const std::string display_name = entry.value("display_name", "");
  if (display_name.empty() || display_name == user) return user;
  return display_name + " (" + user + ")";
}

std::string short_replica(std::string_view replica) { return std::string(replica.substr(0, 8)); }

std::vector<std::string> history_change_lines(const nlohmann::json& entry) {
  const std::string action = entry.value("action", "");
  std::vector<std::string> lines;
  std::string deleted_line;
  for (const auto& change : entry.value("changes", nlohmann::json::array())) {
    if (!change.is_object()) continue;
    if (history_text::is_deleted_field(change.value("field", nlohmann::json()))) {
      deleted_line = history_text::change_line(change, action);
    } else {
      lines.push_back(history_text::change_line(change, action));
    }
  }
  if (lines.empty() && !deleted_line.empty()) lines.push_back(deleted_line);
  if (!lines.empty()) return lines;
  // No values recorded (a refusal): the fields named, `_deleted` only for a delete.
  std::string fields;
  bool deleted_field = false;
  for (const auto& field : entry.value("fields", nlohmann::json::array())) {
    if (!field.is_string()) continue;
    if (history_text::is_deleted_field(field)) {
      deleted_field = true;
    } else {
      fields += (fields.empty() ? "" : ",") + field.get<std::string>();
    }
  }
  if (fields.empty() && deleted_field) fields = std::string(kDeletedField);
  return {fields};
}

}  // namespace fieldsync::cli
