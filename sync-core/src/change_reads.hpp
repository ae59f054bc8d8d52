#pragma once

// Reading a replica's changes in sequence order, a page at a time (Replica::changes_since):
// over every collection table, or over the rows of a TerritoryFilter a territory at a time,
// and with the changes a reader holds named by their stored digests (HeldStates).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "collection_table.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/core/sqlite.hpp"
#include "fieldsync/core/state_digest.hpp"
#include "fieldsync/core/territory_filter.hpp"

namespace fieldsync {

// A view of a replica's tables for one read: it holds references, not copies.
class ChangeReads {
 public:
  // `digest_of` hashes a decoded state (for rows stored before digests were kept); `head`
  // is the replica's last sequence, where a page that reaches the end moves to_seq.
  using DigestOf = std::function<StateDigest(const RecordState&)>;
  ChangeReads(sqlite::Database& db, const Schema& schema, const std::vector<CollectionTable>& tables,
              DigestOf digest_of, std::uint64_t head);

  // The changes after `after`, at most `limit` states (0: no limit), of every record or of
  // those `filter` keeps; with `held`, see Replica::changes_since.
  ChangeBatch page(const TerritoryFilter* filter, std::uint64_t after, std::size_t limit, const HeldStates& held);

 private:
  // A range of rows changes_since reads in sequence order: a table's rows, or those of one
  // of its territories.
  struct RowSource {
    const CollectionTable* table;
    std::string condition;            // " AND (...)", or "" for every row
    std::vector<std::string> params;  // the condition's, bound from ?3 on
  };

  std::vector<RowSource> row_sources(const TerritoryFilter* filter) const;
  sqlite::Statement& source_rows(const RowSource& source, const std::string& columns, std::uint64_t after,
                                 std::uint64_t last, std::size_t slot = 0);
  std::vector<std::uint64_t> first_seqs(const std::vector<RowSource>& sources, std::uint64_t after,
                                        std::size_t count);
  ChangeBatch held_page(const std::vector<RowSource>& sources, std::uint64_t after, std::size_t limit,
                        const HeldStates& held);

  sqlite::Database& db_;
  const Schema& schema_;
  const std::vector<CollectionTable>& tables_;
  DigestOf digest_of_;
  std::uint64_t head_;
};

}  // namespace fieldsync
