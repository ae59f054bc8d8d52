#pragma once

// Readable forms of record states for failure messages: short replica ids, one line per
// field with every sibling.

#include <string>

#include "fieldsync/core/record_state.hpp"

namespace fieldsync::test {

std::string short_id(const Uuid& id);  // the first 8 hex digits
std::string value_text(const Value& value);
std::string dot_text(const Dot& dot);
std::string vv_text(const VersionVector& vv);
std::string sibling_text(const Sibling& sibling);
std::string state_text(const RecordState& state);

}  // namespace fieldsync::test
