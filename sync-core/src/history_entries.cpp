#include "fieldsync/core/history_entries.hpp"

#include <nlohmann/json.hpp>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/people.hpp"
#include "fieldsync/core/schema.hpp"

namespace fieldsync {
namespace {

// A shown value: null is no value; an empty text is quoted so that it does not vanish.
std::string value_text(const nlohmann::json& value) {
  if (!value.is_string()) return "(none)";
  const auto& text = value.get_ref<const std::string&>();
  return text.empty() ? "\"\"" : text;
}

std::string value_list(const nlohmann::json& values) {
  std::string out;
  if (!values.is_array()) return out;
  for (const auto& value : values) out += (out.empty() ? "" : ", ") + value_text(value);
  return out;
}

std::string text_of(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string change_line(const nlohmann::json& change, std::string_view action) {
  const std::string field = text_of(change, "field");
  const std::string old_value = value_text(change.value("old", nlohmann::json()));
  const std::string new_value = value_text(change.value("new", nlohmann::json()));
  if (action == "conflict_settled") {
    return field + ": settled on " + new_value + " (replaced " + value_list(change.value("replaced", nlohmann::json())) + ")";
  }
  std::string line = field + ": " + old_value + " -> " + new_value;
  if (action == "conflict_opened") line += " (concurrent: " + value_list(change.value("concurrent", nlohmann::json())) + ")";
  return line;
}

std::vector<std::string> change_lines(const nlohmann::json& entry, std::string_view action) {
  std::vector<std::string> lines;
  std::string deleted_line;
  const auto changes = entry.value("changes", nlohmann::json::array());
  for (const auto& change : changes.is_array() ? changes : nlohmann::json::array()) {
    if (!change.is_object()) continue;
    if (text_of(change, "field") == kDeletedField) {
      deleted_line = change_line(change, action);
    } else {
      lines.push_back(change_line(change, action));
    }
  }
  if (lines.empty() && !deleted_line.empty()) lines.push_back(deleted_line);
  if (!lines.empty()) return lines;
  // No values recorded (a refusal): the fields named, `_deleted` only for a delete.
  std::string fields;
  bool deleted_field = false;
  const auto named = entry.value("fields", nlohmann::json::array());
  for (const auto& field : named.is_array() ? named : nlohmann::json::array()) {
    if (!field.is_string()) continue;
    if (field.get_ref<const std::string&>() == kDeletedField) {
      deleted_field = true;
    } else {
      fields += (fields.empty() ? "" : ",") + field.get<std::string>();
    }
  }
  if (fields.empty() && deleted_field) fields = std::string(kDeletedField);
  return {fields};
}

}  // namespace

std::string HistoryEntry::person() const { return Person{user, display_name}.label(); }

std::vector<HistoryEntry> parse_history(std::string_view json) {
  const auto body = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!body.is_array()) throw Error(ErrorCode::kInvalidArgument, "history: not a JSON array of entries");
  std::vector<HistoryEntry> entries;
  for (const auto& e : body) {
    if (!e.is_object()) throw Error(ErrorCode::kInvalidArgument, "history: an entry is not an object");
    HistoryEntry entry;
    const auto at = e.find("at_ms");
    entry.at_ms = at != e.end() && at->is_number_unsigned() ? at->get<std::uint64_t>() : 0;
    entry.user = text_of(e, "user");
    entry.display_name = text_of(e, "display_name");
    entry.replica = text_of(e, "replica");
    entry.action = text_of(e, "action");
    entry.detail = text_of(e, "detail");
    entry.changes = change_lines(e, entry.action);
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace fieldsync
