#include "api_json.hpp"

#include <cstdio>

namespace fieldsync::server {

std::string json_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += escaped;
        } else {
          out += c;  // UTF-8 passes through unchanged
        }
    }
  }
  out += '"';
  return out;
}

namespace {

std::string json_optional(const std::optional<std::string>& text) {
  return text ? json_string(*text) : std::string("null");
}

// The key of FieldChange::values, by what the entry records.
std::string_view values_key(std::string_view action) {
  if (action == "conflict_opened") return "concurrent";
  if (action == "conflict_settled") return "replaced";
  return "values";
}

std::string changes_json(const AuditEntry& e) {
  std::string out = "[";
  for (std::size_t c = 0; c < e.changes.size(); ++c) {
    const FieldChange& change = e.changes[c];
    if (c > 0) out += ',';
    out += "{\"field\":" + json_string(change.field);
    out += ",\"old\":" + json_optional(change.old_value);
    out += ",\"new\":" + json_optional(change.new_value);
    if (!change.values.empty()) {
      out += ",\"" + std::string(values_key(e.action)) + "\":[";
      for (std::size_t v = 0; v < change.values.size(); ++v) {
        if (v > 0) out += ',';
        out += json_optional(change.values[v]);
      }
      out += ']';
    }
    out += '}';
  }
  out += ']';
  return out;
}

}  // namespace

std::string history_json(const std::vector<AuditEntry>& entries) {
  std::string out = "[";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const AuditEntry& e = entries[i];
    if (i > 0) out += ',';
    out += "{\"at_ms\":" + std::to_string(e.at_ms);
    out += ",\"seq\":" + std::to_string(e.seq);
    out += ",\"user\":" + json_string(e.user);
    out += ",\"display_name\":" + json_string(e.display_name);
    out += ",\"replica\":" + json_string(e.replica);
    out += ",\"collection\":" + json_string(e.collection);
    out += ",\"id\":" + json_string(e.id);
    out += ",\"action\":" + json_string(e.action);
    out += ",\"fields\":[";
    for (std::size_t f = 0; f < e.fields.size(); ++f) {
      if (f > 0) out += ',';
      out += json_string(e.fields[f]);
    }
    out += "],\"changes\":" + changes_json(e);
    out += ",\"detail\":" + json_string(e.detail) + "}";
  }
  out += "]";
  return out;
}

std::string users_json(const std::vector<UserRecord>& users, const std::vector<DeviceRecord>& devices) {
  std::string out = "[";
  for (std::size_t i = 0; i < users.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"name\":" + json_string(users[i].name);
    out += ",\"display_name\":" + json_string(users[i].display_name);
    out += ",\"role\":" + json_string(role_name(users[i].role));
    out += ",\"devices\":[";
    bool first = true;
    for (const auto& device : devices) {
      if (device.user != users[i].name) continue;
      out += (first ? "" : ",") + json_string(device.replica);
      first = false;
    }
    out += "]}";
  }
  out += "]";
  return out;
}

}  // namespace fieldsync::server
