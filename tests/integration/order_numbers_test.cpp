// Order numbers unique across the company: phones number new orders in series of their own
// (order_numbers.hpp), so two phones numbering offline at once never collide; the server
// refuses a pushed order whose number another alive order already holds (a buggy or
// hostile phone), record by record, naming the number, and keeps everything else.

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "fieldsync/client/sync_once.hpp"
#include "fieldsync/core/order_numbers.hpp"
#include "server_fixture.hpp"
#include "system_support.hpp"

namespace fieldsync::testing {
namespace {

Value text(const std::string& s) { return Value(s); }

class OrderNumbersTest : public ServerTest {
 protected:
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(port()) + "/sync"; }
  ClientSyncStats sync(Replica& phone) { return client::sync_once(phone, url(), ana_token_); }

  // A new order numbered as the app and the CLI number it (or with `number` given).
  RecordId order(Replica& phone, const RecordId& customer, const std::string& number = "") {
    RecordId id;
    phone.transaction([&] {
      FieldValues values{{"customer_id", text(customer.to_string())}, {"status", text("received")},
                         {"order_date", text("2030-06-01")},          {"territory", text("north")}};
      if (!number.empty()) values.emplace_back("order_number", text(number));
      add_order_number(phone, "orders", values);
      id = phone.create("orders", values);
    });
    return id;
  }

  std::string number_of(Replica& phone, const RecordId& id) {
    return std::get<std::string>(phone.get("orders", id)->value("order_number"));
  }
};

TEST_F(OrderNumbersTest, TwoPhonesNumberingOfflineNeverCollide) {
  ScratchDir dir;
  Replica one = Replica::open(dir.file("one.db"), Schema::domain());
  Replica two = Replica::open(dir.file("two.db"), Schema::domain());
  const RecordId acme = one.create("customers", {{"name", text("Acme")}, {"territory", text("north")}});
  sync(one);
  sync(two);
  ASSERT_TRUE(two.get("customers", acme));

  // Both offline, both numbering at once.
  std::set<std::string> numbers;
  for (int i = 0; i < 5; ++i) {
    numbers.insert(number_of(one, order(one, acme)));
    numbers.insert(number_of(two, order(two, acme)));
  }
  EXPECT_EQ(numbers.size(), 10u);
  EXPECT_TRUE(numbers.count(order_number_prefix(one.replica_id()) + "1"));
  EXPECT_TRUE(numbers.count(order_number_prefix(two.replica_id()) + "5"));
  EXPECT_NE(order_number_prefix(one.replica_id()), order_number_prefix(two.replica_id()));

  EXPECT_EQ(sync(one).rejected, 0u);
  EXPECT_EQ(sync(two).rejected, 0u);
  EXPECT_TRUE(one.rejections().empty());
  EXPECT_TRUE(two.rejections().empty());
  // Every order reached the server, and both phones hold all ten.
  sync(one);
  EXPECT_EQ(one.list("orders").size(), 10u);
  EXPECT_EQ(two.list("orders").size(), 10u);
}

TEST_F(OrderNumbersTest, TheServerRefusesADuplicateNumberFromASecondPhone) {
  ScratchDir dir;
  Replica one = Replica::open(dir.file("one.db"), Schema::domain());
  Replica two = Replica::open(dir.file("two.db"), Schema::domain());
  const RecordId acme = one.create("customers", {{"name", text("Acme")}, {"territory", text("north")}});
  const RecordId first = order(one, acme);
  const std::string taken = number_of(one, first);
  ASSERT_EQ(sync(one).rejected, 0u);
  sync(two);

  // A phone that numbers wrongly: one order repeats a number the server holds, two more
  // repeat each other within one push; a valid order travels with them.
  const RecordId copy = order(two, acme, taken);
  const RecordId twin_a = order(two, acme, "T-1");
  const RecordId twin_b = order(two, acme, "T-1");
  const RecordId valid = order(two, acme);
  const auto stats = sync(two);
  EXPECT_EQ(stats.rejected, 2u);

  const auto refusals = two.rejections();
  ASSERT_EQ(refusals.size(), 2u);
  std::set<RecordId> refused;
  for (const auto& r : refusals) {
    SCOPED_TRACE(r.reason);
    refused.insert(r.id);
    EXPECT_EQ(error_code_name(r.code), error_code_name(ErrorCode::kAlreadyExists));
    EXPECT_EQ(r.collection, "orders");
    EXPECT_NE(r.reason.find("order_number"), std::string::npos);
  }
  EXPECT_TRUE(refused.count(copy));
  EXPECT_EQ(refused.count(twin_a) + refused.count(twin_b), 1u) << "one of the twins is accepted, the other refused";
  for (const auto& r : refusals) {
    const std::string number = r.id == copy ? taken : "T-1";
    EXPECT_NE(r.reason.find(number), std::string::npos) << r.reason;
  }
  EXPECT_FALSE(server_->store().get("orders", copy));
  EXPECT_TRUE(server_->store().get("orders", valid));
  EXPECT_TRUE(server_->store().get("orders", first));
  EXPECT_EQ(server_->store().history("orders", copy).back().action, "refused");

  // The holder of the number still edits its order: only a value a write brings is judged.
  one.update("orders", first, {{"notes", text("call before delivery")}});
  EXPECT_EQ(sync(one).rejected, 0u);
  EXPECT_EQ(std::get<std::string>(
                server_->store().get("orders", first)->field("notes")->siblings.front().value),
            "call before delivery");
}

}  // namespace
}  // namespace fieldsync::testing
