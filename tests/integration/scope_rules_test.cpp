// The rules the server checks on every pushed record, through the real client and a real
// server: references stay inside the writer's scope (an order, a visit, a ticket may not
// point into another territory), an order lives in its customer's territory, required
// fields are required of supervisors too, and a refusal tells a rep nothing about what
// lies outside their scope.

#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "fieldsync/client/sync_once.hpp"
#include "fieldsync/domain_schema_text.hpp"
#include "server_fixture.hpp"

namespace fieldsync::testing {
namespace {

// The domain schema as an app that checks no required field has it (an old or careless
// client): what it pushes is for the server to judge.
Schema lenient_app_schema() {
  std::string text(domain_schema_text());
  const std::string required = "required: true";
  for (auto at = text.find(required); at != std::string::npos; at = text.find(required, at)) text.erase(at, required.size());
  return Schema::from_text(text);
}

Value text(const std::string& s) { return Value(s); }

class ScopeRulesTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    server_->store().add_user({"cleo", server::Role::kRep, {"north", "east"}});
    cleo_token_ = issue("cleo");
    // The office's data: a customer and an order in each of north and south.
    Replica office = phone("office");
    north_customer_ = office.create("customers", {{"name", text("Nordwind")}, {"territory", text("north")}});
    south_customer_ = office.create("customers", {{"name", text("Sudhaus")}, {"territory", text("south")}});
    north_order_ = office.create("orders", {{"order_number", text("N-1")},
                                            {"customer_id", text(north_customer_.to_string())},
                                            {"territory", text("north")}});
    south_order_ = office.create("orders", {{"order_number", text("S-1")},
                                            {"customer_id", text(south_customer_.to_string())},
                                            {"territory", text("south")}});
    ASSERT_EQ(sync(office, sue_token_).rejected, 0u);
  }

  Replica phone(const std::string& name, const Schema& schema = Schema::domain()) {
    return Replica::open((data_dir_ / (name + ".db")).string(), schema);
  }

  ClientSyncStats sync(Replica& replica, const std::string& token) {
    return client::sync_once(replica, "ws://127.0.0.1:" + std::to_string(port()) + "/sync", token);
  }

  // The refusal the replica holds for a record, if any.
  static std::optional<PushRejection> refusal_of(const Replica& replica, const std::string& collection,
                                                 const RecordId& id) {
    for (auto& r : replica.rejections()) {
      if (r.collection == collection && r.id == id) return r;
    }
    return std::nullopt;
  }

  // The same, as a value: a record not refused reads as code `internal`.
  static PushRejection refused(const Replica& replica, const std::string& collection, const RecordId& id) {
    return refusal_of(replica, collection, id).value_or(PushRejection{collection, id, ErrorCode::kInternal, "(not refused)", 0});
  }

  // The record was refused with `code`, is not on the server, and the refusal is audited.
  void expect_refused(const Replica& replica, const std::string& collection, const RecordId& id, ErrorCode code) {
    SCOPED_TRACE(collection + " " + id.to_string());
    auto refusal = refusal_of(replica, collection, id);
    ASSERT_TRUE(refusal) << "not refused";
    EXPECT_EQ(error_code_name(refusal->code), error_code_name(code)) << refusal->reason;
    EXPECT_EQ(refusal->reason.find("south"), std::string::npos) << "names another territory: " << refusal->reason;
    EXPECT_FALSE(server_->store().get(collection, id)) << "a refused record was stored";
    auto history = server_->store().history(collection, id);
    ASSERT_FALSE(history.empty());
    EXPECT_EQ(history.back().action, "refused");
  }

  std::string cleo_token_;
  RecordId north_customer_;
  RecordId south_customer_;
  RecordId north_order_;
  RecordId south_order_;
};

TEST_F(ScopeRulesTest, ARepMayNotPushAnOrderOfTheirTerritoryForAnotherTerritorysCustomer) {
  Replica ana = phone("ana");
  const RecordId order = ana.create("orders", {{"order_number", text("N-2")},
                                               {"customer_id", text(south_customer_.to_string())},
                                               {"territory", text("north")}});
  EXPECT_EQ(sync(ana, ana_token_).rejected, 1u);
  expect_refused(ana, "orders", order, ErrorCode::kForbidden);
}

TEST_F(ScopeRulesTest, ARepMayNotMoveTheirOrderToAnotherTerritorysCustomer) {
  Replica ana = phone("ana");
  sync(ana, ana_token_);
  ASSERT_TRUE(ana.get("orders", north_order_));
  ana.update("orders", north_order_, {{"customer_id", text(south_customer_.to_string())}});
  EXPECT_EQ(sync(ana, ana_token_).rejected, 1u);
  auto refusal = refusal_of(ana, "orders", north_order_);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->code, ErrorCode::kForbidden) << refusal->reason;
  EXPECT_EQ(refusal->reason.find("south"), std::string::npos) << refusal->reason;
  // The server's order still belongs to the north customer.
  Replica fresh = phone("fresh");
  sync(fresh, sue_token_);
  EXPECT_EQ(fresh.get("orders", north_order_)->value("customer_id"), text(north_customer_.to_string()));
}

TEST_F(ScopeRulesTest, AVisitOrTicketMayNotReferenceAnotherTerritorysOrder) {
  Replica ana = phone("ana");
  const RecordId visit = ana.create("visits", {{"customer_id", text(north_customer_.to_string())},
                                               {"order_id", text(south_order_.to_string())},
                                               {"summary", text("peeked")}});
  const RecordId ticket = ana.create("tickets", {{"customer_id", text(north_customer_.to_string())},
                                                 {"order_id", text(south_order_.to_string())},
                                                 {"kind", text("complaint")}});
  const RecordId fine = ana.create("visits", {{"customer_id", text(north_customer_.to_string())},
                                              {"order_id", text(north_order_.to_string())}});
  EXPECT_EQ(sync(ana, ana_token_).rejected, 2u);
  expect_refused(ana, "visits", visit, ErrorCode::kForbidden);
  expect_refused(ana, "tickets", ticket, ErrorCode::kForbidden);
  EXPECT_TRUE(server_->store().get("visits", fine));
}

TEST_F(ScopeRulesTest, AnOrderMustBeInItsCustomersTerritoryWhoeverWritesIt) {
  // Cleo covers north and east: both records are hers, but they may not part.
  Replica cleo = phone("cleo");
  const RecordId east_order = cleo.create("orders", {{"order_number", text("E-1")},
                                                     {"customer_id", text(north_customer_.to_string())},
                                                     {"territory", text("east")}});
  EXPECT_EQ(sync(cleo, cleo_token_).rejected, 1u);
  expect_refused(cleo, "orders", east_order, ErrorCode::kInvalidValue);

  // The office neither: an order moved away from its customer, or a new one elsewhere.
  Replica office = phone("office2");
  sync(office, sue_token_);
  office.update("orders", north_order_, {{"territory", text("south")}});
  const RecordId elsewhere = office.create("orders", {{"order_number", text("S-2")},
                                                      {"customer_id", text(north_customer_.to_string())},
                                                      {"territory", text("south")}});
  EXPECT_EQ(sync(office, sue_token_).rejected, 2u);
  EXPECT_EQ(refused(office, "orders", north_order_).code, ErrorCode::kInvalidValue);
  EXPECT_EQ(refused(office, "orders", elsewhere).code, ErrorCode::kInvalidValue);
  EXPECT_EQ(server_->store().get("orders", north_order_)->field("territory")->siblings.front().value, text("north"));
}

TEST_F(ScopeRulesTest, LegalOrdersAndNewParentsWithTheirChildrenInOnePushAreAccepted) {
  Replica ana = phone("ana");
  const RecordId order = ana.create("orders", {{"order_number", text("N-3")},
                                               {"customer_id", text(north_customer_.to_string())},
                                               {"territory", text("north")}});
  // A new customer and everything hanging off it, pushed together.
  const RecordId customer = ana.create("customers", {{"name", text("Neu")}, {"territory", text("north")}});
  const RecordId new_order = ana.create("orders", {{"order_number", text("N-4")},
                                                   {"customer_id", text(customer.to_string())},
                                                   {"territory", text("north")}});
  const RecordId visit = ana.create("visits", {{"customer_id", text(customer.to_string())},
                                               {"order_id", text(new_order.to_string())}});
  // Edited after the visit was logged, the customer and its order are still pushed before
  // it, one record per push here.
  ana.update("orders", new_order, {{"notes", text("rush")}});
  ana.update("customers", customer, {{"phone", text("+49 40 1")}});
  client::SyncOptions one_by_one;
  one_by_one.sync.push_batch = 1;
  const ClientSyncStats stats =
      client::sync_once(ana, "ws://127.0.0.1:" + std::to_string(port()) + "/sync", ana_token_, one_by_one);
  EXPECT_EQ(stats.rejected, 0u) << (ana.rejections().empty() ? "" : ana.rejections().front().reason);
  EXPECT_EQ(stats.pushed, 4u);
  for (const auto& [collection, id] : {std::pair{"orders", order}, {"customers", customer}, {"orders", new_order},
                                       {"visits", visit}}) {
    EXPECT_TRUE(server_->store().get(collection, id)) << collection << " " << id.to_string();
  }
}

// A client that pushes a child before its parent in one push: the server merges
// referenced collections first.
TEST_F(ScopeRulesTest, AParentLaterInThePushIsMergedBeforeItsChild) {
  Replica device = Replica::open(":memory:", Schema::domain());
  const RecordId customer = device.create("customers", {{"name", text("Neu")}, {"territory", text("north")}});
  const RecordId contact = device.create("contacts", {{"customer_id", text(customer.to_string())},
                                                      {"name", text("Jo")}});
  const RecordId order = device.create("orders", {{"order_number", text("N-5")},
                                                  {"customer_id", text(customer.to_string())},
                                                  {"territory", text("north")}});
  proto::Envelope push = envelope();
  auto entries = device.outbox();
  ASSERT_EQ(entries.size(), 3u);
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) append_wire_state(*push.mutable_push()->add_records(), it->state);
  TestClient ana(port(), ana_token_);
  ASSERT_TRUE(ana.hello(device.replica_id(), device.counter()).has_welcome());
  const proto::Envelope ack = ana.request(push);
  ASSERT_TRUE(ack.has_ack()) << ack.DebugString();
  EXPECT_EQ(ack.ack().rejected_size(), 0) << ack.DebugString();
  EXPECT_TRUE(server_->store().get("customers", customer));
  EXPECT_TRUE(server_->store().get("contacts", contact));
  EXPECT_TRUE(server_->store().get("orders", order));
}

TEST_F(ScopeRulesTest, RequiredFieldsAreRequiredOfEveryWriter) {
  const Schema lenient = lenient_app_schema();
  Replica ana = phone("ana", lenient);
  const RecordId nameless = ana.create("customers", {{"territory", text("north")}});
  const RecordId null_name = ana.create("customers", {{"name", Value()}, {"territory", text("north")}});
  sync(ana, ana_token_);
  expect_refused(ana, "customers", nameless, ErrorCode::kMissingField);
  expect_refused(ana, "customers", null_name, ErrorCode::kMissingField);
  EXPECT_NE(refused(ana, "customers", nameless).reason.find("'name'"), std::string::npos);

  // An edit that empties a required field of a stored record.
  sync(ana, ana_token_);
  ana.update("customers", north_customer_, {{"name", Value()}});
  sync(ana, ana_token_);
  EXPECT_EQ(refused(ana, "customers", north_customer_).code, ErrorCode::kMissingField);
  EXPECT_EQ(server_->store().get("customers", north_customer_)->field("name")->siblings.front().value,
            text("Nordwind"));

  // The supervisor's customer without a territory, which no rep could ever see.
  Replica office = phone("office2", lenient);
  const RecordId homeless = office.create("customers", {{"name", text("Nowhere Ltd")}});
  const RecordId orderless = office.create("order_lines", {{"quantity", Value(std::int64_t{2})}});
  EXPECT_EQ(sync(office, sue_token_).rejected, 2u);
  expect_refused(office, "customers", homeless, ErrorCode::kMissingField);
  EXPECT_NE(refused(office, "customers", homeless).reason.find("'territory'"), std::string::npos);
  expect_refused(office, "order_lines", orderless, ErrorCode::kMissingField);
  // A delete keeps no promises: the tombstone of a record is accepted as it is.
  Replica office3 = phone("office3");
  sync(office3, sue_token_);
  office3.remove("orders", south_order_);
  EXPECT_EQ(sync(office3, sue_token_).rejected, 0u);
}

TEST_F(ScopeRulesTest, ASupervisorsReferenceMustNameARecordTheServerHolds) {
  Replica office = phone("office2");
  const RecordId unknown = office.create("customers", {{"name", text("Local only")}, {"territory", text("north")}});
  Replica other = phone("other");
  const RecordId order = other.create("orders", {{"order_number", text("X-1")},
                                                 {"customer_id", text(unknown.to_string())},
                                                 {"territory", text("north")}});
  EXPECT_EQ(sync(other, sue_token_).rejected, 1u);
  auto refusal = refusal_of(other, "orders", order);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->code, ErrorCode::kNotFound) << refusal->reason;
  EXPECT_NE(refusal->reason.find(unknown.to_string()), std::string::npos) << refusal->reason;
}

TEST_F(ScopeRulesTest, ARefusalReadsTheSameWhetherTheRecordOutsideExistsOrNot) {
  Replica ana = phone("ana");
  // A visit to another territory's customer, and to a customer the server never heard of.
  const RecordId to_south = ana.create("visits", {{"customer_id", text(south_customer_.to_string())}});
  const RecordId to_nothing = ana.create("visits", {{"customer_id", text("0190a000-0000-7000-8000-000000000001")}});
  // An edit of another territory's customer (its state copied onto the phone somehow),
  // and a new customer of another territory.
  Replica nosy = phone("nosy");
  nosy.merge(std::vector<RecordState>{*server_->store().get("customers", south_customer_)});
  nosy.update("customers", south_customer_, {{"phone", text("+49 1")}});
  const RecordId new_south = nosy.create("customers", {{"name", text("Sud 2")}, {"territory", text("south")}});
  sync(ana, ana_token_);
  sync(nosy, ana_token_);

  const auto south_visit = refusal_of(ana, "visits", to_south);
  const auto nothing_visit = refusal_of(ana, "visits", to_nothing);
  ASSERT_TRUE(south_visit && nothing_visit);
  EXPECT_EQ(south_visit->code, ErrorCode::kForbidden);
  EXPECT_EQ(south_visit->reason, nothing_visit->reason);
  EXPECT_EQ(south_visit->reason.find("south"), std::string::npos) << south_visit->reason;
  EXPECT_NE(south_visit->reason.find("outside your scope"), std::string::npos) << south_visit->reason;

  const auto edited = refusal_of(nosy, "customers", south_customer_);
  const auto created = refusal_of(nosy, "customers", new_south);
  ASSERT_TRUE(edited && created);
  EXPECT_EQ(edited->code, ErrorCode::kForbidden);
  EXPECT_EQ(edited->reason, created->reason);
  EXPECT_EQ(edited->reason.find("south"), std::string::npos) << edited->reason;
  EXPECT_EQ(server_->store().get("customers", south_customer_)->field("phone"), nullptr);
}

}  // namespace
}  // namespace fieldsync::testing
