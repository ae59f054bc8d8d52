#pragma once

#include <string_view>

namespace fieldsync {

// The text of shared/schema/domain.textproto, embedded at build time.
std::string_view domain_schema_text();

}  // namespace fieldsync
