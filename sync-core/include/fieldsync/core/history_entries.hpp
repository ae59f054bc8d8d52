#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fieldsync {

// One field's change in a history entry, in the values the server shows (nullopt: none).
struct HistoryChange {
  std::string field;
  std::optional<std::string> old_value;
  std::optional<std::string> new_value;
  // conflict_opened: the values concurrent now; conflict_settled: the values replaced.
  std::vector<std::optional<std::string>> others{};
};

// A record's history as the server's audit log gives it (GET /api/history/<collection>/<id>,
// docs/operations.md), in the words the CLI and the app show: who, on which device, did
// what, with the values.
struct HistoryEntry {
  std::uint64_t at_ms = 0;
  std::string user;
  std::string display_name;  // empty or equal to `user`: none of its own
  std::string replica;       // the device's replica id
  std::string action;        // accepted, refused, conflict_opened, conflict_settled, ...
  std::string detail;
  // One line per field change: "status: scheduled -> in_progress", "phone: settled on 2
  // (replaced 1, 2)". `_deleted`, which every write sets, only when nothing else changed
  // (a delete). Without changes (a refusal), one line naming the fields.
  std::vector<std::string> changes;
  // The same, one per field, for readers that word them themselves (the app, translated);
  // `_deleted` only when nothing else changed. Empty for a refusal: see `fields`.
  std::vector<HistoryChange> field_changes{};
  // The fields the entry names (a refusal's: no values are kept for it).
  std::vector<std::string> fields{};

  // Who, as Person::label says it: "Anna Weber (anna)".
  std::string person() const;
  // The replica id's first 8 characters: enough to tell a person's devices apart.
  std::string device() const { return replica.substr(0, 8); }
};

// Throws Error(kInvalidArgument) for a body that is not a JSON array of entries.
std::vector<HistoryEntry> parse_history(std::string_view json);

}  // namespace fieldsync
