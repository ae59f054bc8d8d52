#pragma once

#include <string>
#include <vector>

namespace fieldsync::loadgen {

// The same-run baseline of a first sync: bare SQLite storing the rows a pulled replica
// holds, in the same tables with the same indexes, the fastest way it allows (one
// transaction, a prepared INSERT per table, the indexes created after the rows).
class BareLoadBaseline {
 public:
  // Reads every row of the collection tables of `pulled_db` (a replica after a pull) into
  // memory, with the SQL of the tables and their indexes (not timed).
  explicit BareLoadBaseline(const std::string& pulled_db);
  ~BareLoadBaseline();
  BareLoadBaseline(const BareLoadBaseline&) = delete;
  BareLoadBaseline& operator=(const BareLoadBaseline&) = delete;

  // Loads them into a new file at `path`, configured as a replica is (WAL,
  // synchronous=NORMAL, temp_store=FILE, the same page cache); returns the seconds from
  // BEGIN to COMMIT.
  double load(const std::string& path) const;
  std::size_t rows() const { return rows_; }

 private:
  struct Table;
  std::vector<Table> tables_;
  std::size_t rows_ = 0;
};

}  // namespace fieldsync::loadgen
