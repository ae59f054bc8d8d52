#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace fieldsync::cli {

// How `fieldsync history` shows an entry of the server's history JSON (docs/operations.md).

// "Anna Weber (anna)"; the user name alone when it is the display name too.
std::string history_person(const nlohmann::json& entry);
// A replica id's first 8 characters: enough to tell a person's devices apart.
std::string short_replica(std::string_view replica);
// One line per field change: "status: scheduled -> in_progress", "phone: settled on 2
// (replaced 1, 2)". `_deleted`, which every write sets, only when nothing else changed
// (a delete). Without changes (a refusal), the fields named.
std::vector<std::string> history_change_lines(const nlohmann::json& entry);

}  // namespace fieldsync::cli
