// Reading a page of changes by scope from srv_records (PostgresStore::changes_since with a
// ReadScope): the columns `territory` and `scope_parent` (migration 3) and their indexes.
#include <algorithm>

#include "postgres_store_impl.hpp"

namespace fieldsync::server {
namespace {

// The condition that a row of `collection` is in one of the territories ($4): on its own
// territory, or its parent reference among the ids of the parents in them, and so on up.
std::string territory_in(const std::vector<const CollectionSchema*>& chain) {
  std::string condition = "collection = " + quoted_literal(chain.back()->name) + " AND territory = ANY($4::text[])";
  for (auto child = chain.rbegin() + 1; child != chain.rend(); ++child) {
    condition = "collection = " + quoted_literal((*child)->name) +
                " AND scope_parent IN (SELECT id FROM srv_records WHERE " + condition + ")";
  }
  return condition;
}

}  // namespace

RecordScopeColumns record_scope_columns(const CollectionSchema& collection, const std::vector<Value>& shown) {
  RecordScopeColumns columns;
  auto text = [&](const std::string& field) -> const std::string* {
    const auto index = collection.field_index(field);
    return index ? std::get_if<std::string>(&shown[*index]) : nullptr;
  };
  if (!collection.territory_field.empty()) {
    if (const auto* territory = text(collection.territory_field)) columns.territory = pg_text(*territory);
  }
  if (!collection.scope_parent.empty()) {
    if (const auto* parent = text(collection.scope_parent)) {
      // Ids are stored in lower case; a reference may name one in upper case.
      std::string id = pg_text(*parent);
      for (char& c : id) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      columns.scope_parent = std::move(id);
    }
  }
  return columns;
}

std::vector<std::string> fill_scope_columns_sql(const Schema& schema) {
  // `shown` holds each field's value_key: "s:" and the text for a text (or reference).
  auto text_of = [](const std::string& field) {
    const std::string key = "(shown ->> " + quoted_literal(field) + ")";
    return "CASE WHEN " + key + " LIKE 's:%' THEN substr(" + key + ", 3) END";
  };
  std::vector<std::string> statements;
  for (const auto& collection : schema.collections()) {
    const std::string where = " WHERE collection = " + quoted_literal(collection.name);
    if (!collection.territory_field.empty()) {
      statements.push_back("UPDATE srv_records SET territory = " + text_of(collection.territory_field) + where);
    }
    if (!collection.scope_parent.empty()) {
      statements.push_back("UPDATE srv_records SET scope_parent = lower(" + text_of(collection.scope_parent) + ")" +
                           where);
    }
  }
  return statements;
}

ScopedChangesSql scoped_changes_sql(const Schema& schema, const TerritoryFilter& filter) {
  // One branch a collection, each an index range read in sequence order cut at the limit;
  // merged by sequence. A collection no reader of the filter may see has no branch.
  ScopedChangesSql query;
  std::string branches;
  for (const auto& collection : schema.collections()) {
    const auto& whole = filter.whole_collections;
    std::string condition;
    if (std::find(whole.begin(), whole.end(), collection.name) != whole.end()) {
      condition = "collection = " + quoted_literal(collection.name);
    } else {
      const auto chain = territory_chain(schema, collection);
      if (chain.empty() || filter.territories.empty()) continue;
      condition = territory_in(chain);
      query.binds_territories = true;
    }
    branches += std::string(branches.empty() ? "" : " UNION ALL ") + "(SELECT seq, state FROM srv_records WHERE " +
                condition + " AND seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3)";
  }
  if (!branches.empty()) query.sql = "SELECT seq, state FROM (" + branches + ") AS scoped ORDER BY seq LIMIT $3";
  return query;
}

}  // namespace fieldsync::server
