#include "history_json.hpp"

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

std::string history_json(const std::vector<AuditEntry>& entries) {
  std::string out = "[";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const AuditEntry& e = entries[i];
    if (i > 0) out += ',';
    out += "{\"at_ms\":" + std::to_string(e.at_ms);
    out += ",\"seq\":" + std::to_string(e.seq);
    out += ",\"user\":" + json_string(e.user);
    out += ",\"replica\":" + json_string(e.replica);
    out += ",\"collection\":" + json_string(e.collection);
    out += ",\"id\":" + json_string(e.id);
    out += ",\"action\":" + json_string(e.action);
    out += ",\"fields\":[";
    for (std::size_t f = 0; f < e.fields.size(); ++f) {
      if (f > 0) out += ',';
      out += json_string(e.fields[f]);
    }
    out += "],\"detail\":" + json_string(e.detail) + "}";
  }
  out += "]";
  return out;
}

}  // namespace fieldsync::server
