#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fieldsync/core/schema.hpp"
#include "fieldsync/core/territory_filter.hpp"

namespace fieldsync {

// The SQL behind reading a collection table by territory (TerritoryFilter), from the
// schema's territory fields and scope parents.

// What picks `collection`'s rows for `filter`: nullopt when none can be in it; "" when all
// are; else a condition on the table's columns in which the territories are bound as
// parameters ?<first_param>, ?<first_param + 1>, ... in filter.territories order.
std::optional<std::string> territory_condition(const Schema& schema, const CollectionSchema& collection,
                                               const TerritoryFilter& filter, int first_param);

// The indexes that make those conditions index range reads in sequence order: (territory,
// _seq) for a collection with a territory field. CREATE INDEX IF NOT EXISTS statements.
std::vector<std::string> territory_read_indexes(const CollectionSchema& collection);

}  // namespace fieldsync
