#include "display_name.hpp"

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/utf8.hpp"

namespace fieldsync::server {
namespace {

// The byte offset of the first character a display name may not hold, or npos. `text` is
// well-formed UTF-8, so these byte patterns cannot start inside another character.
std::size_t forbidden_character(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7F) return i;  // C0 controls, DEL
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (byte == 0xC2 && next >= 0x80 && next <= 0x9F) return i;  // C1 controls U+0080..U+009F
    if (byte == 0xE2 && i + 2 < text.size()) {
      const auto last = static_cast<unsigned char>(text[i + 2]);
      if (next == 0x80 && last >= 0xA8 && last <= 0xAE) return i;  // U+2028..U+202E: separators, overrides
      if (next == 0x81 && last >= 0xA6 && last <= 0xA9) return i;  // U+2066..U+2069: isolates
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::string checked_display_name(std::string_view user, std::string_view display_name) {
  while (!display_name.empty() && display_name.front() == ' ') display_name.remove_prefix(1);
  while (!display_name.empty() && display_name.back() == ' ') display_name.remove_suffix(1);
  if (display_name.empty()) return std::string(user);
  if (!is_valid_utf8(display_name)) {
    throw Error(ErrorCode::kInvalidArgument, "the display name of '" + std::string(user) + "' is not valid UTF-8");
  }
  if (const std::size_t length = utf8_length(display_name); length > kMaxDisplayNameChars) {
    throw Error(ErrorCode::kInvalidArgument, "the display name of '" + std::string(user) + "' has " +
                                                 std::to_string(length) + " characters; at most " +
                                                 std::to_string(kMaxDisplayNameChars) + " are allowed");
  }
  if (const std::size_t at = forbidden_character(display_name); at != std::string_view::npos) {
    throw Error(ErrorCode::kInvalidArgument,
                "the display name of '" + std::string(user) + "' holds a control character (at byte " +
                    std::to_string(at) + "): use letters, digits, spaces and punctuation only");
  }
  return std::string(display_name);
}

}  // namespace fieldsync::server
