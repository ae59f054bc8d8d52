// A customer moved to another territory leaves the phones of the reps who lost it, with its
// visits, and reaches the reps who gained it with its history: real server, real replicas.
#include "fieldsync/client/sync_once.hpp"
#include "server_fixture.hpp"

namespace fieldsync::testing {
namespace {

class TerritoryMoveTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    server_->store().add_user({"bob", server::Role::kRep, {"east"}});
    server_->store().add_user({"cleo", server::Role::kRep, {"north", "east"}});
    bob_token_ = issue("bob");
    cleo_token_ = issue("cleo");
  }

  Replica phone(const std::string& name) {
    return Replica::open((data_dir_ / (name + ".db")).string(), Schema::domain());
  }

  ClientSyncStats sync(Replica& replica, const std::string& token) {
    return client::sync_once(replica, "ws://127.0.0.1:" + std::to_string(port()) + "/sync", token);
  }

  static bool holds(const Replica& replica, const char* collection, const RecordId& id) {
    return replica.get(collection, id).has_value();
  }

  std::string bob_token_;
  std::string cleo_token_;
};

TEST_F(TerritoryMoveTest, AMovedCustomerLeavesTheRepsWhoLostItAndReachesThoseWhoGainedIt) {
  Replica sue = phone("sue");
  Replica ana = phone("ana");
  Replica bob = phone("bob");
  Replica cleo = phone("cleo");
  const RecordId customer =
      sue.create("customers", {{"name", Value(std::string("Hotel Aurora"))}, {"territory", Value(std::string("north"))}});
  const RecordId visit = sue.create("visits", {{"customer_id", Value(customer.to_string())},
                                               {"visited_on", Value(std::string("2030-01-02"))},
                                               {"summary", Value(std::string("Wants a quote"))}});
  sync(sue, sue_token_);
  for (auto [replica, token] : {std::pair{&ana, &ana_token_}, {&bob, &bob_token_}, {&cleo, &cleo_token_}}) {
    sync(*replica, *token);
  }
  ASSERT_TRUE(holds(ana, "visits", visit));
  ASSERT_FALSE(holds(bob, "customers", customer));

  sue.update("customers", customer, {{"territory", Value(std::string("east"))}});
  sync(sue, sue_token_);

  // Ana lost it: a resync drops the customer and the visit that follows it.
  ClientSyncStats stats = sync(ana, ana_token_);
  EXPECT_TRUE(stats.resynced);
  EXPECT_FALSE(holds(ana, "customers", customer));
  EXPECT_FALSE(holds(ana, "visits", visit));
  EXPECT_FALSE(sync(ana, ana_token_).resynced) << "once is enough";

  // Bob gained it: the visit, which did not change, comes with it.
  stats = sync(bob, bob_token_);
  EXPECT_TRUE(stats.resynced);
  EXPECT_TRUE(holds(bob, "customers", customer));
  ASSERT_TRUE(holds(bob, "visits", visit));
  EXPECT_EQ(bob.get("visits", visit)->value("summary"), Value(std::string("Wants a quote")));

  // Cleo covers both territories: nothing left or entered her scope.
  stats = sync(cleo, cleo_token_);
  EXPECT_FALSE(stats.resynced);
  EXPECT_EQ(cleo.get("customers", customer)->value("territory"), Value(std::string("east")));
  EXPECT_TRUE(holds(cleo, "visits", visit));

  const std::string metrics = server_->metrics().render();
  EXPECT_NE(metrics.find("fieldsync_territory_moves_total 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("fieldsync_resyncs_requested_total 2\n"), std::string::npos) << metrics;  // Ana, Bob
}

TEST_F(TerritoryMoveTest, AnEditOfTheMovedCustomerMadeOfflineIsRefusedAndKeptOnThePhone) {
  Replica sue = phone("sue");
  Replica ana = phone("ana");
  const RecordId customer =
      sue.create("customers", {{"name", Value(std::string("Hotel Aurora"))}, {"territory", Value(std::string("north"))}});
  sync(sue, sue_token_);
  sync(ana, ana_token_);

  ana.update("customers", customer, {{"phone", Value(std::string("+49 30 1"))}});  // offline
  sue.update("customers", customer, {{"territory", Value(std::string("east"))}});
  sync(sue, sue_token_);

  // Pushed first, refused (no longer hers), and kept with its refusal for Ana to see.
  const ClientSyncStats stats = sync(ana, ana_token_);
  EXPECT_TRUE(stats.resynced);
  EXPECT_EQ(stats.rejected, 1u);
  EXPECT_TRUE(holds(ana, "customers", customer));
  EXPECT_EQ(ana.rejections().size(), 1u);
}

}  // namespace
}  // namespace fieldsync::testing
