#include <gtest/gtest.h>

#include "model_test_support.hpp"
#include "order_form.hpp"
#include "record_list_model.hpp"

namespace fieldsync::app {
namespace {

using test::text;

class OrderFormTest : public ::testing::Test {
 protected:
  void SetUp() override {
    beans_ = office_.create("products", {{"sku", text("CF-1")}, {"name", text("Coffee beans")},
                                         {"unit_price", Value(std::int64_t{1890})}, {"currency", text("EUR")},
                                         {"active", Value(true)}});
    service_ = office_.create("products", {{"sku", text("CF-6")}, {"name", text("Machine service")},
                                           {"unit_price", Value(std::int64_t{12900})}, {"currency", text("EUR")}});
    office_.create("products", {{"sku", text("OLD")}, {"name", text("Withdrawn")}, {"active", Value(false)}});
    customer_ = office_.create("customers", {{"name", text("Aurora")}, {"territory", text("north")}});
    test::deliver(office_, phone_);
  }
  QString id(const RecordId& r) { return QString::fromStdString(r.to_string()); }

  fieldsync::test::TempDir dir_;
  Replica office_ = test::open_file(dir_, "office.db");
  Replica phone_ = test::open_file(dir_, "phone.db");
  RecordId beans_, service_, customer_;
};

TEST_F(OrderFormTest, ComputesAmountsAndWritesOrderAndLinesTogether) {
  OrderForm form(phone_, customer_);
  EXPECT_EQ(form.customerName(), QStringLiteral("Aurora"));  // "New order for Aurora"
  EXPECT_EQ(form.products().size(), 2);  // the withdrawn product is not offered
  form.addLine(id(beans_), QStringLiteral("3"));
  form.addLine(id(service_));
  EXPECT_EQ(form.lines().at(0).toMap().value(QStringLiteral("amount")).toString(), QStringLiteral("56.70"));
  EXPECT_EQ(form.total(), QStringLiteral("185.70"));
  form.setDueDate(QStringLiteral("2030-01-31"));
  ASSERT_TRUE(form.save()) << form.message().toStdString();

  const auto order = phone_.get("orders", *Uuid::parse(form.orderId().toStdString()));
  ASSERT_TRUE(order);
  EXPECT_EQ(std::get<std::int64_t>(order->value("amount")), 18570);
  EXPECT_EQ(std::get<std::string>(order->value("status")), "received");
  EXPECT_EQ(std::get<std::string>(order->value("territory")), "north");
  EXPECT_EQ(std::get<std::string>(order->value("currency")), "EUR");
  ListQuery lines;
  lines.equals.emplace_back("order_id", text(form.orderId().toStdString()));
  EXPECT_EQ(phone_.list("order_lines", lines).size(), 2u);
  EXPECT_EQ(phone_.outbox_size(), 3u);

  // The customer's order list says which date is the due date, and the stage in words.
  RecordListModel orders(phone_, "orders", "customer_id", customer_.to_string());
  ASSERT_EQ(orders.rowCount(), 1);
  EXPECT_EQ(orders.get(0).value(QStringLiteral("subtitle")).toString(), QStringLiteral("Received · 185.70 EUR · Due 2030-01-31"));
}

TEST_F(OrderFormTest, BadInputIsRefusedAndNothingIsWritten) {
  OrderForm form(phone_, customer_);
  EXPECT_FALSE(form.save());
  EXPECT_FALSE(form.message().isEmpty());
  form.addLine(id(beans_), QStringLiteral("two"));
  EXPECT_EQ(form.lines().at(0).toMap().value(QStringLiteral("amount")).toString(), QString());
  EXPECT_FALSE(form.save());
  EXPECT_TRUE(form.message().contains(QLatin1String("Coffee beans")));
  form.setQuantity(0, QStringLiteral("2"));
  form.setDueDate(QStringLiteral("soon"));
  EXPECT_FALSE(form.save());
  EXPECT_TRUE(form.message().contains(QLatin1String("due date")));
  EXPECT_TRUE(phone_.list("orders").empty());
  EXPECT_EQ(phone_.outbox_size(), 0u);
}

TEST_F(OrderFormTest, LinesSurviveARestartAsADraft) {
  {
    OrderForm form(phone_, customer_);
    form.addLine(id(service_), QStringLiteral("4"));
    form.setNotes(QStringLiteral("Deliver before noon"));
  }
  Replica reopened = test::open_file(dir_, "phone.db");
  OrderForm again(reopened, customer_);
  ASSERT_EQ(again.lines().size(), 1);
  EXPECT_EQ(again.lines().at(0).toMap().value(QStringLiteral("quantity")).toString(), QStringLiteral("4"));
  EXPECT_EQ(again.notes(), QStringLiteral("Deliver before noon"));
  EXPECT_EQ(again.total(), QStringLiteral("516.00"));
}

}  // namespace
}  // namespace fieldsync::app
