#include <gtest/gtest.h>

#include <QFile>
#include <QSignalSpy>

#include "fieldsync/core/csv.hpp"
#include "model_test_support.hpp"
#include "report_builder.hpp"

namespace fieldsync::app {
namespace {

using test::text;

// The month of an order is its order_date's (every record here is created today), cancelled
// orders are counted apart, amounts are per currency, and an order with lines is worth them.
TEST(ReportBuilderTest, OrdersConversionAndFollowUps) {
  fieldsync::test::TempDir dir;
  Replica phone = test::open_file(dir, "phone.db");
  const QDate today(2030, 6, 15);
  auto customer = [&](const char* name, const char* tier) {
    return phone.create("customers", {{"name", text(name)}, {"tier", text(tier)}, {"territory", text("north")}});
  };
  auto order = [&](const RecordId& c, const char* status, std::int64_t amount, const char* date, const char* currency) {
    return phone.create("orders", {{"order_number", text("N")}, {"customer_id", text(c.to_string())},
                                   {"status", text(status)}, {"amount", Value(amount)}, {"order_date", text(date)},
                                   {"currency", text(currency)}, {"territory", text("north")}});
  };
  const auto a = customer("A", "potential");
  const auto b = customer("B", "potential");
  const auto c = customer("C", "potential");
  const auto d = customer("D", "vip");
  order(a, "received", 1000, "2030-05-10", "CNY");
  const auto with_lines = order(a, "delivered", 1, "2030-06-02", "CNY");  // its lines: 2 x 12.75
  phone.create("order_lines", {{"order_id", text(with_lines.to_string())}, {"product_id", text(d.to_string())},
                               {"quantity", Value(std::int64_t{2})}, {"unit_price", Value(std::int64_t{1275})}});
  order(b, "cancelled", 999, "2030-06-20", "CNY");  // a cancelled order is no conversion
  order(d, "received", 450, "2030-06-25", "USD");
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
  EXPECT_EQ(by_status, (QStringList{"received:2:10.00 CNY, 4.50 USD", "delivered:1:25.50 CNY", "cancelled:1:9.99 CNY"}));

  QStringList by_month;
  for (const auto& row : reports.ordersByMonth()) {
    const auto m = row.toMap();
    by_month << QStringLiteral("%1:%2:%3:%4:%5").arg(m.value("month").toString(), m.value("count").toString(),
                                                     m.value("amount").toString(), m.value("cancelledCount").toString(),
                                                     m.value("cancelledAmount").toString());
  }
  EXPECT_EQ(by_month, (QStringList{"2030-06:2:25.50 CNY, 4.50 USD:1:9.99 CNY", "2030-05:1:10.00 CNY:0:0.00"}));

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
  auto visit = [&](const RecordId& c, const char* author, const QDate& follow_up) {
    phone.create("visits", {{"customer_id", text(c.to_string())}, {"visited_on", text("2030-06-01")},
                            {"author", text(author)},
                            {"next_follow_up", text(follow_up.toString(Qt::ISODate).toStdString())}});
  };
  const auto rita_north = customer("A", "potential", "north", "rita");
  const auto rita_south = customer("B", "potential", "south", "rita");
  const auto otto_north = customer("C", "potential", "north", "otto");
  const auto otto_north2 = customer("D", "vip", "north", "otto");
  order(rita_north, "east", "received", 1000);  // filed under another territory than its customer
  order(rita_south, "south", "delivered", 2000);
  order(otto_north2, "north", "received", 400);
  visit(rita_north, "rita", today.addDays(-2));
  visit(rita_south, "rita", today);
  visit(otto_north, "otto", today.addDays(-1));
  visit(otto_north2, "otto", today.addDays(2));

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
  EXPECT_EQ(status_rows(), (QStringList{"received:2:14.00 CNY", "delivered:1:20.00 CNY"}));

  QSignalSpy changed(&reports, &ReportBuilder::changed);
  reports.setSlice(QStringLiteral("owner:rita"));
  EXPECT_EQ(changed.count(), 1);
  EXPECT_EQ(reports.slice(), QStringLiteral("owner:rita"));
  // Rita's orders are those of her customers, whatever territory the order is in; her
  // follow-ups those of the visits she wrote.
  EXPECT_EQ(status_rows(), (QStringList{"received:1:10.00 CNY", "delivered:1:20.00 CNY"}));
  ASSERT_EQ(reports.ordersByMonth().size(), 1);
  EXPECT_EQ(reports.ordersByMonth().front().toMap().value("amount").toString(), QStringLiteral("30.00 CNY"));
  EXPECT_EQ(reports.conversion().value("potential").toInt(), 2);
  EXPECT_EQ(reports.conversion().value("converted").toInt(), 2);
  EXPECT_EQ(reports.conversion().value("percent").toInt(), 100);
  EXPECT_EQ(reports.followUps().value("overdue").toInt(), 1);
  EXPECT_EQ(reports.followUps().value("today").toInt(), 1);
  EXPECT_EQ(reports.followUps().value("upcoming").toInt(), 0);

  reports.setSlice(QStringLiteral("territory:north"));
  // Orders by their own territory: rita's order filed under "east" is not north's.
  EXPECT_EQ(status_rows(), (QStringList{"received:1:4.00 CNY"}));
  EXPECT_EQ(reports.conversion().value("potential").toInt(), 2);  // A and C
  // A's only order is filed under "east": the slice's orders are north's, so none closes A.
  EXPECT_EQ(reports.conversion().value("converted").toInt(), 0);
  EXPECT_EQ(reports.followUps().value("overdue").toInt(), 2);
  EXPECT_EQ(reports.followUps().value("today").toInt(), 0);
  EXPECT_EQ(reports.followUps().value("upcoming").toInt(), 1);

  // The slice stays through a reload after a change, and follows the data.
  phone.create("orders", {{"order_number", text("N2")}, {"customer_id", text(otto_north.to_string())},
                          {"status", text("reviewed")}, {"amount", Value(std::int64_t{700})}, {"territory", text("north")}});
  reports.reload(today);
  EXPECT_EQ(reports.slice(), QStringLiteral("territory:north"));
  EXPECT_EQ(status_rows(), (QStringList{"received:1:4.00 CNY", "reviewed:1:7.00 CNY"}));
  EXPECT_EQ(reports.conversion().value("converted").toInt(), 1);  // C

  reports.setSlice(QString());
  EXPECT_EQ(status_rows(), (QStringList{"received:2:14.00 CNY", "reviewed:1:7.00 CNY", "delivered:1:20.00 CNY"}));
  EXPECT_EQ(reports.conversion().value("potential").toInt(), 3);
}

// A report exported for a spreadsheet: the CLI's columns, the slice shown, the exact money.
TEST(ReportBuilderTest, ExportsAReportAsCsvForTheSliceShown) {
  fieldsync::test::TempDir dir;
  Replica phone = test::open_file(dir, "phone.db");
  auto customer = [&](const char* name, const char* territory) {
    return phone.create("customers", {{"name", text(name)}, {"tier", text("potential")}, {"territory", text(territory)}});
  };
  auto order = [&](const RecordId& c, const char* territory, std::int64_t amount, const char* status) {
    phone.create("orders", {{"order_number", text("N")}, {"customer_id", text(c.to_string())}, {"status", text(status)},
                            {"amount", Value(amount)}, {"order_date", text("2030-06-02")}, {"currency", text("CNY")},
                            {"territory", text(territory)}});
  };
  order(customer("A", "north"), "north", 1250, "received");
  order(customer("B", "south"), "south", 99900, "received");
  order(customer("C", "north"), "north", 500, "cancelled");

  ReportBuilder reports(phone);
  reports.reload(QDate(2030, 6, 15));
  reports.setExportDir(QString::fromStdString(dir.file("exports")));
  reports.setSlice(QStringLiteral("territory:north"));
  const QVariantMap result = reports.exportCsv(QStringLiteral("orders-month"));
  ASSERT_TRUE(result.contains(QStringLiteral("path"))) << result.value(QStringLiteral("error")).toString().toStdString();
  const QString path = result.value(QStringLiteral("path")).toString();
  EXPECT_TRUE(path.endsWith(QStringLiteral("exports/orders-month-2030-06-15.csv"))) << path.toStdString();
  QFile file(path);
  ASSERT_TRUE(file.open(QIODevice::ReadOnly));
  const auto rows = parse_csv(file.readAll().toStdString());
  ASSERT_EQ(rows.size(), 3u);  // header, 2030-06, (all)
  EXPECT_EQ(rows[0].fields[0], "month");
  EXPECT_EQ(rows[0].fields[3], "amount");
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"2030-06", "CNY", "1", "12.50", "1", "5.00", "2", "1", "50.0"}))
      << "the south's 999.00 is not in the north's slice; the cancelled order apart";

  EXPECT_TRUE(reports.exportCsv(QStringLiteral("invoices")).value(QStringLiteral("error")).toString().contains(QLatin1String("no report")));
  const std::string blocked = dir.file("a-file");
  QFile(QString::fromStdString(blocked)).open(QIODevice::WriteOnly);
  reports.setExportDir(QString::fromStdString(blocked));  // a file where the folder should be
  EXPECT_TRUE(reports.exportCsv(QStringLiteral("tickets")).contains(QStringLiteral("error")));
}

}  // namespace
}  // namespace fieldsync::app
