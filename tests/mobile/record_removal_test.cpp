#include <gtest/gtest.h>

#include "app_controller.hpp"
#include "model_test_support.hpp"
#include "record_removal.hpp"

namespace fieldsync::app {
namespace {

using test::text;

// Records as a sync brings them (not pending), so that a delete is the only edit waiting.
class RecordRemovalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Replica office = test::open_file(dir_, "office.db");
    customer_ = office.create("customers", {{"name", text("Aurora")}, {"territory", text("north")}});
    const std::string c = customer_.to_string();
    visit_ = office.create("visits", {{"customer_id", text(c)}, {"summary", text("tasting")}});
    contact_ = office.create("contacts", {{"customer_id", text(c)}, {"name", text("Ida")}});
    ticket_ = office.create("tickets", {{"customer_id", text(c)}, {"kind", text("return")}});
    received_ = office.create("orders", {{"order_number", text("N-1")}, {"customer_id", text(c)},
                                        {"status", text("received")}, {"territory", text("north")}});
    line_ = office.create("order_lines", {{"order_id", text(received_.to_string())}, {"product_id", text(c)},
                                          {"quantity", Value(std::int64_t{2})}, {"unit_price", Value(std::int64_t{100})}});
    reviewed_ = office.create("orders", {{"order_number", text("N-2")}, {"customer_id", text(c)},
                                        {"status", text("reviewed")}, {"territory", text("north")}});
    test::deliver(office, app_.replica());
    app_.replica().set_setting(kSignedInRoleSetting, "rep");  // as the last welcome named her
    app_.localWriteDone();  // as after a sync: the views re-read
    ASSERT_EQ(app_.outboxSize(), 0);
  }
  static QString id(const RecordId& r) { return QString::fromStdString(r.to_string()); }
  bool alive(const char* collection, const RecordId& r) {
    const auto record = app_.replica().get(collection, r);
    return record && !record->deleted();
  }

  fieldsync::test::TempDir dir_;
  AppController app_{QString::fromStdString(dir_.file("phone.db"))};
  RecordId customer_, visit_, contact_, ticket_, received_, line_, reviewed_;
};

TEST_F(RecordRemovalTest, VisitsAndContactsAreDeletedAsEditsThatSync) {
  for (const auto& [collection, record] : {std::pair{"visits", visit_}, {"contacts", contact_}}) {
    EXPECT_TRUE(app_.canRemove(QString::fromLatin1(collection), id(record))) << collection;
  }
  std::unique_ptr<RecordListModel> visits(app_.related(QStringLiteral("visits"), QStringLiteral("customer_id"), id(customer_)));
  ASSERT_EQ(visits->rowCount(), 1);
  const int revision = app_.revision();

  EXPECT_EQ(app_.removeRecord(QStringLiteral("visits"), id(visit_)), QString());
  EXPECT_FALSE(alive("visits", visit_));
  EXPECT_EQ(app_.outboxSize(), 1);  // the tombstone waits to be sent: the pending count shows it
  EXPECT_GT(app_.revision(), revision);
  EXPECT_EQ(visits->rowCount(), 0);  // the customer page's list was told
  EXPECT_FALSE(app_.canRemove(QStringLiteral("visits"), id(visit_)));
  EXPECT_FALSE(app_.removeRecord(QStringLiteral("visits"), id(visit_)).isEmpty());

  // A form on a record deletes it too, and forgets its draft.
  std::unique_ptr<RecordForm> form(app_.editForm(QStringLiteral("contacts"), id(contact_)));
  ASSERT_TRUE(form);
  EXPECT_TRUE(form->removable());
  form->setValue(QStringLiteral("role"), QStringLiteral("buyer"));
  EXPECT_TRUE(app_.replica().setting("app.draft/contacts/" + contact_.to_string()).value_or("").size() > 0);
  EXPECT_EQ(form->remove(), QString());
  EXPECT_FALSE(alive("contacts", contact_));
  EXPECT_EQ(app_.replica().setting("app.draft/contacts/" + contact_.to_string()).value_or(""), "");
  EXPECT_EQ(app_.outboxSize(), 2);

  // The delete reaches the office like any edit.
  Replica office = Replica::open(dir_.file("office.db"), Schema::domain());
  office.merge(app_.replica().changes_since(0).states);
  ASSERT_TRUE(office.get("visits", visit_));
  EXPECT_TRUE(office.get("visits", visit_)->deleted());
}

// The schema's delete rules, for the signed-in role.
TEST_F(RecordRemovalTest, ARepDeletesAReceivedOrderWithItsLinesAndNoTicket) {
  EXPECT_TRUE(app_.canRemove(QStringLiteral("orders"), id(received_)));
  EXPECT_FALSE(app_.canRemove(QStringLiteral("orders"), id(reviewed_)));
  const QString why = app_.removeRecord(QStringLiteral("orders"), id(reviewed_));
  EXPECT_EQ(why, QStringLiteral("Only a supervisor may delete this record now."));
  EXPECT_TRUE(alive("orders", reviewed_));
  EXPECT_FALSE(app_.canRemove(QStringLiteral("tickets"), id(ticket_)));
  EXPECT_FALSE(app_.removeRecord(QStringLiteral("tickets"), id(ticket_)).isEmpty());
  EXPECT_TRUE(alive("tickets", ticket_));
  std::unique_ptr<RecordForm> form(app_.editForm(QStringLiteral("tickets"), id(ticket_)));
  EXPECT_FALSE(form->removable());  // no Delete button on her ticket form

  EXPECT_EQ(app_.removeRecord(QStringLiteral("orders"), id(received_)), QString());
  EXPECT_FALSE(alive("orders", received_));
  EXPECT_FALSE(alive("order_lines", line_));
  EXPECT_EQ(app_.outboxSize(), 2);  // the order and its line
}

TEST_F(RecordRemovalTest, ASupervisorDeletesAReviewedOrderAndATicket) {
  app_.replica().set_setting(kSignedInRoleSetting, "supervisor");
  EXPECT_TRUE(app_.canRemove(QStringLiteral("orders"), id(reviewed_)));
  EXPECT_EQ(app_.removeRecord(QStringLiteral("tickets"), id(ticket_)), QString());
  EXPECT_EQ(app_.removeRecord(QStringLiteral("orders"), id(reviewed_)), QString());
  EXPECT_FALSE(alive("tickets", ticket_));
  EXPECT_FALSE(alive("orders", reviewed_));
}

TEST_F(RecordRemovalTest, CustomersAndNewFormsAreNotDeleted) {
  EXPECT_FALSE(app_.canRemove(QStringLiteral("customers"), id(customer_)));
  EXPECT_FALSE(app_.removeRecord(QStringLiteral("customers"), id(customer_)).isEmpty());
  EXPECT_TRUE(alive("customers", customer_));
  EXPECT_FALSE(app_.canRemove(QStringLiteral("visits"), QStringLiteral("not-an-id")));
  std::unique_ptr<RecordForm> form(app_.newForm(QStringLiteral("visits"), id(customer_)));
  EXPECT_FALSE(form->removable());
  EXPECT_FALSE(form->remove().isEmpty());
  EXPECT_EQ(app_.outboxSize(), 0);
}

}  // namespace
}  // namespace fieldsync::app
