#pragma once

#include <string>
#include <vector>

#include "fieldsync/core/schema.hpp"

namespace fieldsync {

// A reader's records told by territory, for reading only what a scope can contain. A
// record's territory is its collection's territory field or, for a collection with a
// scope parent, the territory of the record the parent reference names, followed up the
// chain (the schema declares both). The filter keeps:
//  - every record of `whole_collections` (the catalogue everyone reads);
//  - records whose territory is one of `territories`.
// Records without a territory (a missing parent) are left out.
struct TerritoryFilter {
  std::vector<std::string> territories;
  std::vector<std::string> whole_collections;
};

// The collections a record of `collection` finds its territory through: `collection`, then
// each scope parent in turn, up to the first with a territory field (the last element).
// Empty when there is none. Followed at most kMaxTerritoryHops parents: ScopePolicy (the
// server's read check) follows fewer, and a filter that keeps more is safe, less is not.
inline constexpr int kMaxTerritoryHops = 4;
std::vector<const CollectionSchema*> territory_chain(const Schema& schema, const CollectionSchema& collection);

}  // namespace fieldsync
