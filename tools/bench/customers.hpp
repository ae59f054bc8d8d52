#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "fieldsync/core/record_state.hpp"

namespace fieldsync::bench {

// The eight customer fields of the domain schema, in schema order.
inline constexpr std::string_view kCustomerFields[] = {"name",    "tier",      "industry", "phone",
                                                       "email",   "address",   "territory", "owner"};

// A realistic, deterministic customer: the same `n` always gives the same values.
FieldValues customer(std::size_t n);

// The bytes a replica keeps in `_state` for customer(0): the blob the bare baselines store,
// so that they write rows of the engine's size.
std::string stored_customer_state();

// The bare-SQLite stand-in for the engine's customers table.
enum class BareShape {
  kPlain,        // id TEXT PRIMARY KEY + the eight typed columns
  kAppTable,     // the same, with the indexes the schema declares (name, tier, territory):
                 // the table an app without sync would write the same row into
  kWithState,    // plus a state blob column
  kLikeEngine,   // plus the blob, _seq and the engine's secondary indexes
  kLikeEngineIndexesAfter,  // the same table, its indexes made by bare_customers_late_indexes() after the rows
};

std::string bare_customers_ddl(BareShape shape);
// ?1 is the id, ?2..?9 the fields; then ?10 the blob and ?11 the seq where the shape has them.
std::string bare_customers_insert(BareShape shape);
// The indexes of kLikeEngine, for kLikeEngineIndexesAfter to build once the rows are in.
std::string bare_customers_late_indexes();

}  // namespace fieldsync::bench
