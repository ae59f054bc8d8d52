// Work lists in the real app: from the menu to all orders awaiting review, one tap to the
// order; open tickets across customers, one tap to the ticket.
#include <gtest/gtest.h>

#include "app_window.hpp"

namespace fieldsync::app {
namespace {

using test::AppWindow;
using test::wait_until;

Value text(const char* s) { return Value(std::string(s)); }

TEST(WorklistUi, FromTheMenuToAnOrderAwaitingReviewAndAnOpenTicket) {
  fieldsync::test::TempDir dir;
  AppWindow rep(dir.file("rep.db"));
  Replica& phone = rep.app().replica();
  const RecordId north = phone.create("customers", {{"name", text("Nordwind")}, {"territory", text("north")}});
  const RecordId south = phone.create("customers", {{"name", text("Sudhaus")}, {"territory", text("south")}});
  phone.create("orders", {{"customer_id", Value(north.to_string())}, {"order_number", text("N-1")},
                          {"status", text("received")}, {"territory", text("north")}});
  phone.create("orders", {{"customer_id", Value(south.to_string())}, {"order_number", text("S-1")},
                          {"status", text("scheduled")}, {"territory", text("south")}});
  phone.create("tickets", {{"customer_id", Value(south.to_string())}, {"kind", text("complaint")},
                           {"description", text("Leaking tap")}});
  rep.app().localWriteDone();

  rep.click(QStringLiteral("menuButton"));
  rep.click(QStringLiteral("worklistMenuItem"));
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("work:S-1")); })) << rep.visible_names();
  EXPECT_TRUE(rep.shows(QStringLiteral("work:N-1")));
  rep.choose(QStringLiteral("worklistFilter"), 1);  // open orders -> awaiting review
  ASSERT_TRUE(wait_until([&] { return !rep.shows(QStringLiteral("work:S-1")); })) << "a scheduled order awaits nobody's review";
  rep.click(QStringLiteral("work:N-1"));
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("stageLabel")) == QLatin1String("Received"); }))
      << rep.text(QStringLiteral("stageLabel")).toStdString();

  rep.call("back");
  rep.click(QStringLiteral("worklistTickets"));
  rep.click(QStringLiteral("work:Complaint"));
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("field:description")); })) << rep.visible_names();
  EXPECT_EQ(rep.text(QStringLiteral("field:description")), QStringLiteral("Leaking tap"));
}

}  // namespace
}  // namespace fieldsync::app
