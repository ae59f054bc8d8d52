#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fieldsync::server {

inline constexpr std::size_t kMaxDisplayNameChars = 100;

// The display name to store for `user`: `display_name` without surrounding spaces, or the
// user name when that leaves nothing. People type it and every app shows it beside edits,
// so it must be well-formed UTF-8 of at most kMaxDisplayNameChars characters, with no
// control characters (line breaks, tabs, escapes) and no invisible direction overrides
// (they make one name look like another). Throws Error(kInvalidArgument) saying which.
std::string checked_display_name(std::string_view user, std::string_view display_name);

}  // namespace fieldsync::server
