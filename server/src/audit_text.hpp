#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fieldsync::server {

// `text` cut to at most `max_bytes` bytes on a UTF-8 character boundary, saying how much
// was cut: audit entries quote what clients sent (a refusal's reason may quote a value of
// megabytes), and each entry must stay small.
std::string bounded_text(std::string_view text, std::size_t max_bytes);

}  // namespace fieldsync::server
