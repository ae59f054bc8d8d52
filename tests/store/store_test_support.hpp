#pragma once

// Helpers of the store suites: a store of either kind on a fresh directory or database,
// and devices (in-memory replicas) whose local writes make the states to push.

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "fieldsync/core/clock.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/server/postgres_store.hpp"
#include "fieldsync/server/sqlite_store.hpp"
#include "fieldsync/test/pg_database.hpp"
#include "fieldsync/test/temp_dir.hpp"

namespace fieldsync::test {

// The cluster the PostgreSQL runs use; ctest's `postgres` fixture starts it and sets it.
inline std::string pg_cluster_url() {
  const std::string url = env_text("FIELDSYNC_TEST_PG_URL");
  if (url.empty()) {
    ADD_FAILURE() << "FIELDSYNC_TEST_PG_URL is not set: run through ctest (its postgres fixture starts a cluster), "
                     "or start one with tools/pg-cluster start DIR PORT and set it to the URL `tools/pg-cluster url` prints";
  }
  return url;
}

// A store of the kind `kind` names ("sqlite" or "postgresql") in a place of its own;
// open() again gives a second handle on the same data (a second server process).
class StoreFactory {
 public:
  explicit StoreFactory(std::string kind) : kind_(std::move(kind)) {
    if (kind_ == "postgresql") {
      const std::string cluster = pg_cluster_url();
      if (!cluster.empty()) url_ = fresh_pg_database(cluster);
    }
  }
  std::unique_ptr<server::Store> open(const Clock& clock) const {
    if (kind_ == "sqlite") return server::open_sqlite_store(dir_.path() / "server", Schema::domain(), clock, false);
    if (url_.empty()) throw Error(ErrorCode::kInvalidArgument, "no PostgreSQL cluster for this test");
    return server::open_postgres_store(url_, Schema::domain(), clock);
  }
  const std::string& url() const { return url_; }

 private:
  std::string kind_;
  TempDir dir_{"fieldsync-store"};
  std::string url_;
};

// A phone: an in-memory replica whose local writes make the states to push.
class Phone {
 public:
  Phone() : replica_(Replica::open(":memory:", Schema::domain())) {}
  RecordId customer(const std::string& name, const std::string& territory = "north") {
    return replica_.create("customers", {{"name", Value(name)}, {"territory", Value(territory)}});
  }
  RecordId order(const RecordId& customer, const std::string& number, const std::string& territory = "north") {
    return replica_.create("orders", {{"order_number", Value(number)},
                                      {"customer_id", Value(customer.to_string())},
                                      {"territory", Value(territory)}});
  }
  void rename(const RecordId& customer, const std::string& name) {
    replica_.update("customers", customer, {{"name", Value(name)}});
  }
  void remove(const std::string& collection, const RecordId& id) { replica_.remove(collection, id); }
  RecordState state(const std::string& collection, const RecordId& id) const {
    return *replica_.state(collection, id);
  }
  // Takes in what the server holds (as a pull would).
  void take(const RecordState& state) { replica_.merge(std::span<const RecordState>(&state, 1)); }
  ReplicaId id() const { return replica_.replica_id(); }
  std::uint64_t counter() const { return replica_.counter(); }

 private:
  Replica replica_;
};

}  // namespace fieldsync::test
