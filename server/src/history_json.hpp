#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fieldsync/server/store.hpp"

namespace fieldsync::server {

// A string as a JSON string literal (quotes included).
std::string json_string(std::string_view text);

// The audit entries of one record as a JSON array of objects, oldest first:
// [{"at_ms":..,"seq":..,"user":"..","replica":"..","collection":"..","id":"..",
//   "action":"accepted","fields":["name"],"detail":""}, ...]
std::string history_json(const std::vector<AuditEntry>& entries);

}  // namespace fieldsync::server
