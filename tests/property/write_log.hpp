#pragma once

// The test's own model of every write the simulation made: which record, which fields,
// which dot and values, and the causal context the writer had just after writing. From it
// follows, independently of the engine's merge, which siblings must survive once every
// replica has seen every write (the multi-value register of DESIGN.md).

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "fieldsync/core/record_state.hpp"

namespace fieldsync::test {

struct LoggedWrite {
  std::vector<Sibling> fields_written;  // parallel to `names`
  std::vector<std::string> names;       // every field the write set, `_deleted` included
  VersionVector context;                // the record's vv at the writer just after the write
  Dot dot;
};

class WriteLog {
 public:
  using Key = std::pair<std::string, RecordId>;  // collection, id

  // `state` is the record at the writer right after the write: the logged siblings are
  // taken from it so that the model also pins each write's stamp.
  void add(const RecordState& state, const Dot& dot, const FieldValues& values);

  const std::map<Key, std::vector<LoggedWrite>>& records() const { return writes_; }
  std::size_t size() const { return count_; }

  // Siblings that must remain for `field`: the writes of it that no other write of it has
  // in its context (canonical order: by dot).
  std::vector<Sibling> expected_siblings(const Key& key, const std::string& field) const;
  // The record's final version vector: the join of every write's context.
  VersionVector expected_vv(const Key& key) const;
  // Every field some write of the record set.
  std::set<std::string> written_fields(const Key& key) const;

 private:
  std::map<Key, std::vector<LoggedWrite>> writes_;
  std::size_t count_ = 0;
};

}  // namespace fieldsync::test
