// `storm`: the bare SQLite update path the server's merges are held against.
#include <string>
#include <vector>

#include "common.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/core/sqlite.hpp"
#include "scenario_storm.hpp"

namespace fieldsync::loadgen::storm {

namespace {

struct RowUpdate {
  std::string id;
  std::string phone;
  std::string state;
};

}  // namespace

BaselineResult run_baseline(const Plan& plan, Office& office, const std::string& file,
                            const std::vector<std::size_t>& order) {
  // The office's replica holds the server's rows: a copy of it is the same table (columns,
  // _state blobs of the same sizes, the indexes CollectionTable makes) with the same ids.
  office.replica.database().backup_to(file);
  sqlite::Database db(file);
  // What the server's store runs with (Replica::open with durable_commits).
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA temp_store = FILE");
  db.exec("PRAGMA cache_size = -32768");

  // Untimed: each push's rows with their stored blob (the new state is of the same size).
  std::vector<std::vector<RowUpdate>> pushes;
  std::int64_t seq = 0;
  {
    sqlite::Statement max_seq(db.handle(), "SELECT max(_seq) FROM customers");
    max_seq.step();
    seq = max_seq.column_int(0);
    sqlite::Statement load(db.handle(), "SELECT _state FROM customers WHERE id = ?1");
    for (std::size_t rep : order) {
      std::vector<RowUpdate>& push = pushes.emplace_back();
      const auto& ids = office.territory_ids[plan.territory_of(rep)];
      const std::vector<std::size_t> indexes = plan.edited_indexes(rep);
      for (std::size_t n = 0; n < indexes.size(); ++n) {
        RowUpdate row{ids[indexes[n]].to_string(), rep_phone(rep, n), {}};
        load.reset();
        load.bind(1, row.id);
        if (!load.step()) throw Error(ErrorCode::kNotFound, "storm baseline: no row " + row.id);
        row.state = std::string(load.column_blob(0));
        push.push_back(std::move(row));
      }
    }
  }

  BaselineResult result;
  sqlite::Statement update(db.handle(), "UPDATE customers SET phone = ?2, _state = ?3, _seq = ?4 WHERE id = ?1");
  const auto start = SteadyClock::now();
  for (const auto& push : pushes) {
    sqlite::Transaction transaction(db);
    for (const RowUpdate& row : push) {
      update.reset();
      update.bind(1, row.id, sqlite::Binding::kBorrow)
          .bind(2, row.phone, sqlite::Binding::kBorrow)
          .bind_blob(3, row.state, sqlite::Binding::kBorrow)
          .bind(4, ++seq);
      update.run();
    }
    transaction.commit();
    ++result.transactions;
    result.records += push.size();
  }
  result.seconds = seconds_between(start, SteadyClock::now());
  return result;
}

}  // namespace fieldsync::loadgen::storm
