#include <gtest/gtest.h>

#include <QSignalSpy>

#include "model_test_support.hpp"
#include "report_builder.hpp"

namespace fieldsync::app {
namespace {

using test::text;

TEST(ReportBuilderTest, OrdersConversionAndFollowUps) {
  fieldsync::test::TempDir dir;
  Replica phone = test::open_file(dir, "phone.db");
  const QDate today(2030, 6, 15);
  auto customer = [&](const char* name, const char* tier) {
    return phone.create("customers", {{"name", text(name)}, {"tier", text(tier)}, {"territory", text("north")}});
  };
  auto order = [&](const RecordId& c, const char* status, std::int64_t amount) {
    phone.create("orders", {{"order_number", text("N")}, {"customer_id", text(c.to_string())}, {"status", text(status)},
                            {"amount", Value(amount)}, {"territory", text("north")}});
  };
  const auto a = customer("A", "potential");
  const auto b = customer("B", "potential");
  const auto c = customer("C", "potential");
  const auto d = customer("D", "vip");
  order(a, "received", 1000);
  order(a, "delivered", 2550);
  order(b, "cancelled", 999);  // a cancelled order is no conversion
  order(d, "received", 450);
  for (const auto& [who, follow] : {std::pair{a, today.addDays(-1)}, {b, today}, {c, today.addDays(3)}, {d, today.addDays(30)}}) {
    phone.create("visits", {{"customer_id", text(who.to_string())}, {"visited_on", text("2030-06-01")},
                            {"next_follow_up", text(follow.toString(Qt::ISODate).toStdString())}});
  }

  ReportBuilder reports(phone);
  reports.reload(today);
  QStringList by_status;
  for (const auto& row : reports.ordersByStatus()) {
    const auto m = row.toMap();
    by_status << QStringLiteral("%1:%2:%3").arg(m.value("status").toString(), m.value("count").toString(), m.value("amount").toString());
  }
  EXPECT_EQ(by_status, (QStringList{"received:2:14.50", "delivered:1:25.50", "cancelled:1:9.99"}));

  ASSERT_EQ(reports.ordersByMonth().size(), 1);  // all created now
  EXPECT_EQ(reports.ordersByMonth().front().toMap().value("month").toString(),
            QDate::currentDate().toString(QStringLiteral("yyyy-MM")));
  EXPECT_EQ(reports.ordersByMonth().front().toMap().value("amount").toString(), QStringLiteral("49.99"));

  EXPECT_EQ(reports.conversion().value("potential").toInt(), 3);
  EXPECT_EQ(reports.conversion().value("converted").toInt(), 1);
  EXPECT_EQ(reports.conversion().value("percent").toInt(), 33);

  EXPECT_EQ(reports.followUps().value("overdue").toInt(), 1);
  EXPECT_EQ(reports.followUps().value("today").toInt(), 1);
  EXPECT_EQ(reports.followUps().value("upcoming").toInt(), 1);
}

// The reports narrowed to one territory or one rep: every figure is recomputed for the slice.
TEST(ReportBuilderTest, SlicesByTerritoryAndRep) {
  fieldsync::test::TempDir dir;
  Replica phone = test::open_file(dir, "phone.db");
  const QDate today(2030, 6, 15);
  auto customer = [&](const char* name, const char* tier, const char* territory, const char* owner) {
    return phone.create("customers", {{"name", text(name)}, {"tier", text(tier)}, {"territory", text(territory)},
                                      {"owner", text(owner)}});
  };
  auto order = [&](const RecordId& c, const char* territory, const char* status, std::int64_t amount) {
    phone.create("orders", {{"order_number", text("N")}, {"customer_id", text(c.to_string())}, {"status", text(status)},
                            {"amount", Value(amount)}, {"territory", text(territory)}});
  };
  auto visit = [&](const RecordId& c, const QDate& follow_up) {
    phone.create("visits", {{"customer_id", text(c.to_string())}, {"visited_on", text("2030-06-01")},
                            {"next_follow_up", text(follow_up.toString(Qt::ISODate).toStdString())}});
  };
  const auto rita_north = customer("A", "potential", "north", "rita");
  const auto rita_south = customer("B", "potential", "south", "rita");
  const auto otto_north = customer("C", "potential", "north", "otto");
  const auto otto_north2 = customer("D", "vip", "north", "otto");
  order(rita_north, "east", "received", 1000);  // filed under another territory than its customer
  order(rita_south, "south", "delivered", 2000);
  order(otto_north2, "north", "received", 400);
  visit(rita_north, today.addDays(-2));
  visit(rita_south, today);
  visit(otto_north, today.addDays(-1));
  visit(otto_north2, today.addDays(2));

  ReportBuilder reports(phone);
  reports.reload(today);
  QStringList keys;
  for (const auto& s : reports.slices()) keys << s.toMap().value("key").toString();
  EXPECT_EQ(keys, (QStringList{"", "territory:east", "territory:north", "territory:south", "owner:otto", "owner:rita"}));

  auto status_rows = [&] {
    QStringList out;
    for (const auto& row : reports.ordersByStatus()) {
      const auto m = row.toMap();
      out << QStringLiteral("%1:%2:%3").arg(m.value("status").toString(), m.value("count").toString(), m.value("amount").toString());
    }
    return out;
  };
  EXPECT_EQ(status_rows(), (QStringList{"received:2:14.00", "delivered:1:20.00"}));

  QSignalSpy changed(&reports, &ReportBuilder::changed);
  reports.setSlice(QStringLiteral("owner:rita"));
  EXPECT_EQ(changed.count(), 1);
  EXPECT_EQ(reports.slice(), QStringLiteral("owner:rita"));
  // Rita's orders are those of her customers, whatever territory the order is in.
  EXPECT_EQ(status_rows(), (QStringList{"received:1:10.00", "delivered:1:20.00"}));
  ASSERT_EQ(reports.ordersByMonth().size(), 1);
  EXPECT_EQ(reports.ordersByMonth().front().toMap().value("amount").toString(), QStringLiteral("30.00"));
  EXPECT_EQ(reports.conversion().value("potential").toInt(), 2);
  EXPECT_EQ(reports.conversion().value("converted").toInt(), 2);
  EXPECT_EQ(reports.conversion().value("percent").toInt(), 100);
  EXPECT_EQ(reports.followUps().value("overdue").toInt(), 1);
  EXPECT_EQ(reports.followUps().value("today").toInt(), 1);
  EXPECT_EQ(reports.followUps().value("upcoming").toInt(), 0);

  reports.setSlice(QStringLiteral("territory:north"));
  // Orders by their own territory: rita's order filed under "east" is not north's.
  EXPECT_EQ(status_rows(), (QStringList{"received:1:4.00"}));
  EXPECT_EQ(reports.conversion().value("potential").toInt(), 2);  // A and C
  EXPECT_EQ(reports.conversion().value("converted").toInt(), 1);
  EXPECT_EQ(reports.followUps().value("overdue").toInt(), 2);
  EXPECT_EQ(reports.followUps().value("today").toInt(), 0);
  EXPECT_EQ(reports.followUps().value("upcoming").toInt(), 1);

  // The slice stays through a reload after a change, and follows the data.
  phone.create("orders", {{"order_number", text("N2")}, {"customer_id", text(otto_north.to_string())},
                          {"status", text("reviewed")}, {"amount", Value(std::int64_t{700})}, {"territory", text("north")}});
  reports.reload(today);
  EXPECT_EQ(reports.slice(), QStringLiteral("territory:north"));
  EXPECT_EQ(status_rows(), (QStringList{"received:1:4.00", "reviewed:1:7.00"}));
  EXPECT_EQ(reports.conversion().value("converted").toInt(), 2);

  reports.setSlice(QString());
  EXPECT_EQ(status_rows(), (QStringList{"received:2:14.00", "reviewed:1:7.00", "delivered:1:20.00"}));
  EXPECT_EQ(reports.conversion().value("potential").toInt(), 3);
}

}  // namespace
}  // namespace fieldsync::app
