#include <gtest/gtest.h>

#include "app_controller.hpp"
#include "model_test_support.hpp"

namespace fieldsync::app {
namespace {

using test::text;

class AppControllerTest : public ::testing::Test {
 protected:
  fieldsync::test::TempDir dir_;
  AppController app_{QString::fromStdString(dir_.file("phone.db"))};
};

TEST_F(AppControllerTest, OrdersMoveOnlyAlongTheLifecycle) {
  Replica& replica = app_.replica();
  const auto customer = replica.create("customers", {{"name", text("Aurora")}, {"territory", text("north")}});
  const auto order = replica.create("orders", {{"order_number", text("N-1")}, {"customer_id", text(customer.to_string())},
                                              {"status", text("received")}, {"territory", text("north")}});
  const QString id = QString::fromStdString(order.to_string());
  EXPECT_EQ(app_.orderMoves(id), (QStringList{"reviewed", "cancelled"}));

  EXPECT_FALSE(app_.moveOrder(id, QStringLiteral("delivered")).isEmpty());
  EXPECT_EQ(std::get<std::string>(replica.get("orders", order)->value("status")), "received");

  const int revision = app_.revision();
  EXPECT_EQ(app_.moveOrder(id, QStringLiteral("reviewed")), QString());
  EXPECT_EQ(std::get<std::string>(replica.get("orders", order)->value("status")), "reviewed");
  EXPECT_GT(app_.revision(), revision);  // the views were told
  EXPECT_EQ(app_.orderMoves(id), (QStringList{"scheduled", "cancelled"}));
}

TEST_F(AppControllerTest, SettingsAreCheckedAndKeptInTheReplica) {
  EXPECT_FALSE(app_.saveSettings(QStringLiteral("http://office:8787/sync"), QStringLiteral("t")).isEmpty());
  EXPECT_FALSE(app_.saveSettings(QStringLiteral("ws://127.0.0.1:9/sync"), QString()).isEmpty());
  EXPECT_EQ(app_.serverUrl(), QString());

  // Port 9 (discard) refuses: the sync runs and fails off the UI thread, the settings stay.
  EXPECT_EQ(app_.saveSettings(QStringLiteral("ws://127.0.0.1:9/sync"), QStringLiteral("secret")), QString());
  EXPECT_EQ(app_.serverUrl(), QStringLiteral("ws://127.0.0.1:9/sync"));
  EXPECT_EQ(QString::fromStdString(app_.replica().setting("app.token").value_or("")), QStringLiteral("secret"));
  EXPECT_TRUE(app_.sync()->configured());
}

TEST_F(AppControllerTest, RecordForADetailPageCarriesItsBadges) {
  const auto id = app_.replica().create("customers", {{"name", text("Aurora")}, {"territory", text("north")}});
  const QVariantMap record = app_.record(QStringLiteral("customers"), QString::fromStdString(id.to_string()));
  EXPECT_TRUE(record.value(QStringLiteral("exists")).toBool());
  EXPECT_EQ(record.value(QStringLiteral("name")).toString(), QStringLiteral("Aurora"));
  EXPECT_TRUE(record.value(QStringLiteral("pending")).toBool());
  EXPECT_FALSE(record.value(QStringLiteral("conflicted")).toBool());
  EXPECT_FALSE(app_.record(QStringLiteral("customers"), QStringLiteral("not-an-id")).value(QStringLiteral("exists")).toBool());
}

}  // namespace
}  // namespace fieldsync::app
