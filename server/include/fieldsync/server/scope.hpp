#pragma once

#include <optional>
#include <string>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/record_state.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/server/principal.hpp"
#include "fieldsync/server/store.hpp"

namespace fieldsync::server {

// Who may read and write which records. A record's territory is its collection's
// territory field, or, for collections with a scope parent (contacts, visits, tickets,
// order lines), the territory of the record it references, followed up the chain.
// Reps read and write their territories only; supervisors and admins everything.
// Products (read_only_for_reps) are readable by all; who writes them is the schema's write_roles
// (docs/rules.md), asked before scope so that a rep is told the rule, not a scope refusal.
// A refusal never tells a rep what lies outside their scope: not a territory, not whether
// a record exists.
class ScopePolicy {
 public:
  ScopePolicy(const Schema& schema, Store& store) : schema_(&schema), store_(&store) {}

  // The territory a state belongs to, or nullopt if it cannot be told (a missing parent).
  std::optional<std::string> territory_of(const RecordState& state) const;

  bool may_read(const Principal& who, const RecordState& state) const;
  // What `who` may read, for a store to read only that (a superset of may_read: the
  // records of their territories and the catalogue; everything for those who see it).
  ReadScope read_scope(const Principal& who) const;
  // What may_read needs of a state, looked up once (it may read parents from the store)
  // for many readers: live fan-out judges every connection by it under its lock.
  struct Readers {
    bool everyone = false;                 // the catalogue
    std::optional<std::string> territory;  // nullopt: only those who see everything
  };
  Readers readers_of(const RecordState& state) const;
  static bool may_read(const Principal& who, const Readers& readers);
  // nullopt if `who` may write `incoming` (over `stored`, if the store has it), else why
  // not: kForbidden for scope, kMissingField, kNotFound or kInvalidValue for a merged state
  // that breaks the schema's rules (record_rules.hpp), whoever writes it. Every reference
  // the write brings must name a record the server holds (earlier records of the same push
  // included) and, for a rep, one they may read. A value the write brings to a `unique`
  // field that another alive record of the collection shows is kAlreadyExists.
  std::optional<Error> write_refusal(const Principal& who, const RecordState& incoming,
                                     const RecordState* stored) const;
  // The territories that writing `incoming` over `stored` moves the record from and to
  // (its territory field, or the parent it references, changed); nullopt if it stays.
  std::optional<TerritoryMove> move_of(const RecordState& incoming, const RecordState* stored) const;

 private:
  std::optional<Error> reference_refusal(const Principal& who, const CollectionSchema& collection,
                                         const RecordState& merged, const RecordState* stored) const;
  std::optional<Error> duplicate_refusal(const CollectionSchema& collection, const RecordState& merged,
                                        const RecordState* stored) const;
  std::optional<Error> territory_mismatch(const CollectionSchema& collection, const RecordState& merged,
                                          const RecordState* stored) const;

  const Schema* schema_;
  Store* store_;
};

}  // namespace fieldsync::server
