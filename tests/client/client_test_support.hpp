#pragma once

// Shared helpers of the client tests: a temporary directory, replicas on real SQLite
// files, a way to compare two replicas byte for byte, and a check for the Error type.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/test/expect_error.hpp"
#include "fieldsync/test/temp_dir.hpp"

namespace fieldsync::test {

inline Replica open_replica(const TempDir& dir, std::string_view name) {
  return Replica::open(dir.file(name), Schema::domain());
}

// Every record of every collection (deleted ones too) as "collection id <encoded state>"
// lines: two replicas that converged give the same bytes.
inline std::string replica_states(const Replica& replica) {
  std::string out;
  ListQuery all;
  all.include_deleted = true;
  for (const auto& collection : replica.schema().collections()) {
    for (const auto& record : replica.list(collection.name, all)) {
      out += collection.name + " " + record.state.id.to_string() + " " + encode_state(record.state) + "\n";
    }
  }
  return out;
}

// `count` customers in one transaction, alternately in territories "south" and "north".
inline std::vector<RecordId> create_customers(Replica& replica, std::size_t count) {
  std::vector<RecordId> ids;
  replica.transaction([&] {
    for (std::size_t i = 0; i < count; ++i) {
      ids.push_back(replica.create("customers", {{"name", Value("Customer " + std::to_string(i))},
                                                 {"territory", Value(std::string(i % 2 ? "north" : "south"))}}));
    }
  });
  return ids;
}

inline std::size_t record_count(const Replica& replica) {
  std::size_t n = 0;
  ListQuery all;
  all.include_deleted = true;
  for (const auto& collection : replica.schema().collections()) n += replica.list(collection.name, all).size();
  return n;
}


}  // namespace fieldsync::test
