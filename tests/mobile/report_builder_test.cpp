#include <gtest/gtest.h>

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

}  // namespace
}  // namespace fieldsync::app
