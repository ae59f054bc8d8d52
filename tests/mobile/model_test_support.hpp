#pragma once

// Replicas on real SQLite files for the model tests, and an "office" that sends records
// to a phone the way a sync would (merging states), so that they are not pending there.

#include <string>

#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/test/temp_dir.hpp"

namespace fieldsync::app::test {

inline Replica open_file(const fieldsync::test::TempDir& dir, const std::string& name) {
  return Replica::open(dir.file(name), Schema::domain());
}

inline Value text(const std::string& s) { return Value(s); }

// Delivers everything `from` holds to `to`, as a sync would.
inline void deliver(const Replica& from, Replica& to) { to.merge(from.changes_since(0).states); }

}  // namespace fieldsync::app::test
