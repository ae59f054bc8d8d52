// Several replicas on real SQLite files go offline and online in random order, editing
// customers and orders in their territories while away, and sync through the real client
// (WebSocket, sync_once) with the real server. At the end everybody syncs twice and must
// hold exactly the server's view of their scope, byte for byte.
//
// Everyone works within the sales rules (docs/rules.md; their own phones judge each write and
// a refused one is not made, as the app would not offer it): reps create and edit, while
// status moves, tier changes and deletes are the supervisors', always with a reason, so that
// no concurrent write the server receives is one the rules refuse. The rules' verdicts on
// concurrent moves have their own tests (sales_rules_test.cpp).
//
// Seeded: the seed is printed; FIELDSYNC_SEED=<seed> replays a run.

#include <algorithm>
#include <functional>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fieldsync/client/sync_once.hpp"
#include "server_fixture.hpp"
#include "system_support.hpp"

namespace fieldsync::testing {
namespace {

const std::vector<std::string> kCollections = {"customers", "orders"};
const std::vector<std::string> kAllTerritories = {"north", "south", "east", "west"};
const std::vector<std::string> kTiers = {"vip", "potential", "regular"};
const std::vector<std::string> kStatuses = {"received",  "reviewed",    "scheduled", "in_progress",
                                            "delivered", "after_sales", "cancelled"};

struct Member {
  server::Principal principal;
  std::string token;
  Replica replica;
  std::size_t syncs = 0;
};

class OfflineChurn {
 public:
  OfflineChurn(std::uint64_t seed, std::uint16_t port) : random_(seed), url_("ws://127.0.0.1:" + std::to_string(port) + "/sync") {}

  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(random_); }

  // One random local edit within the member's territories: create, update or delete a
  // customer or an order. Territories never change, so what a rep may read stays put.
  void edit(Member& m) {
    const bool supervisor = m.principal.role == server::Role::kSupervisor;
    const auto& territories = m.principal.sees_everything() ? kAllTerritories : m.principal.territories;
    auto customers = alive(m.replica, "customers");
    auto orders = alive(m.replica, "orders");
    const std::size_t what = pick(10);
    if (what < 3 || customers.empty()) {
      m.replica.create("customers", {{"name", Value("Customer " + std::to_string(++names_))},
                                     {"territory", Value(territories[pick(territories.size())])},
                                     {"tier", Value(kTiers[pick(kTiers.size())])}});
    } else if (what < 5) {
      const Record& customer = customers[pick(customers.size())];
      m.replica.create("orders", {{"order_number", Value("SO-" + std::to_string(++names_))},
                                  {"customer_id", Value(customer.state.id.to_string())},
                                  {"territory", customer.value("territory")},
                                  {"status", Value(std::string("received"))},
                                  {"amount", Value(static_cast<std::int64_t>(pick(100000)))}});
    } else if (what < 7) {
      const Record& customer = customers[pick(customers.size())];
      FieldValues values;
      if (chance(0.5)) values.emplace_back("phone", Value("555-" + std::to_string(pick(10000))));
      if (supervisor && chance(0.5)) values.emplace_back("tier", Value(kTiers[pick(kTiers.size())]));
      if (values.empty() || chance(0.3)) values.emplace_back("name", Value("Renamed " + std::to_string(++names_)));
      if (!judged([&] { m.replica.update("customers", customer.state.id, values); })) return;
    } else if (what < 9 && !orders.empty()) {
      const Record& order = orders[pick(orders.size())];
      FieldValues values;
      if (supervisor) {
        values = {{"status", Value(kStatuses[pick(kStatuses.size())])},
                  {"status_reason", Value("reason " + std::to_string(++names_))}};
      }
      if (values.empty() || chance(0.5)) values.emplace_back("notes", Value("note " + std::to_string(++names_)));
      if (chance(0.3)) values.emplace_back("amount", Value(static_cast<std::int64_t>(pick(100000))));
      if (!judged([&] { m.replica.update("orders", order.state.id, values); })) return;
    } else if (!supervisor) {
      const RecordId id = customers[pick(customers.size())].state.id;
      const Value email("c" + std::to_string(++names_) + "@example.com");
      if (!judged([&] { m.replica.update("customers", id, {{"email", email}}); })) return;
    } else if (!orders.empty() && chance(0.5)) {
      m.replica.remove("orders", orders[pick(orders.size())].state.id);
    } else {
      m.replica.remove("customers", customers[pick(customers.size())].state.id);
    }
    ++edits_;
  }

  void sync(Member& m) {
    client::SyncOptions options;
    options.sync.push_batch = 1 + pick(8);  // several pushes per sync, sometimes
    options.sync.pull_batch = static_cast<std::uint32_t>(1 + pick(16));
    auto stats = client::sync_once(m.replica, url_, m.token, options);
    EXPECT_EQ(stats.rejected, 0u) << m.principal.user << ": an edit within scope was refused";
    ++m.syncs;
  }

  // Makes an edit the member's phone may refuse by the sales rules (a random status may be
  // no legal move from where the order is; a rep may not write over a conflict); false if
  // it did.
  bool judged(const std::function<void()>& edit) {
    try {
      edit();
      return true;
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kRuleBroken) throw;
      ++refused_on_phone_;
      return false;
    }
  }

  std::size_t edits() const { return edits_; }
  std::size_t refused_on_phone() const { return refused_on_phone_; }
  std::mt19937_64& random() { return random_; }

 private:
  static std::vector<Record> alive(const Replica& replica, const std::string& collection) {
    return replica.list(collection);
  }

  std::mt19937_64 random_;
  std::string url_;
  std::size_t names_ = 0;
  std::size_t edits_ = 0;
  std::size_t refused_on_phone_ = 0;
};

TEST_F(ServerTest, ReplicasGoingOfflineAndOnlineInRandomOrderEndWithTheServersViewOfTheirScope) {
  const std::uint64_t seed = test_seed();
  std::cout << "FIELDSYNC_SEED=" << seed << " (set it to replay this run)\n";
  SCOPED_TRACE("FIELDSYNC_SEED=" + std::to_string(seed));
  OfflineChurn churn(seed, port());
  ScratchDir dir;

  // 4 to 6 members: the first a supervisor, the second a rep, the rest either.
  const std::vector<server::Principal> roster = {
      {"sue", server::Role::kSupervisor, {}},
      {"ana", server::Role::kRep, {"north"}},
      {"ben", server::Role::kRep, {"south", "east"}},
      {"cat", server::Role::kRep, {"east"}},
      {"dan", server::Role::kSupervisor, {}},
      {"eve", server::Role::kRep, {"west", "north"}},
  };
  const std::size_t count = 4 + churn.pick(3);
  std::vector<Member> members;
  for (std::size_t i = 0; i < count; ++i) {
    const auto& who = roster[i];
    if (who.user != "sue" && who.user != "ana") server_->store().add_user({who.user, who.role, who.territories});
    members.push_back(Member{who, issue(who.user), Replica::open(dir.file(who.user + ".db"), Schema::domain())});
  }

  constexpr int kRounds = 60;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    for (auto& m : members) {
      if (!churn.chance(0.5)) continue;
      const std::size_t n = 1 + churn.pick(4);
      for (std::size_t e = 0; e < n; ++e) churn.edit(m);
    }
    std::vector<std::size_t> online;
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (churn.chance(0.4)) online.push_back(i);
    }
    std::shuffle(online.begin(), online.end(), churn.random());
    for (auto i : online) ASSERT_NO_THROW(churn.sync(members[i])) << members[i].principal.user;
  }
  for (int pass = 0; pass < 2; ++pass) {
    for (auto& m : members) ASSERT_NO_THROW(churn.sync(m)) << m.principal.user;
  }

  std::size_t total_records = 0;
  for (auto& m : members) {
    SCOPED_TRACE(m.principal.user);
    EXPECT_EQ(m.replica.outbox_size(), 0u);
    EXPECT_TRUE(m.replica.rejections().empty());
    const StateDump expected = dump_server_scope(server_->store(), m.principal, kCollections);
    const StateDump actual = dump_replica(m.replica, kCollections);
    EXPECT_EQ(actual.size(), expected.size());
    EXPECT_EQ(first_difference(expected, actual), "");
    EXPECT_TRUE(actual == expected);
    if (m.principal.sees_everything()) total_records = expected.size();
  }
  // The run did something worth checking: edits in scope of different members.
  EXPECT_GT(churn.edits(), 50u);
  EXPECT_GT(total_records, 20u);
  const StateDump everything = dump_server_scope(server_->store(), {"x", server::Role::kSupervisor, {}}, kCollections);
  const StateDump north_only = dump_server_scope(server_->store(), {"x", server::Role::kRep, {"north"}}, kCollections);
  EXPECT_LT(north_only.size(), everything.size()) << "the reps' scopes were not exercised";
}

}  // namespace
}  // namespace fieldsync::testing
