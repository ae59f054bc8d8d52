#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fieldsync {

// Well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF): what
// protobuf's string fields require, so text the engine stores can always be sent.
bool is_valid_utf8(std::string_view text);

// `text` with every ill-formed sequence replaced by U+FFFD: for messages that quote
// received bytes back to their sender (a refusal's reason).
std::string to_valid_utf8(std::string_view text);

// Characters, not bytes, of well-formed UTF-8.
std::size_t utf8_length(std::string_view text);

}  // namespace fieldsync
