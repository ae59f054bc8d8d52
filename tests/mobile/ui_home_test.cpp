// The home page as the first sync fills it: it stays at its top (the review queue card and
// the follow-ups due under the tool bar, not behind it), and its badges count days.

#include <gtest/gtest.h>

#include <QDate>

#include <array>

#include "app_window.hpp"

namespace fieldsync::app {
namespace {

using test::AppWindow;
using test::UiFlowTest;
using test::wait_until;

Value text(const std::string& s) { return Value(s); }

// The top of `name` and the bottom of the window's tool bar, in the window's coordinates.
qreal top_of(AppWindow& w, const QString& name) {
  QQuickItem* item = w.find(name);
  return item ? item->mapToScene(QPointF(0, 0)).y() : -1000;
}
qreal toolbar_bottom(AppWindow& w) {
  auto* toolbar = w.window()->property("header").value<QQuickItem*>();
  return toolbar->mapToScene(QPointF(0, toolbar->height())).y();
}

// The text of the item named `inner` within the item named `outer` (a row's badge).
QString text_within(AppWindow& w, const QString& outer, const QString& inner) {
  QQuickItem* root = w.find(outer);
  if (!root) return QStringLiteral("<no %1>").arg(outer);
  for (auto* item : w.items(root)) {
    if (item->objectName() == inner && item->isVisible()) return item->property("text").toString();
  }
  return QStringLiteral("<no %1 in %2>").arg(inner, outer);
}

TEST_F(UiFlowTest, HomeStaysAtItsTopWhenTheFirstSyncBringsData) {
  // The rep's customers, with follow-ups 5 days, 1 day and 0 days overdue, reach the server.
  AppWindow rep(dir_.file("rep.db"));
  Replica& replica = rep.app().replica();
  const QDate today = QDate::currentDate();
  const std::array<int, 3> overdue{5, 1, 0};
  for (int days : overdue) {
    const auto customer = replica.create("customers", {{"name", text("Kunde " + std::to_string(days))},
                                                       {"territory", text("north")}, {"owner", text("rita")}});
    replica.create("visits", {{"customer_id", text(customer.to_string())}, {"author", text("rita")},
                              {"visited_on", text(today.addDays(-10).toString(Qt::ISODate).toStdString())},
                              {"next_follow_up", text(today.addDays(-days).toString(Qt::ISODate).toStdString())}});
  }
  rep.app().localWriteDone();
  connect(rep, rep_token_);
  ASSERT_TRUE(wait_until([&] { return rep.app().outboxSize() == 0; }));

  // The supervisor's phone (a phone's height), with a page of its own customers, until its
  // first sync brings the review queue and the follow-ups due as the home page comes back.
  AppWindow supervisor(dir_.file("supervisor.db"));
  supervisor.window()->resize(400, 800);
  for (int i = 0; i < 12; ++i) {
    supervisor.app().replica().create("customers", {{"name", text("Own " + std::to_string(i))},
                                                    {"territory", text("north")}, {"owner", text("rita")}});
  }
  supervisor.app().localWriteDone();
  supervisor.open_advanced_settings();
  supervisor.type(QStringLiteral("serverUrlField"), QString::fromStdString(server_.url()));
  supervisor.type(QStringLiteral("tokenField"), QString::fromStdString(supervisor_token_));
  supervisor.click(QStringLiteral("saveSettingsButton"));
  supervisor.click(QStringLiteral("backButton"));
  ASSERT_TRUE(wait_until([&] {
    return supervisor.app().dueFollowUps()->rowCount() == 3 && supervisor.shows(QStringLiteral("reviewQueueCard"));
  }));
  QTest::qWait(300);  // the refresh after the sync, and the layout
  EXPECT_GE(top_of(supervisor, QStringLiteral("reviewQueueCard")), toolbar_bottom(supervisor));
  EXPECT_GE(top_of(supervisor, QStringLiteral("dueHeading")), toolbar_bottom(supervisor));
  EXPECT_GE(top_of(supervisor, QStringLiteral("due:Kunde 5")), toolbar_bottom(supervisor));

  // Each badge counts the days.
  EXPECT_EQ(text_within(supervisor, QStringLiteral("due:Kunde 5"), QStringLiteral("dueBadge")), QStringLiteral("5 days overdue"));
  EXPECT_EQ(text_within(supervisor, QStringLiteral("due:Kunde 1"), QStringLiteral("dueBadge")), QStringLiteral("1 day overdue"));
  EXPECT_EQ(text_within(supervisor, QStringLiteral("due:Kunde 0"), QStringLiteral("dueBadge")), QStringLiteral("due today"));
  // The tier in words, not the schema's value ("potential", the default).
  EXPECT_TRUE(text_within(supervisor, QStringLiteral("customer:Kunde 5"), QStringLiteral("customerDetails"))
                  .startsWith(QStringLiteral("Potential · north")))
      << text_within(supervisor, QStringLiteral("customer:Kunde 5"), QStringLiteral("customerDetails")).toStdString();
}

// The same with the home page on screen all along: the sync (started from the settings
// saved in the background) brings the review queue card and the follow-ups while the list
// is showing.
TEST_F(UiFlowTest, HomeOnScreenStaysAtItsTopWhenTheFirstSyncBringsData) {
  AppWindow rep(dir_.file("rep.db"));
  Replica& replica = rep.app().replica();
  const QDate today = QDate::currentDate();
  for (int days : {5, 1, 0}) {
    const auto customer = replica.create("customers", {{"name", text("Kunde " + std::to_string(days))},
                                                       {"territory", text("north")}, {"owner", text("rita")}});
    replica.create("visits", {{"customer_id", text(customer.to_string())}, {"author", text("rita")},
                              {"visited_on", text(today.addDays(-10).toString(Qt::ISODate).toStdString())},
                              {"next_follow_up", text(today.addDays(-days).toString(Qt::ISODate).toStdString())}});
  }
  for (int i = 0; i < 20; ++i) {
    replica.create("customers", {{"name", text("Rep " + std::to_string(i))}, {"territory", text("north")}, {"owner", text("rita")}});
  }
  rep.app().localWriteDone();
  connect(rep, rep_token_);
  ASSERT_TRUE(wait_until([&] { return rep.app().outboxSize() == 0; }));

  AppWindow supervisor(dir_.file("supervisor.db"));
  supervisor.window()->resize(400, 800);
  supervisor.call("showHome");
  QTest::qWait(200);
  supervisor.app().saveSettings(QString::fromStdString(server_.url()), QString::fromStdString(supervisor_token_));
  ASSERT_TRUE(wait_until([&] {
    return supervisor.app().dueFollowUps()->rowCount() == 3 && supervisor.shows(QStringLiteral("reviewQueueCard"));
  }));
  QTest::qWait(500);  // the refresh after the sync, and the layout
  EXPECT_GE(top_of(supervisor, QStringLiteral("reviewQueueCard")), toolbar_bottom(supervisor));
  EXPECT_GE(top_of(supervisor, QStringLiteral("dueHeading")), toolbar_bottom(supervisor));
  EXPECT_GE(top_of(supervisor, QStringLiteral("due:Kunde 5")), toolbar_bottom(supervisor));
}

}  // namespace
}  // namespace fieldsync::app
