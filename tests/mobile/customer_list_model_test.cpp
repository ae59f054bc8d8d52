#include <gtest/gtest.h>

#include "customer_list_model.hpp"
#include "due_follow_up_model.hpp"
#include "model_test_support.hpp"

namespace fieldsync::app {
namespace {

using test::text;

QStringList names(const CustomerListModel& model) {
  QStringList out;
  for (int i = 0; i < model.rowCount(); ++i) out << model.get(i).value(QStringLiteral("name")).toString();
  return out;
}

class CustomerListModelTest : public ::testing::Test {
 protected:
  RecordId customer(const char* name, const char* tier, const char* territory) {
    return office_.create("customers", {{"name", text(name)}, {"tier", text(tier)}, {"territory", text(territory)}});
  }
  void visit(const RecordId& customer, const QDate& on, const QDate& follow_up) {
    office_.create("visits", {{"customer_id", text(customer.to_string())},
                              {"visited_on", text(on.toString(Qt::ISODate).toStdString())},
                              {"next_follow_up", text(follow_up.toString(Qt::ISODate).toStdString())}});
  }

  fieldsync::test::TempDir dir_;
  Replica office_ = test::open_file(dir_, "office.db");
  Replica phone_ = test::open_file(dir_, "phone.db");
  QDate today_ = QDate::currentDate();
};

TEST_F(CustomerListModelTest, SearchesFiltersAndSorts) {
  const auto aurora = customer("Hotel Aurora", "vip", "north");
  const auto linde = customer("Café Linde", "potential", "north");
  customer("Bistro Mondo", "potential", "south");
  visit(aurora, today_.addDays(-10), today_.addDays(5));
  visit(linde, today_.addDays(-3), today_.addDays(1));
  test::deliver(office_, phone_);

  CustomerListModel model(phone_);
  EXPECT_EQ(names(model), (QStringList{"Bistro Mondo", "Café Linde", "Hotel Aurora"}));
  EXPECT_EQ(model.territories(), (QStringList{"north", "south"}));
  // The tier in words (value_words), as the list shows it.
  EXPECT_EQ(model.get(2).value(QStringLiteral("tierLabel")).toString(), QStringLiteral("VIP"));
  EXPECT_EQ(model.get(1).value(QStringLiteral("tierLabel")).toString(), QStringLiteral("Potential"));

  model.setSearch(QStringLiteral("aur"));
  EXPECT_EQ(names(model), QStringList{"Hotel Aurora"});
  model.setSearch(QStringLiteral("100%"));  // LIKE wildcards are matched literally
  EXPECT_EQ(model.rowCount(), 0);
  model.setSearch({});

  model.setTier(QStringLiteral("potential"));
  EXPECT_EQ(names(model), (QStringList{"Bistro Mondo", "Café Linde"}));
  model.setTerritory(QStringLiteral("south"));
  EXPECT_EQ(names(model), QStringList{"Bistro Mondo"});
  model.setTier({});
  model.setTerritory({});

  // Soonest follow-up first; customers without one last.
  model.setSortBy(QStringLiteral("followUp"));
  EXPECT_EQ(names(model), (QStringList{"Café Linde", "Hotel Aurora", "Bistro Mondo"}));
  EXPECT_EQ(model.get(0).value(QStringLiteral("nextFollowUp")).toString(), today_.addDays(1).toString(Qt::ISODate));
}

TEST_F(CustomerListModelTest, BadgesFollowTheOutboxAndConflicts) {
  const auto aurora = customer("Hotel Aurora", "vip", "north");
  test::deliver(office_, phone_);
  CustomerListModel model(phone_);
  EXPECT_FALSE(model.get(0).value(QStringLiteral("pending")).toBool());
  EXPECT_FALSE(model.get(0).value(QStringLiteral("conflicted")).toBool());

  phone_.update("customers", aurora, {{"phone", text("+49 1")}});
  office_.update("customers", aurora, {{"phone", text("+49 2")}});
  model.reload();
  EXPECT_TRUE(model.get(0).value(QStringLiteral("pending")).toBool());
  EXPECT_FALSE(model.get(0).value(QStringLiteral("conflicted")).toBool());

  test::deliver(office_, phone_);
  model.reload();
  EXPECT_TRUE(model.get(0).value(QStringLiteral("conflicted")).toBool());
}

TEST_F(CustomerListModelTest, SeesWritesOfAnotherConnectionToTheSameFile) {
  CustomerListModel model(phone_);
  EXPECT_EQ(model.rowCount(), 0);
  // The sync thread's connection, in the app.
  Replica sync_side = test::open_file(dir_, "phone.db");
  customer("Hotel Aurora", "vip", "north");
  test::deliver(office_, sync_side);
  model.reload();
  EXPECT_EQ(names(model), QStringList{"Hotel Aurora"});
}

TEST_F(CustomerListModelTest, DueFollowUpsComeFromEachCustomersLatestVisit) {
  const auto aurora = customer("Hotel Aurora", "vip", "north");
  const auto linde = customer("Café Linde", "potential", "north");
  const auto mondo = customer("Bistro Mondo", "potential", "south");
  visit(aurora, today_.addDays(-10), today_.addDays(-2));  // overdue
  visit(linde, today_.addDays(-3), today_);                 // due today
  visit(mondo, today_.addDays(-9), today_.addDays(-1));    // was due, but a later visit settled it
  visit(mondo, today_.addDays(-1), today_.addDays(20));
  test::deliver(office_, phone_);

  DueFollowUpModel due(phone_);
  ASSERT_EQ(due.rowCount(), 2);
  EXPECT_EQ(due.get(0).value(QStringLiteral("customerName")).toString(), QStringLiteral("Hotel Aurora"));
  EXPECT_TRUE(due.get(0).value(QStringLiteral("overdue")).toBool());
  EXPECT_EQ(due.get(1).value(QStringLiteral("customerName")).toString(), QStringLiteral("Café Linde"));
  EXPECT_FALSE(due.get(1).value(QStringLiteral("overdue")).toBool());
  EXPECT_EQ(due.overdueCount(), 1);
  // Badges in relative days, not the date.
  EXPECT_EQ(due.get(0).value(QStringLiteral("dueText")).toString(), QStringLiteral("2 days overdue"));
  EXPECT_EQ(due.get(1).value(QStringLiteral("dueText")).toString(), QStringLiteral("due today"));
  EXPECT_EQ(DueFollowUpModel::due_text(1), QStringLiteral("1 day overdue"));
  EXPECT_EQ(DueFollowUpModel::due_text(5), QStringLiteral("5 days overdue"));
}

}  // namespace
}  // namespace fieldsync::app
