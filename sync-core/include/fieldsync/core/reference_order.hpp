#pragma once

#include <functional>
#include <map>
#include <string>

#include "fieldsync/core/schema.hpp"

namespace fieldsync {

// How many references deep each collection of `schema` is: 0 for one that references no
// other (customers, products), 1 + the deepest it references otherwise (orders 1, order
// lines 2). Sending or merging records by increasing depth puts every referenced record
// before the records that name it, which a receiver that checks references needs.
std::map<std::string, int, std::less<>> reference_depths(const Schema& schema);

}  // namespace fieldsync
