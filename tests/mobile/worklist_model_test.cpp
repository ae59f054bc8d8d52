// Work lists across customers: each filter against orders and tickets in a real replica.
#include "worklist_model.hpp"

#include <gtest/gtest.h>

#include "model_test_support.hpp"

namespace fieldsync::app {
namespace {

using test::text;

class WorklistModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto north = phone_.create("customers", {{"name", text("Nordwind")}, {"territory", text("north")}});
    const auto south = phone_.create("customers", {{"name", text("Südhaus")}, {"territory", text("south")}});
    order(north, "N-1", "received", "2026-11-30");   // awaiting review, overdue
    order(north, "N-2", "scheduled", "2026-12-10");  // open, not yet due
    order(south, "S-1", "delivered", "2026-11-01");  // done: never overdue
    order(south, "S-2", "in_progress", "2026-12-03");  // overdue
    order(south, "S-3", "cancelled", "");
    ticket(north, "complaint", "open");
    ticket(south, "return", "closed");
    ticket(south, "exchange", "approved");
  }
  void order(const RecordId& customer, const char* number, const char* status, const char* due) {
    FieldValues values{{"customer_id", text(customer.to_string())}, {"order_number", text(number)},
                       {"status", text(status)}, {"territory", text("north")}};
    if (*due) values.emplace_back("due_date", text(due));
    phone_.create("orders", values);
  }
  void ticket(const RecordId& customer, const char* kind, const char* status) {
    phone_.create("tickets", {{"customer_id", text(customer.to_string())}, {"kind", text(kind)}, {"status", text(status)}});
  }
  QStringList titles(WorklistModel& model, const QString& filter) {
    model.setFilter(filter);
    model.reload(QDate(2026, 12, 4));
    QStringList out;
    for (int i = 0; i < model.rowCount(); ++i) {
      const QModelIndex index = model.index(i);
      out << index.data(WorklistModel::kTitle).toString() + (index.data(WorklistModel::kOverdue).toBool() ? "!" : "");
    }
    return out;
  }

  fieldsync::test::TempDir dir_;
  Replica phone_ = test::open_file(dir_, "phone.db");
};

TEST_F(WorklistModelTest, OrdersByWhatWaits) {
  WorklistModel model(phone_);
  EXPECT_EQ(titles(model, QStringLiteral("open")), (QStringList{"N-1!", "S-2!", "N-2"})) << "by due date, done ones out";
  EXPECT_EQ(titles(model, QStringLiteral("review")), (QStringList{"N-1!"}));
  EXPECT_EQ(model.index(0).data(WorklistModel::kCustomer).toString(), QStringLiteral("Nordwind"));
  EXPECT_EQ(titles(model, QStringLiteral("overdue")), (QStringList{"N-1!", "S-2!"}));
  EXPECT_EQ(titles(model, QStringLiteral("status:delivered")), (QStringList{"S-1"})) << "delivered late is not overdue";
  EXPECT_EQ(titles(model, QStringLiteral("status:cancelled")), (QStringList{"S-3"}));
  EXPECT_EQ(model.filterLabels().at(model.filters().indexOf(QStringLiteral("review"))), QStringLiteral("Awaiting review"));
  model.setFilter(QStringLiteral("no such filter"));
  EXPECT_EQ(model.filter(), QStringLiteral("status:cancelled")) << "an unknown filter changes nothing";
}

TEST_F(WorklistModelTest, OpenTicketsAcrossCustomers) {
  WorklistModel model(phone_);
  model.setCollection(QStringLiteral("tickets"));
  EXPECT_EQ(model.filter(), QStringLiteral("open"));
  EXPECT_FALSE(model.filters().contains(QStringLiteral("overdue")));
  QStringList open = titles(model, QStringLiteral("open"));
  open.sort();
  EXPECT_EQ(open, (QStringList{"Complaint", "Exchange"}));
  EXPECT_EQ(titles(model, QStringLiteral("status:closed")), (QStringList{"Return"}));
}

}  // namespace
}  // namespace fieldsync::app
