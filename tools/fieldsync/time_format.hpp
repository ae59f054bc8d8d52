#pragma once

#include <cstdint>
#include <string>

namespace fieldsync::cli {

// Milliseconds since the Unix epoch as ISO-8601 UTC, e.g. "2026-03-01T09:15:02.250Z".
std::string iso8601_utc(std::uint64_t ms);

}  // namespace fieldsync::cli
