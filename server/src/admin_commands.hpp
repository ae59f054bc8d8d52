#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "fieldsync/core/clock.hpp"
#include "fieldsync/server/store.hpp"

namespace fieldsync::server {

// The `user` and `token` admin commands of fieldsync-server, on a store opened directly
// from the data directory (the server may be running: SQLite arbitrates). Each writes its
// result to `out` and throws Error with a readable message on bad input; main() turns that
// into a message on stderr and a non-zero exit.

// "north, south" -> {"north", "south"}; empty items are dropped.
std::vector<std::string> split_territories(std::string_view list);

// Reps need at least one territory: a rep without one could sync nothing. An empty
// display name stands for the user name.
void user_add(Store& store, const std::string& name, const std::string& role, const std::string& territories,
              const std::string& display_name, std::ostream& out);
// The name people see beside the user's edits; empty: back to the user name.
void user_set_display_name(Store& store, const std::string& name, const std::string& display_name, std::ostream& out);
void user_list(Store& store, std::ostream& out);
// A disabled user cannot authenticate; a running server ends their open connections
// within Limits::account_check_interval. Enabling lets their (unrevoked) tokens in again.
void user_set_disabled(Store& store, const std::string& name, bool disabled, std::ostream& out);
// Replaces a user's territories; their replicas resync (a running server tells open
// connections within Limits::account_check_interval, the others at their next hello).
void user_set_territories(Store& store, const std::string& name, const std::string& territories, std::ostream& out);
// Removes the audit entries older than `days` days (1-36500).
void prune_audit(Store& store, const Clock& clock, std::int64_t days, std::ostream& out);

// Prints the token alone on the first line of `out` (it is shown only this once), then
// what it is for on `note` (stderr), so that `TOKEN=$(fieldsync-server token issue ana)` works.
void token_issue(Store& store, const Clock& clock, const std::string& user, std::int64_t ttl_days,
                 std::ostream& out, std::ostream& note);
void token_revoke(Store& store, const std::string& token_id, std::ostream& out);
void token_list(Store& store, const Clock& clock, std::ostream& out);

// `enrol`: a one-time code that lets a phone sign in (docs/operations.md, "Enrolling a phone").
struct EnrolOptions {
  std::string user;
  std::int64_t ttl_minutes = 15;     // how long the code works (1-10080)
  std::int64_t token_ttl_days = 30;  // the token it is exchanged for (1-3650)
  std::string server;                // what phones reach: wss://host:port
  std::string pin;                   // the private CA's pin (enrolment_link.hpp); empty: none
  std::filesystem::path qr_file;     // where the QR code of the link goes (SVG, owner-only)
};
// Prints the code alone on the first line of `out` (shown only this once, like a token),
// then the link, the expiry and the QR file on `note`. Replaces the user's earlier code.
void enrol(Store& store, const Clock& clock, const EnrolOptions& options, std::ostream& out, std::ostream& note);

// Milliseconds since the epoch as "2024-05-01T12:00:00Z".
std::string iso_time(std::uint64_t ms);

}  // namespace fieldsync::server
