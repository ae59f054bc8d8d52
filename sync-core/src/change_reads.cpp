#include "change_reads.hpp"

#include <algorithm>
#include <deque>
#include <limits>
#include <optional>
#include <queue>
#include <utility>

#include "territory_reads.hpp"

namespace fieldsync {
namespace {

constexpr std::uint64_t kNoEnd = std::numeric_limits<std::int64_t>::max();  // the highest _seq

void take_rows(ChangeBatch& batch, std::vector<StoredState>& rows) {
  std::sort(rows.begin(), rows.end(), [](const StoredState& a, const StoredState& b) { return a.seq < b.seq; });
  batch.states.reserve(rows.size());
  batch.seqs.reserve(rows.size());
  for (auto& row : rows) {
    batch.states.push_back(std::move(row.state));
    batch.seqs.push_back(row.seq);
  }
}

}  // namespace

ChangeReads::ChangeReads(sqlite::Database& db, const Schema& schema, const std::vector<CollectionTable>& tables,
                         DigestOf digest_of, std::uint64_t head)
    : db_(db), schema_(schema), tables_(tables), digest_of_(std::move(digest_of)), head_(head) {}

// The sources of changes_since: every table whole, or the rows `filter` keeps. A table
// with a territory column is read a territory at a time: each is then one range of its
// (territory, _seq) index, in order. A single IN (...) over the territories has SQLite
// read and sort every remaining row of the scope for each page, which made a pull from
// scratch quadratic in the scope.
std::vector<ChangeReads::RowSource> ChangeReads::row_sources(const TerritoryFilter* filter) const {
  std::vector<RowSource> sources;
  for (const auto& table : tables_) {
    if (!filter) {
      sources.push_back({&table, "", {}});
      continue;
    }
    // Territories are bound from ?3 on: ?1 and ?2 are the range's own.
    if (!table.schema().territory_field.empty() && filter->territories.size() > 1) {
      // Each territory once: a range read twice would repeat its rows.
      std::vector<std::string> territories = filter->territories;
      std::sort(territories.begin(), territories.end());
      territories.erase(std::unique(territories.begin(), territories.end()), territories.end());
      for (const auto& territory : territories) {
        const TerritoryFilter one{{territory}, filter->whole_collections};
        if (auto condition = territory_condition(schema_, table.schema(), one, 3)) {
          sources.push_back({&table, condition->empty() ? "" : " AND (" + *condition + ")", {territory}});
          if (condition->empty()) break;  // the whole table
        }
      }
      continue;
    }
    if (auto condition = territory_condition(schema_, table.schema(), *filter, 3)) {
      sources.push_back({&table, condition->empty() ? "" : " AND (" + *condition + ")",
                         condition->empty() ? std::vector<std::string>{} : filter->territories});
    }
  }
  return sources;
}

// A cached statement over `source`'s rows after `after` and up to `last`, in sequence order,
// selecting `columns`, bound. Statements open at the same time need their own `slot` (the
// sources of one table differ only in their parameters, so the SQL names the slot).
sqlite::Statement& ChangeReads::source_rows(const RowSource& source, const std::string& columns, std::uint64_t after,
                                            std::uint64_t last, std::size_t slot) {
  const std::string name = quoted(source.table->name());
  auto& s = db_.cached("SELECT " + columns + " FROM " + name + " WHERE " + name + "._seq > ?1 AND " + name +
                       "._seq <= ?2" + source.condition + " ORDER BY _seq /* " + std::to_string(slot) + " */");
  s.bind(1, static_cast<std::int64_t>(after)).bind(2, static_cast<std::int64_t>(last));
  for (std::size_t i = 0; i < source.params.size(); ++i) s.bind(static_cast<int>(i) + 3, source.params[i]);
  return s;
}

// The sequences of the first `count` changes after `after` over `sources` (every one if
// `count` is 0), from the indexes alone, sorted; one more if there are more. The sources'
// ranges are merged as they are stepped (a statement each, smallest next), so that a page
// steps count + 1 index entries in all, not count + 1 per territory.
std::vector<std::uint64_t> ChangeReads::first_seqs(const std::vector<RowSource>& sources, std::uint64_t after,
                                                   std::size_t count) {
  std::vector<sqlite::Statement*> open;
  std::deque<sqlite::ResetGuard> resets;
  using Next = std::pair<std::uint64_t, std::size_t>;  // seq, statement
  std::priority_queue<Next, std::vector<Next>, std::greater<>> next;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    auto& s = source_rows(sources[i], "_seq", after, kNoEnd, i);
    resets.emplace_back(s);
    open.push_back(&s);
    if (s.step()) next.emplace(static_cast<std::uint64_t>(s.column_int(0)), i);
  }
  std::vector<std::uint64_t> seqs;
  while (!next.empty() && (!count || seqs.size() <= count)) {
    const auto [first, i] = next.top();
    next.pop();
    seqs.push_back(first);
    if (open[i]->step()) next.emplace(static_cast<std::uint64_t>(open[i]->column_int(0)), i);
  }
  return seqs;
}

// The changes over the rows of `filter`'s sources, merged by sequence here: a UNION ALL with an ORDER BY
// would sort everything after `after` again for every page. The page's end is found on
// the indexes alone, so that only the rows it keeps are decoded. With `held`, see
// held_page.
ChangeBatch ChangeReads::page(const TerritoryFilter* filter, std::uint64_t after, std::size_t limit,
                              const HeldStates& held) {
  const std::vector<RowSource> sources = row_sources(filter);
  if (held) return held_page(sources, after, limit, held);
  ChangeBatch batch;
  std::uint64_t last = kNoEnd;
  if (limit) {
    const auto seqs = first_seqs(sources, after, limit);
    batch.more = seqs.size() > limit;
    if (batch.more) last = seqs[limit - 1];
  }
  std::vector<StoredState> rows;
  for (const auto& source : sources) {
    auto& s = source_rows(source, source.table->row_columns(), after, last);
    sqlite::ResetGuard reset(s);
    while (s.step()) rows.push_back(source.table->read_row(s));
  }
  take_rows(batch, rows);
  // Not more: every picked row up to the head is in the batch, the others are skipped.
  batch.to_seq = batch.more ? batch.seqs.back() : std::max(after, head_);
  return batch;
}

// changes_of with `held`: the page ends at `limit` states or `held.limit` held changes,
// whichever comes first, so within its first limit + held.limit + 1 changes. Their end is
// found on the indexes, then the rows up to it are read for their stored digests: a held
// row is read no further, so only the states sent are decoded. A row from before digests
// were kept is decoded and hashed.
ChangeBatch ChangeReads::held_page(const std::vector<RowSource>& sources, std::uint64_t after, std::size_t limit,
                                   const HeldStates& held) {
  const std::size_t window = limit && held.limit ? limit + held.limit + 1 : 0;
  const auto seqs = first_seqs(sources, after, window);
  const std::uint64_t window_last =
      window && seqs.size() > window ? seqs[window - 1] : kNoEnd;
  struct Entry {
    std::uint64_t seq;
    std::optional<StateDigest> digest;  // nullopt: not stored
    std::size_t source;
    bool held = false;
  };
  std::vector<Entry> entries;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    auto& s = source_rows(sources[i], "_seq, _digest", after, window_last);
    sqlite::ResetGuard reset(s);
    while (s.step()) {
      entries.push_back({static_cast<std::uint64_t>(s.column_int(0)), CollectionTable::read_digest(s, 1), i});
    }
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.seq < b.seq; });
  std::size_t taken = 0, states = 0, held_count = 0;
  for (; taken < entries.size(); ++taken) {
    Entry& e = entries[taken];
    e.held = e.digest && held.check(*e.digest);
    std::size_t& count = e.held ? held_count : states;
    if (const std::size_t cap = e.held ? held.limit : limit; cap && count == cap) break;
    ++count;
  }
  ChangeBatch batch;
  batch.more = taken < entries.size() || (window && seqs.size() > window);
  const std::uint64_t last = taken ? entries[taken - 1].seq : after;
  std::vector<std::pair<std::uint64_t, StateDigest>> held_rows;  // seq, digest
  std::vector<std::vector<std::pair<std::uint64_t, bool>>> unheld(sources.size());  // seq, digest unknown
  for (std::size_t i = 0; i < taken; ++i) {
    const Entry& e = entries[i];
    if (e.held) {
      held_rows.emplace_back(e.seq, *e.digest);
    } else {
      unheld[e.source].emplace_back(e.seq, !e.digest);
    }
  }
  std::vector<StoredState> rows;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    if (unheld[i].empty()) continue;
    auto& s = source_rows(sources[i], sources[i].table->row_columns(), after, last);
    sqlite::ResetGuard reset(s);
    const auto& wanted = unheld[i];  // in sequence order
    while (s.step()) {
      const auto row_seq = static_cast<std::uint64_t>(s.column_int(1));
      const auto it = std::lower_bound(wanted.begin(), wanted.end(), std::pair(row_seq, false));
      if (it == wanted.end() || it->first != row_seq) continue;  // held
      StoredState row = sources[i].table->read_row(s);
      if (it->second) {
        if (const StateDigest digest = digest_of_(row.state); held.check(digest)) {
          held_rows.emplace_back(row_seq, digest);
          continue;
        }
      }
      rows.push_back(std::move(row));
    }
  }
  take_rows(batch, rows);
  std::sort(held_rows.begin(), held_rows.end());
  for (const auto& [held_seq, digest] : held_rows) {
    batch.held_seqs.push_back(held_seq);
    batch.held.push_back(digest);
  }
  batch.to_seq = batch.more ? last : std::max(after, head_);
  return batch;
}

}  // namespace fieldsync
