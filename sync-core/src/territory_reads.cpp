#include "territory_reads.hpp"

#include <algorithm>

#include "collection_table.hpp"

namespace fieldsync {

std::vector<const CollectionSchema*> territory_chain(const Schema& schema, const CollectionSchema& collection) {
  std::vector<const CollectionSchema*> chain{&collection};
  for (int hop = 0;; ++hop) {
    const CollectionSchema& current = *chain.back();
    if (!current.territory_field.empty()) return chain;
    if (current.scope_parent.empty() || hop == kMaxTerritoryHops) return {};
    const FieldSchema* reference = current.field(current.scope_parent);
    const CollectionSchema* parent = reference ? schema.collection(reference->references) : nullptr;
    if (!parent) return {};
    chain.push_back(parent);
  }
}

std::optional<std::string> territory_condition(const Schema& schema, const CollectionSchema& collection,
                                               const TerritoryFilter& filter, int first_param) {
  const auto& whole = filter.whole_collections;
  if (std::find(whole.begin(), whole.end(), collection.name) != whole.end()) return std::string();
  const auto chain = territory_chain(schema, collection);
  if (filter.territories.empty() || chain.empty()) return std::nullopt;
  std::string params;
  for (std::size_t i = 0; i < filter.territories.size(); ++i) {
    params += (i ? ", ?" : "?") + std::to_string(first_param + static_cast<int>(i));
  }
  // From the territory holder down: each child's parent reference is among the ids of the
  // parents picked. A reference names its record in either case of hex digits; ids are
  // stored in lower case. Columns are qualified by their table: nested subqueries.
  const CollectionSchema& holder = *chain.back();
  std::string condition = quoted(holder.name) + "." + quoted(holder.territory_field) + " IN (" + params + ")";
  for (auto child = chain.rbegin() + 1; child != chain.rend(); ++child) {
    const CollectionSchema& parent = **(child - 1);
    condition = "lower(" + quoted((*child)->name) + "." + quoted((*child)->scope_parent) + ") IN (SELECT id FROM " +
                quoted(parent.name) + " WHERE " + condition + ")";
  }
  return condition;
}

std::vector<std::string> territory_read_indexes(const CollectionSchema& collection) {
  const std::string table = quoted(collection.name);
  if (!collection.territory_field.empty()) {
    return {"CREATE INDEX IF NOT EXISTS " + quoted(collection.name + "_by_territory_seq") + " ON " + table + " (" +
            quoted(collection.territory_field) + ", _seq)"};
  }
  // A child collection is read by its _seq range, each row's parent reference looked up
  // among the parents of the territories (no decoding): SQLite does not seek an index on
  // lower(reference) for an IN (subquery), so one would only cost the writes.
  return {};
}

}  // namespace fieldsync
