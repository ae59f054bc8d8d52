// The rules matrix: who may make which move on which record, judged by a real server for
// writes made online, offline (a chain of moves pushed as one state) and concurrently (two
// phones from the same base). The acting phones judge nothing themselves (an old or hostile
// app): every verdict here is the server's. An honest phone's own refusal is tested last.

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fieldsync/client/sync_once.hpp"
#include "server_fixture.hpp"

namespace fieldsync::testing {
namespace {

Value text(const std::string& s) { return Value(s); }

class SalesRulesTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    server_->store().add_user({"ada", server::Role::kAdmin, {}});
    tokens_ = {{"rep", ana_token_}, {"supervisor", sue_token_}, {"admin", issue("ada")}};
    Replica office = phone("office");
    customer_ = office.create("customers", {{"name", text("Nordwind")}, {"territory", text("north")}});
    ASSERT_EQ(sync(office, "supervisor").rejected, 0u);
  }

  // A phone that leaves every rule to the server, or (`judging`) one that checks first.
  Replica phone(const std::string& name, bool judging = false) {
    ReplicaOptions options;
    options.judge_rules = judging;
    return Replica::open((data_dir_ / (name + ".db")).string(), Schema::domain(), options);
  }

  ClientSyncStats sync(Replica& replica, const std::string& role) {
    return client::sync_once(replica, "ws://127.0.0.1:" + std::to_string(port()) + "/sync", tokens_.at(role));
  }

  // A record the supervisor made and synced, with `values`.
  RecordId seed(const std::string& collection, FieldValues values) {
    Replica office = phone("office");
    sync(office, "supervisor");
    values.emplace_back(collection == "orders" || collection == "tickets" ? "customer_id" : "territory",
                        text(collection == "orders" || collection == "tickets" ? customer_.to_string() : "north"));
    if (collection == "orders") {
      values.emplace_back("territory", text("north"));
      values.emplace_back("order_number", text("N-" + std::to_string(++orders_)));
    }
    const RecordId id = office.create(collection, values);
    EXPECT_EQ(sync(office, "supervisor").rejected, 0u) << "seeding " << collection;
    return id;
  }

  std::string server_value(const std::string& collection, const RecordId& id, const std::string& field) {
    auto state = server_->store().get(collection, id);
    if (!state) return "(none)";
    const FieldSchema& schema = *Schema::domain().require(collection).field(field);
    const FieldState* f = state->field(field);
    return f ? format_value(schema, resolve(schema, f->siblings).value) : "";
  }

  static std::optional<PushRejection> refusal_of(const Replica& replica, const RecordId& id) {
    for (auto& r : replica.rejections()) {
      if (r.id == id) return r;
    }
    return std::nullopt;
  }

  // The phone's push of `id` was refused for a broken rule, audited, and the words say `why`.
  void expect_broken(const Replica& replica, const std::string& collection, const RecordId& id, const std::string& why) {
    auto refusal = refusal_of(replica, id);
    ASSERT_TRUE(refusal) << "accepted, expected a refusal saying: " << why;
    EXPECT_EQ(error_code_name(refusal->code), "rule_broken") << refusal->reason;
    EXPECT_NE(refusal->reason.find(why), std::string::npos) << refusal->reason;
    auto history = server_->store().history(collection, id);
    ASSERT_FALSE(history.empty());
    EXPECT_EQ(history.back().action, "refused");
    EXPECT_EQ(history.back().detail, refusal->reason);
  }

  std::map<std::string, std::string> tokens_;
  RecordId customer_;
  int orders_ = 0;
};

// One online move: the acting role's phone pulls the record, writes, pushes.
struct OnlineCase {
  std::string role;
  std::string collection;
  FieldValues start;  // the record as the supervisor made it
  FieldValues write;  // the acting role's write (empty: a delete)
  std::string refusal;  // empty: accepted
};

std::string describe(const OnlineCase& c) {
  std::string text = c.role + " " + c.collection;
  for (const auto& [field, value] : c.write) text += " " + field + "=" + (is_null(value) ? "" : std::get<std::string>(value));
  return text + (c.write.empty() ? " delete" : "");
}

TEST_F(SalesRulesTest, OnlineMovesByRole) {
  const std::vector<OnlineCase> cases = {
      // Orders: the review is a supervisor's; reps move forward; admins keep the catalogue.
      {"rep", "orders", {{"status", text("received")}}, {{"status", text("reviewed")}}, "only a supervisor may"},
      {"supervisor", "orders", {{"status", text("received")}}, {{"status", text("reviewed")}}, ""},
      {"admin", "orders", {{"status", text("received")}}, {{"status", text("reviewed")}}, "only a supervisor may"},
      {"rep", "orders", {{"status", text("reviewed")}}, {{"status", text("scheduled")}}, ""},
      {"rep", "orders", {{"status", text("after_sales")}}, {{"status", text("received")}, {"status_reason", text("x")}},
       "from 'after_sales' to 'received': only a supervisor may"},
      {"supervisor", "orders", {{"status", text("after_sales")}}, {{"status", text("received")}}, "give a reason in 'status_reason'"},
      {"supervisor", "orders", {{"status", text("after_sales")}}, {{"status", text("received")}, {"status_reason", text("wrong address")}}, ""},
      {"rep", "orders", {{"status", text("received")}}, {{"status", text("cancelled")}, {"status_reason", text("duplicate")}}, ""},
      {"rep", "orders", {{"status", text("in_progress")}}, {{"status", text("cancelled")}, {"status_reason", text("no stock")}},
       "only a supervisor may"},
      {"supervisor", "orders", {{"status", text("in_progress")}}, {{"status", text("cancelled")}, {"status_reason", text("no stock")}}, ""},
      {"rep", "orders", {{"status", text("received")}}, {{"order_date", text("2020-01-01")}}, "may not change order_date"},
      // Deletes.
      {"rep", "orders", {{"status", text("received")}}, {}, ""},
      {"rep", "orders", {{"status", text("reviewed")}}, {}, "may not delete"},
      {"supervisor", "orders", {{"status", text("reviewed")}}, {}, ""},
      {"rep", "tickets", {{"kind", text("complaint")}}, {}, "may not delete"},
      {"rep", "customers", {{"name", text("Acme")}}, {}, "may not delete"},
      // Customer files: tier, owner and territory are a supervisor's.
      {"rep", "customers", {{"name", text("Acme")}}, {{"tier", text("vip")}}, "may not change tier"},
      {"rep", "customers", {{"name", text("Acme")}}, {{"owner", text("ana")}}, "may not change owner"},
      {"supervisor", "customers", {{"name", text("Acme")}}, {{"tier", text("vip")}}, ""},
      {"rep", "customers", {{"name", text("Acme")}}, {{"phone", text("+86 10 1234")}}, ""},
      // Tickets: returns are approved by a supervisor; resolving needs the result.
      {"rep", "tickets", {{"kind", text("return")}}, {{"status", text("approved")}}, "only a supervisor may"},
      {"supervisor", "tickets", {{"kind", text("return")}}, {{"status", text("approved")}}, ""},
      {"rep", "tickets", {{"kind", text("complaint")}}, {{"status", text("in_progress")}}, ""},
      {"rep", "tickets", {{"kind", text("complaint")}, {"status", text("in_progress")}}, {{"status", text("resolved")}},
       "fill in 'resolution'"},
      {"rep", "tickets", {{"kind", text("complaint")}, {"status", text("in_progress")}},
       {{"status", text("resolved")}, {"resolution", text("part replaced")}, {"resolved_on", text("2026-12-04")}}, ""},
      {"supervisor", "tickets", {{"kind", text("complaint")}, {"status", text("resolved")}, {"resolution", text("ok")},
                                 {"resolved_on", text("2026-12-04")}}, {{"status", text("closed")}}, ""},
      {"rep", "tickets", {{"kind", text("complaint")}, {"status", text("resolved")}, {"resolution", text("ok")},
                          {"resolved_on", text("2026-12-04")}}, {{"status", text("closed")}}, "only a supervisor may"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(describe(c));
    const RecordId id = seed(c.collection, c.start);
    Replica actor = phone(c.role + std::to_string(orders_) + c.collection + std::to_string(&c - cases.data()));
    sync(actor, c.role);
    ASSERT_TRUE(actor.get(c.collection, id));
    if (c.write.empty()) {
      actor.remove(c.collection, id);
    } else {
      actor.update(c.collection, id, c.write);
    }
    sync(actor, c.role);
    if (c.refusal.empty()) {
      EXPECT_FALSE(refusal_of(actor, id)) << refusal_of(actor, id)->reason;
      if (!c.write.empty()) {
        const auto& [field, value] = c.write.front();
        EXPECT_EQ(server_value(c.collection, id, field), std::get<std::string>(value));
      } else {
        EXPECT_EQ(server_value(c.collection, id, "_deleted"), "true");
      }
    } else {
      expect_broken(actor, c.collection, id, c.refusal);
      if (!c.write.empty()) {
        const auto& [field, value] = c.write.front();
        EXPECT_NE(server_value(c.collection, id, field), std::get<std::string>(value)) << "the refused value was stored";
      }
    }
  }
}

TEST_F(SalesRulesTest, TheCatalogueIsWrittenByAdminsOnly) {
  for (const std::string role : {"rep", "supervisor", "admin"}) {
    SCOPED_TRACE(role);
    Replica actor = phone("catalogue-" + role);
    const RecordId product = actor.create("products", {{"sku", text("P-" + role)}, {"name", text("Pump")}});
    sync(actor, role);
    if (role == "admin") {
      EXPECT_FALSE(refusal_of(actor, product));
      EXPECT_EQ(server_value("products", product, "sku"), "P-admin");
    } else {
      expect_broken(actor, "products", product, "only an admin may");
    }
  }
}

TEST_F(SalesRulesTest, ARepsOfflineChainForwardIsAcceptedButAChainThroughTheReviewIsNot) {
  const RecordId scheduled = seed("orders", {{"status", text("scheduled")}});
  const RecordId received = seed("orders", {{"status", text("received")}});
  Replica ana = phone("ana");
  sync(ana, "rep");
  // Offline for a day: scheduled -> in progress -> delivered, pushed as one state.
  ana.update("orders", scheduled, {{"status", text("in_progress")}});
  ana.update("orders", scheduled, {{"status", text("delivered")}});
  // And a received order pushed straight to scheduled (the review skipped).
  ana.update("orders", received, {{"status", text("scheduled")}});
  sync(ana, "rep");
  EXPECT_FALSE(refusal_of(ana, scheduled));
  EXPECT_EQ(server_value("orders", scheduled, "status"), "delivered");
  expect_broken(ana, "orders", received, "from 'received' to 'scheduled': only a supervisor may");
  EXPECT_EQ(server_value("orders", received, "status"), "received");
}

TEST_F(SalesRulesTest, AnAdvanceConcurrentWithACancellationStaysForASupervisorToSettle) {
  const RecordId order = seed("orders", {{"status", text("reviewed")}});
  Replica ana = phone("ana");
  Replica sue = phone("sue");
  sync(ana, "rep");
  sync(sue, "supervisor");
  sue.update("orders", order, {{"status", text("cancelled")}, {"status_reason", text("customer withdrew")}});
  ana.update("orders", order, {{"status", text("scheduled")}});
  sync(sue, "supervisor");
  sync(ana, "rep");
  EXPECT_FALSE(refusal_of(ana, order)) << refusal_of(ana, order)->reason;
  EXPECT_EQ(server_value("orders", order, "status"), "cancelled") << "a cancellation shows over an advance";
  auto stored = server_->store().get("orders", order);
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->field("status")->siblings.size(), 2u);

  // The rep may not settle it, even by picking a value in conflict.
  sync(ana, "rep");
  ana.update("orders", order, {{"status", text("scheduled")}});
  sync(ana, "rep");
  expect_broken(ana, "orders", order, "a rep may not settle the conflict on status");

  // A supervisor may not settle it by typing a stage two moves past one of them.
  Replica sue2 = phone("sue2");
  sync(sue2, "supervisor");
  sue2.update("orders", order, {{"status", text("delivered")}, {"status_reason", text("delivered after all")}});
  sync(sue2, "supervisor");
  expect_broken(sue2, "orders", order, "may not move status of orders from 'scheduled' to 'delivered'");

  // Picking one of the values in conflict settles it.
  Replica sue3 = phone("sue3");
  sync(sue3, "supervisor");
  sue3.update("orders", order, {{"status", text("scheduled")}});
  sync(sue3, "supervisor");
  EXPECT_FALSE(refusal_of(sue3, order));
  EXPECT_EQ(server_value("orders", order, "status"), "scheduled");
  EXPECT_EQ(server_->store().get("orders", order)->field("status")->siblings.size(), 1u);
}

TEST_F(SalesRulesTest, AnOfflineMoveBackConcurrentWithAnAdvanceIsRefused) {
  const RecordId order = seed("orders", {{"status", text("in_progress")}});
  Replica ana = phone("ana");
  Replica sue = phone("sue");
  sync(ana, "rep");
  sync(sue, "supervisor");
  sue.update("orders", order, {{"status", text("delivered")}});
  sync(sue, "supervisor");
  // The rep's phone, offline, tries a cancellation only a supervisor may make.
  ana.update("orders", order, {{"status", text("cancelled")}, {"status_reason", text("x")}});
  sync(ana, "rep");
  expect_broken(ana, "orders", order, "moved on while this change was made offline");
  EXPECT_EQ(server_value("orders", order, "status"), "delivered");
}

// `owner` and every "who" name a user by sign-in name, so that reports count one rep once.
TEST_F(SalesRulesTest, EveryWhoNamesAUser) {
  const RecordId customer = seed("customers", {{"name", text("Acme")}});
  Replica sue = phone("sue-owner");
  sync(sue, "supervisor");
  sue.update("customers", customer, {{"owner", text("Anna Weber")}});
  sync(sue, "supervisor");
  auto refusal = refusal_of(sue, customer);
  ASSERT_TRUE(refusal) << "a free-text owner was accepted";
  EXPECT_EQ(error_code_name(refusal->code), "invalid_argument");
  EXPECT_NE(refusal->reason.find("'Anna Weber', who is not a user"), std::string::npos) << refusal->reason;
  EXPECT_EQ(server_value("customers", customer, "owner"), "sue");  // the default when it was made

  Replica sue2 = phone("sue-owner2");
  sync(sue2, "supervisor");
  sue2.update("customers", customer, {{"owner", text("ana")}});
  sync(sue2, "supervisor");
  EXPECT_FALSE(refusal_of(sue2, customer)) << refusal_of(sue2, customer)->reason;
  EXPECT_EQ(server_value("customers", customer, "owner"), "ana");

  Replica ana = phone("ana-visit");
  sync(ana, "rep");
  const RecordId visit =
      ana.create("visits", {{"customer_id", text(customer_.to_string())}, {"author", text("ghost")}});
  const RecordId order = ana.create("orders", {{"customer_id", text(customer_.to_string())},
                                               {"territory", text("north")}, {"order_number", text("W-1")},
                                               {"responsible", text("sue")}});
  sync(ana, "rep");
  ASSERT_TRUE(refusal_of(ana, visit));
  EXPECT_NE(refusal_of(ana, visit)->reason.find("author of visits names 'ghost'"), std::string::npos);
  EXPECT_FALSE(refusal_of(ana, order)) << refusal_of(ana, order)->reason;
  EXPECT_EQ(server_value("orders", order, "responsible"), "sue");
}

TEST_F(SalesRulesTest, AnHonestPhoneRefusesTheMoveItselfAndQueuesNothing) {
  const RecordId order = seed("orders", {{"status", text("received")}});
  Replica ana = phone("honest", true);
  sync(ana, "rep");
  const auto queued = ana.outbox_size();
  try {
    ana.update("orders", order, {{"status", text("reviewed")}});
    ADD_FAILURE() << "the phone let a rep review an order";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kRuleBroken);
    EXPECT_NE(std::string(e.what()).find("only a supervisor may"), std::string::npos) << e.what();
  }
  EXPECT_EQ(ana.outbox_size(), queued);
  EXPECT_EQ(ana.get("orders", order)->value("status"), text("received"));
  // Defaults name the signed-in user and today's date.
  const RecordId visit = ana.create("visits", {{"customer_id", text(customer_.to_string())}});
  EXPECT_EQ(ana.get("visits", visit)->value("author"), text("ana"));
  EXPECT_FALSE(is_null(ana.get("visits", visit)->value("visited_on")));
  EXPECT_EQ(sync(ana, "rep").rejected, 0u);
}

}  // namespace
}  // namespace fieldsync::testing
