#pragma once

// A list of texts (a user's territories, an audit entry's field names) as both stores keep
// it in one column: comma-joined. Names never hold a comma (the schema and the admin
// commands refuse one).

#include <string>
#include <string_view>
#include <vector>

namespace fieldsync::server {

inline std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

inline std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto item = text.substr(0, comma);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace fieldsync::server
