#include "fieldsync/core/history_entries.hpp"

#include <nlohmann/json.hpp>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/people.hpp"
#include "fieldsync/core/schema.hpp"

namespace fieldsync {
namespace {

std::optional<std::string> shown(const nlohmann::json& value) {
  if (!value.is_string()) return std::nullopt;
  return value.get<std::string>();
}

std::vector<std::optional<std::string>> shown_list(const nlohmann::json& values) {
  std::vector<std::optional<std::string>> out;
  if (values.is_array()) {
    for (const auto& value : values) out.push_back(shown(value));
  }
  return out;
}

// A shown value in a line: no value is "(none)"; an empty text is quoted so that it does not vanish.
std::string value_text(const std::optional<std::string>& value) {
  if (!value) return "(none)";
  return value->empty() ? "\"\"" : *value;
}

std::string value_list(const std::vector<std::optional<std::string>>& values) {
  std::string out;
  for (const auto& value : values) out += (out.empty() ? "" : ", ") + value_text(value);
  return out;
}

std::string text_of(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

HistoryChange change_of(const nlohmann::json& change, std::string_view action) {
  HistoryChange out{text_of(change, "field"), shown(change.value("old", nlohmann::json())),
                    shown(change.value("new", nlohmann::json()))};
  if (action == "conflict_settled") out.others = shown_list(change.value("replaced", nlohmann::json()));
  if (action == "conflict_opened") out.others = shown_list(change.value("concurrent", nlohmann::json()));
  return out;
}

std::string change_line(const HistoryChange& change, std::string_view action) {
  if (action == "conflict_settled") {
    return change.field + ": settled on " + value_text(change.new_value) + " (replaced " + value_list(change.others) + ")";
  }
  std::string line = change.field + ": " + value_text(change.old_value) + " -> " + value_text(change.new_value);
  if (action == "conflict_opened") line += " (concurrent: " + value_list(change.others) + ")";
  return line;
}

std::vector<HistoryChange> field_changes(const nlohmann::json& entry, std::string_view action) {
  std::vector<HistoryChange> out;
  std::optional<HistoryChange> deleted;
  const auto changes = entry.value("changes", nlohmann::json::array());
  for (const auto& change : changes.is_array() ? changes : nlohmann::json::array()) {
    if (!change.is_object()) continue;
    if (text_of(change, "field") == kDeletedField) {
      deleted = change_of(change, action);
    } else {
      out.push_back(change_of(change, action));
    }
  }
  if (out.empty() && deleted) out.push_back(std::move(*deleted));
  return out;
}

std::vector<std::string> named_fields(const nlohmann::json& entry) {
  std::vector<std::string> out;
  const auto named = entry.value("fields", nlohmann::json::array());
  for (const auto& field : named.is_array() ? named : nlohmann::json::array()) {
    if (field.is_string()) out.push_back(field.get<std::string>());
  }
  return out;
}

std::vector<std::string> change_lines(const HistoryEntry& entry) {
  std::vector<std::string> lines;
  for (const auto& change : entry.field_changes) lines.push_back(change_line(change, entry.action));
  if (!lines.empty()) return lines;
  // No values recorded (a refusal): the fields named, `_deleted` only for a delete.
  std::string fields;
  bool deleted_field = false;
  for (const auto& field : entry.fields) {
    if (field == kDeletedField) {
      deleted_field = true;
    } else {
      fields += (fields.empty() ? "" : ",") + field;
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
    entry.field_changes = field_changes(e, entry.action);
    entry.fields = named_fields(e);
    entry.changes = change_lines(entry);
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace fieldsync
