// Reads by scope (Store::changes_since with a ReadScope), checked against both stores: for
// every reader, the scoped read returns exactly what the full read filtered by the read
// check returns, and its pages still move the checkpoint past other territories' changes.

#include <algorithm>
#include <cctype>

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "fieldsync/server/scope.hpp"
#include "store_test_support.hpp"

namespace fieldsync::test {
namespace {

using server::Principal;
using server::PushRefusal;
using server::ReadScope;
using server::Role;
using server::Store;

// Every state and sequence a reader pulls from `after`, in pages of `limit`.
struct Pulled {
  std::vector<RecordState> states;
  std::vector<std::uint64_t> seqs;
  std::uint64_t to_seq = 0;
};

class StoreScopedReadTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store_ = factory_.open(clock_);
    store_->add_user({"office", Role::kSupervisor, {}});
    const auto check = store_->register_replica(device_.replica_id(), 0, "", 0, "office");
    context_ = {"office", device_.replica_id(), clock_.now_ms(), check.epoch};
  }

  static ReplicaOptions unjudged() {
    ReplicaOptions options;
    options.judge_rules = false;  // the office's device writes whatever the test needs
    return options;
  }

  RecordId create(const std::string& collection, const FieldValues& values) {
    const RecordId id = device_.create(collection, values);
    pending_.push_back({collection, id});
    return id;
  }
  void update(const std::string& collection, const RecordId& id, const FieldValues& values) {
    device_.update(collection, id, values);
    pending_.push_back({collection, id});
  }
  // Pushes what was written since the last push, in the order written.
  void push() {
    std::vector<RecordState> states;
    for (const auto& [collection, id] : pending_) states.push_back(*device_.state(collection, id));
    pending_.clear();
    const auto accept_all = [](const RecordState&, const RecordState*) -> std::optional<PushRefusal> {
      return std::nullopt;
    };
    ASSERT_TRUE(store_->push(context_, states, accept_all).refused.empty());
  }

  Pulled pull(const Principal& who, const ReadScope& scope, std::uint64_t after, std::size_t limit) {
    const server::ScopePolicy policy(Schema::domain(), *store_);
    Pulled pulled;
    for (;;) {
      const auto page =
          store_->changes_since(after, limit, scope, [&](const RecordState& state) { return policy.may_read(who, state); });
      EXPECT_LE(page.states.size(), limit);
      pulled.states.insert(pulled.states.end(), page.states.begin(), page.states.end());
      pulled.seqs.insert(pulled.seqs.end(), page.seqs.begin(), page.seqs.end());
      EXPECT_GE(page.to_seq, after);
      after = page.to_seq;
      if (!page.more) break;
    }
    pulled.to_seq = after;
    return pulled;
  }

  // The scoped read, from every start and in pages of every size tried, returns what the
  // full read filtered by may_read does.
  Pulled expect_scoped_equals_full(const Principal& who) {
    const server::ScopePolicy policy(Schema::domain(), *store_);
    const ReadScope scope = policy.read_scope(who);
    EXPECT_EQ(scope.only.has_value(), !who.sees_everything());
    const std::uint64_t head = store_->head();
    for (const std::uint64_t after : {std::uint64_t{0}, head / 3, head / 2, head - 1, head}) {
      for (const std::size_t limit : {std::size_t{1}, std::size_t{3}, std::size_t{1000}}) {
        SCOPED_TRACE(who.user + " after " + std::to_string(after) + " limit " + std::to_string(limit));
        const Pulled full = pull(who, {}, after, limit);
        const Pulled scoped = pull(who, scope, after, limit);
        EXPECT_EQ(scoped.states, full.states);
        EXPECT_EQ(scoped.seqs, full.seqs);
        EXPECT_EQ(scoped.to_seq, head);
        EXPECT_EQ(full.to_seq, head);
      }
    }
    return pull(who, scope, 0, 1000);
  }

  static bool holds(const Pulled& pulled, const RecordId& id) {
    return std::any_of(pulled.states.begin(), pulled.states.end(), [&](const RecordState& s) { return s.id == id; });
  }

  ManualClock clock_{1'700'000'000'000};
  StoreFactory factory_{GetParam()};
  std::unique_ptr<Store> store_;
  Replica device_ = Replica::open(":memory:", Schema::domain(), unjudged());
  server::PushContext context_;
  std::vector<std::pair<std::string, RecordId>> pending_;
};

FieldValues customer(const std::string& name, const std::string& territory) {
  return {{"name", Value(name)}, {"territory", Value(territory)}};
}

TEST_P(StoreScopedReadTest, EveryReaderGetsWhatTheFullReadAndTheReadCheckGive) {
  const RecordId product = create("products", {{"sku", Value(std::string("P-1"))}, {"name", Value(std::string("Pump"))}});
  RecordId north_customer, south_customer, moved;
  RecordId north_contact, upper_case_contact, orphan_contact, moved_contact, north_line, south_visit;
  for (const std::string territory : {"north", "south", "east"}) {
    const RecordId c = create("customers", customer("C " + territory, territory));
    const RecordId contact = create("contacts", {{"customer_id", Value(c.to_string())}, {"name", Value(std::string("Kim"))}});
    const RecordId order = create("orders", {{"order_number", Value("N-" + territory)},
                                             {"customer_id", Value(c.to_string())},
                                             {"territory", Value(territory)}});
    const RecordId line = create("order_lines", {{"order_id", Value(order.to_string())},
                                                 {"product_id", Value(product.to_string())},
                                                 {"quantity", Value(std::int64_t{2})},
                                                 {"unit_price", Value(std::int64_t{1000})}});
    const RecordId visit = create("visits", {{"customer_id", Value(c.to_string())}});
    if (territory == "north") north_customer = c, north_contact = contact, north_line = line;
    if (territory == "south") south_customer = c, south_visit = visit;
  }
  // A reference may name its record in upper case; one may name no record the server holds.
  std::string upper = north_customer.to_string();
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  upper_case_contact = create("contacts", {{"customer_id", Value(upper)}, {"name", Value(std::string("Upper"))}});
  orphan_contact = create("contacts", {{"customer_id", Value(std::string("018f0000-0000-7000-8000-000000000000"))},
                                       {"name", Value(std::string("Nobody's"))}});
  moved = create("customers", customer("Moving", "north"));
  moved_contact = create("contacts", {{"customer_id", Value(moved.to_string())}, {"name", Value(std::string("Lee"))}});
  push();
  // Many changes in other territories, then the move of a customer from north to south
  // (its contact is not written again: its territory changes with its parent's).
  for (int i = 0; i < 6; ++i) create("customers", customer("E" + std::to_string(i), "east"));
  push();
  update("customers", moved, {{"territory", Value(std::string("south"))}});
  device_.remove("contacts", north_contact);
  pending_.push_back({"contacts", north_contact});
  push();

  const Pulled ana = expect_scoped_equals_full({"ana", Role::kRep, {"north"}});
  EXPECT_TRUE(holds(ana, product));  // the catalogue, for everyone
  EXPECT_TRUE(holds(ana, north_customer));
  EXPECT_TRUE(holds(ana, north_contact));  // its tombstone
  EXPECT_TRUE(holds(ana, upper_case_contact));
  EXPECT_TRUE(holds(ana, north_line));
  EXPECT_FALSE(holds(ana, south_customer));
  EXPECT_FALSE(holds(ana, moved));
  EXPECT_FALSE(holds(ana, moved_contact));
  EXPECT_FALSE(holds(ana, orphan_contact));

  const Pulled bob = expect_scoped_equals_full({"bob", Role::kRep, {"south", "west"}});
  EXPECT_TRUE(holds(bob, moved));
  EXPECT_TRUE(holds(bob, moved_contact));
  EXPECT_TRUE(holds(bob, south_visit));
  EXPECT_FALSE(holds(bob, north_customer));

  // Every territory, one twice: each is read as a range of its own and merged by sequence.
  const Pulled all_three = expect_scoped_equals_full({"cai", Role::kRep, {"north", "south", "east", "north"}});
  EXPECT_TRUE(holds(all_three, north_customer));
  EXPECT_TRUE(holds(all_three, south_customer));
  EXPECT_FALSE(holds(all_three, orphan_contact));

  const Pulled nobody = expect_scoped_equals_full({"new-rep", Role::kRep, {}});
  ASSERT_EQ(nobody.states.size(), 1u);  // the catalogue only
  EXPECT_EQ(nobody.states[0].id, product);

  const Pulled sue = expect_scoped_equals_full({"sue", Role::kSupervisor, {}});
  EXPECT_TRUE(holds(sue, orphan_contact));
  expect_scoped_equals_full({"root", Role::kAdmin, {}});
}

TEST_P(StoreScopedReadTest, APageMovesTheCheckpointPastOtherTerritoriesChanges) {
  create("customers", customer("Mine", "north"));
  push();
  const std::uint64_t mine = store_->head();
  for (int i = 0; i < 20; ++i) create("customers", customer("Theirs " + std::to_string(i), "south"));
  push();
  const Principal ana{"ana", Role::kRep, {"north"}};
  const server::ScopePolicy policy(Schema::domain(), *store_);
  auto visible = [&](const RecordState& state) { return policy.may_read(ana, state); };
  const auto page = store_->changes_since(mine, 5, policy.read_scope(ana), visible);
  EXPECT_TRUE(page.states.empty());
  EXPECT_FALSE(page.more);
  EXPECT_EQ(page.to_seq, store_->head());
  const auto from_zero = store_->changes_since(0, 5, policy.read_scope(ana), visible);
  ASSERT_EQ(from_zero.states.size(), 1u);
  EXPECT_EQ(from_zero.to_seq, store_->head());
}

// A PostgreSQL store from before migration 3 (no scope columns) gets them at its next
// open, filled for the rows it holds. PostgreSQL only: the SQLite store makes its indexes at
// every open.
using OlderPostgresqlStoreTest = StoreScopedReadTest;

TEST_P(OlderPostgresqlStoreTest, GetsItsScopeColumnsFilled) {
  const RecordId north = create("customers", customer("North", "north"));
  const RecordId contact = create("contacts", {{"customer_id", Value(north.to_string())}, {"name", Value(std::string("Kim"))}});
  const RecordId south = create("customers", customer("South", "south"));
  push();
  store_.reset();
  {
    pqxx::connection connection(factory_.url());
    pqxx::work txn(connection);
    txn.exec("DROP INDEX srv_records_by_territory, srv_records_by_scope_parent, srv_records_by_collection");
    txn.exec("ALTER TABLE srv_records DROP COLUMN territory, DROP COLUMN scope_parent");
    txn.exec("DELETE FROM srv_migrations WHERE version = 3");
    txn.commit();
  }
  store_ = factory_.open(clock_);
  const Pulled ana = expect_scoped_equals_full({"ana", Role::kRep, {"north"}});
  EXPECT_TRUE(holds(ana, north));
  EXPECT_TRUE(holds(ana, contact));
  EXPECT_FALSE(holds(ana, south));
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreScopedReadTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });
INSTANTIATE_TEST_SUITE_P(Stores, OlderPostgresqlStoreTest, ::testing::Values("postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

}  // namespace
}  // namespace fieldsync::test
