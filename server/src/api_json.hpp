#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fieldsync/server/store.hpp"

// The JSON bodies of the HTTP API (docs/operations.md, "Endpoints"), written by hand: the
// server links no JSON library for two small shapes.

namespace fieldsync::server {

// A string as a JSON string literal (quotes included).
std::string json_string(std::string_view text);

// The audit entries of one record as a JSON array of objects, oldest first:
// [{"at_ms":..,"seq":..,"user":"ana","display_name":"Anna Weber","replica":"..","collection":"..",
//   "id":"..","action":"accepted","fields":["status"],
//   "changes":[{"field":"status","old":"scheduled","new":"in_progress"}],"detail":""}, ...]
// A value is null for NULL (or none yet); conflict_opened changes add "concurrent":[..],
// conflict_settled changes "replaced":[..].
std::string history_json(const std::vector<AuditEntry>& entries);

// The users as people see them, for apps that name the authors of edits:
// [{"name":"ana","display_name":"Anna Weber","role":"rep","devices":["<replica id>",..]}, ...],
// the devices so that a phone can name the author of each write it holds. Nothing else: no
// territories, no tokens, no disabled flag.
std::string users_json(const std::vector<UserRecord>& users, const std::vector<DeviceRecord>& devices);

}  // namespace fieldsync::server
