// The real QML of the app, driven by mouse clicks and key presses under
// QT_QPA_PLATFORM=offscreen, against the production sync server on loopback: a rep works
// offline, syncs, sees a supervisor's edit merged in; both edit one field while the server
// is down; the supervisor settles the conflict in the review queue and the rep sees it.

#include <gtest/gtest.h>

#include <QDate>
#include <QFile>
#include <QImage>

#include <QtQml/qqmlextensionplugin.h>

#include <memory>

#include "app_window.hpp"

Q_IMPORT_QML_PLUGIN(FieldSync_AppPlugin)

namespace fieldsync::app {
namespace {

using test::AppWindow;
using test::UiFlowTest;
using test::wait_until;

TEST_F(UiFlowTest, OfflineEditSyncMergeAndSettledConflict) {
  AppWindow rep(dir_.file("rep.db"));
  AppWindow supervisor(dir_.file("supervisor.db"));
  EXPECT_TRUE(rep.text(QStringLiteral("onlineLabel")).contains(QLatin1String("no server")));

  // Offline: a failed save keeps what was typed and says why.
  rep.click(QStringLiteral("newCustomerButton"));
  rep.type(QStringLiteral("field:territory"), QStringLiteral("north"));
  rep.click(QStringLiteral("saveButton"));
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("error:name")); }));
  EXPECT_EQ(rep.text(QStringLiteral("error:name")), QStringLiteral("Name is required."));
  EXPECT_EQ(rep.text(QStringLiteral("field:territory")), QStringLiteral("north"));
  EXPECT_EQ(rep.app().replica().outbox_size(), 0u);

  rep.type(QStringLiteral("field:name"), QStringLiteral("Kiosk Nord"));
  rep.click(QStringLiteral("saveButton"));
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("customer:Kiosk Nord")); }));
  EXPECT_TRUE(rep.shows_within(QStringLiteral("customer:Kiosk Nord"), QStringLiteral("pendingBadge")));

  // Edit it, still offline: the page shows the new value and the pending badge.
  rep.click(QStringLiteral("customer:Kiosk Nord"));
  rep.click(QStringLiteral("editCustomerButton"));
  rep.type(QStringLiteral("field:phone"), QStringLiteral("+49 40 1"));
  rep.click(QStringLiteral("saveButton"));
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("value:phone")) == QLatin1String("+49 40 1"); }));
  EXPECT_TRUE(rep.shows(QStringLiteral("customerPendingBadge")));
  EXPECT_EQ(rep.text(QStringLiteral("outboxLabel")), QStringLiteral("1 edit waiting"));

  // Online: the edits go out, the badge goes.
  connect(rep, rep_token_);
  connect(supervisor, supervisor_token_);
  // The role the server told each: the supervisor gets the review queue up front, the rep
  // her own conflicts.
  ASSERT_TRUE(wait_until([&] { return supervisor.shows(QStringLiteral("reviewQueueCard")); }));
  EXPECT_EQ(supervisor.text(QStringLiteral("reviewButton")), QStringLiteral("Review"));
  ASSERT_TRUE(wait_until([&] { return rep.app().role() == QLatin1String("rep"); }));
  EXPECT_FALSE(rep.shows(QStringLiteral("reviewQueueCard")));
  EXPECT_EQ(rep.text(QStringLiteral("reviewButton")), QStringLiteral("My conflicts"));
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("outboxLabel")) == QLatin1String("0 edits waiting"); }));
  EXPECT_TRUE(wait_until([&] { return !rep.shows_within(QStringLiteral("customer:Kiosk Nord"), QStringLiteral("pendingBadge")); }));
  rep.click(QStringLiteral("customer:Kiosk Nord"));
  EXPECT_TRUE(wait_until([&] { return !rep.shows(QStringLiteral("customerPendingBadge")); }));

  // The supervisor's phone received it; an edit there reaches the rep live, merged with hers.
  ASSERT_TRUE(wait_until([&] { return supervisor.shows(QStringLiteral("customer:Kiosk Nord")); }));
  supervisor.click(QStringLiteral("customer:Kiosk Nord"));
  supervisor.click(QStringLiteral("editCustomerButton"));
  supervisor.type(QStringLiteral("field:industry"), QStringLiteral("Newsagent"));
  supervisor.click(QStringLiteral("saveButton"));
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("value:industry")) == QLatin1String("Newsagent"); }));
  EXPECT_EQ(rep.text(QStringLiteral("value:phone")), QStringLiteral("+49 40 1"));

  // The server goes away; both change the phone number.
  const auto port = server_.port();
  server_.stop();
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("onlineLabel")) == QLatin1String("Offline"); }));
  rep.click(QStringLiteral("editCustomerButton"));
  rep.type(QStringLiteral("field:phone"), QStringLiteral("+49 40 2"));
  rep.click(QStringLiteral("saveButton"));
  ASSERT_TRUE(wait_until([&] { return supervisor.shows(QStringLiteral("editCustomerButton")); }));
  supervisor.click(QStringLiteral("editCustomerButton"));
  supervisor.type(QStringLiteral("field:phone"), QStringLiteral("+49 40 3"));
  supervisor.click(QStringLiteral("saveButton"));
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("value:phone")) == QLatin1String("+49 40 2"); }));

  server_.start(port);
  rep.click(QStringLiteral("syncNowButton"));
  supervisor.click(QStringLiteral("syncNowButton"));
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("customerConflictBadge")); }));
  // The rep sees her conflict, and is told that a supervisor settles it: no settle actions.
  rep.call("showHome");
  rep.click(QStringLiteral("reviewButton"));
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("conflict:Kiosk Nord:phone")); }));
  EXPECT_TRUE(rep.text(QStringLiteral("settleNote")).contains(QLatin1String("Only a supervisor may settle")))
      << rep.visible_names();
  EXPECT_FALSE(rep.shows(QStringLiteral("useOtherButton")));
  EXPECT_FALSE(rep.shows(QStringLiteral("keep:0")));
  rep.call("showHome");
  rep.click(QStringLiteral("customer:Kiosk Nord"));
  ASSERT_TRUE(wait_until([&] { return supervisor.text(QStringLiteral("conflictLabel")) == QStringLiteral("· 1 conflict"); }))
      << supervisor.text(QStringLiteral("conflictLabel")).toStdString() << " | "
      << supervisor.text(QStringLiteral("onlineLabel")).toStdString() << " | "
      << supervisor.text(QStringLiteral("outboxLabel")).toStdString() << " | "
      << supervisor.text(QStringLiteral("syncErrorLabel")).toStdString() << " | "
      << supervisor.text(QStringLiteral("value:phone")).toStdString();

  // The supervisor settles it with a new value; the rep sees the result, conflict gone.
  supervisor.call("showHome");
  EXPECT_EQ(supervisor.text(QStringLiteral("reviewQueueCount")), QStringLiteral("1 open conflict"));
  supervisor.click(QStringLiteral("reviewQueueButton"));
  ASSERT_TRUE(wait_until([&] { return supervisor.shows(QStringLiteral("conflict:Kiosk Nord:phone")); }));
  EXPECT_EQ(supervisor.text(QStringLiteral("conflictHeading")), QStringLiteral("Customer · Phone"));
  // The rep's value is named by who she is (the server's user directory), not by her device.
  EXPECT_TRUE(wait_until([&] {
    return supervisor.text(QStringLiteral("author:0")).startsWith(QStringLiteral("rita ·")) ||
           supervisor.text(QStringLiteral("author:1")).startsWith(QStringLiteral("rita ·"));
  })) << supervisor.text(QStringLiteral("author:0")).toStdString() << " | "
      << supervisor.text(QStringLiteral("author:1")).toStdString();
  supervisor.type(QStringLiteral("otherValue"), QStringLiteral("+49 40 9"));
  supervisor.click(QStringLiteral("useOtherButton"));
  EXPECT_TRUE(wait_until([&] { return supervisor.app().conflicts()->rowCount() == 0; }));
  EXPECT_TRUE(wait_until([&] { return rep.text(QStringLiteral("value:phone")) == QLatin1String("+49 40 9"); }));
  EXPECT_TRUE(wait_until([&] { return !rep.shows(QStringLiteral("customerConflictBadge")); }));
  EXPECT_EQ(rep.text(QStringLiteral("conflictLabel")), QStringLiteral("· 0 conflicts"));

  // The history the supervisor reviews comes from the server's audit log.
  const QString id = rep.app().customers()->get(0).value(QStringLiteral("recordId")).toString();
  std::unique_ptr<HistoryModel> history(supervisor.app().history(QStringLiteral("customers"), id));
  ASSERT_TRUE(wait_until([&] { return !history->loading(); }));
  EXPECT_EQ(history->error(), QString());
  QStringList actions;
  QString settlement;
  for (int i = 0; i < history->rowCount(); ++i) {
    actions << history->index(i).data(HistoryModel::kAction).toString();
    if (actions.back() == QLatin1String("Conflict settled")) {
      settlement = history->index(i).data(HistoryModel::kFields).toString() + " by " +
                   history->index(i).data(HistoryModel::kUser).toString();
    }
  }
  EXPECT_TRUE(actions.contains(QStringLiteral("Conflict settled"))) << actions.join(", ").toStdString();
  // Fields and enum values in words: the creation set the default tier.
  QStringList lines;
  for (int i = 0; i < history->rowCount(); ++i) lines << history->index(i).data(HistoryModel::kFields).toString();
  EXPECT_TRUE(lines.join(QLatin1Char('\n')).contains(QStringLiteral("Tier: (none) → Potential"))) << lines.join(" | ").toStdString();
  // With the value chosen, the values it replaced, and the person.
  EXPECT_TRUE(settlement.startsWith(QStringLiteral("Phone: settled on +49 40 9 (replaced ")) &&
              settlement.contains(QStringLiteral("+49 40 2")) && settlement.contains(QStringLiteral("+49 40 3")) &&
              settlement.endsWith(QStringLiteral(") by sam")))
      << settlement.toStdString();
}

TEST_F(UiFlowTest, RecordOutsideTheTerritoryIsRefusedInWords) {
  AppWindow rep(dir_.file("rep.db"));
  rep.click(QStringLiteral("newCustomerButton"));
  rep.type(QStringLiteral("field:name"), QStringLiteral("Far Away Ltd"));
  rep.type(QStringLiteral("field:territory"), QStringLiteral("south"));
  rep.click(QStringLiteral("saveButton"));
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("customer:Far Away Ltd")); }));
  connect(rep, rep_token_);
  ASSERT_TRUE(wait_until([&] { return !rep.app().rejections().isEmpty(); }));
  const QVariantMap refusal = rep.app().rejections().front().toMap();
  EXPECT_TRUE(refusal.value(QStringLiteral("message")).toString().contains(QLatin1String("outside your territories")));

  // The status bar says so, and takes her to the list that says why.
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("refusedButton")); }));
  EXPECT_EQ(rep.text(QStringLiteral("refusedButton")), QStringLiteral("· 1 refused"));
  rep.click(QStringLiteral("refusedButton"));

  // "Got it": the office holds no such customer, so it leaves the phone, and nothing is left to send.
  const QString button = QStringLiteral("dismissRejection:") + refusal.value(QStringLiteral("recordId")).toString();
  ASSERT_TRUE(wait_until([&] { return rep.shows(button); }));
  rep.click(button);
  ASSERT_TRUE(wait_until([&] { return rep.app().rejections().isEmpty(); }));
  EXPECT_TRUE(wait_until([&] { return !rep.shows(QStringLiteral("refusedButton")); }));
  EXPECT_EQ(rep.text(QStringLiteral("settingsMessage")), QString());
  EXPECT_FALSE(rep.app().replica().get("customers", *Uuid::parse(refusal.value(QStringLiteral("recordId")).toString().toStdString())));
  EXPECT_EQ(rep.app().outboxSize(), 0);
}

// Settings names who is signed in; signing out never loses an edit: offline it refuses and
// says why, online the edit reaches the office before the token is forgotten.
TEST_F(UiFlowTest, SettingsShowTheAccountAndSignOutSendsEditsFirst) {
  AppWindow rep(dir_.file("rep.db"));
  connect(rep, rep_token_);
  rep.call("openSettings");
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("accountLabel")).contains(QLatin1String("(rita)")); }))
      << rep.text(QStringLiteral("accountLabel")).toStdString() << " | account user "
      << rep.app().account().value(QStringLiteral("user")).toString().toStdString() << " role "
      << rep.app().role().toStdString() << " | " << rep.visible_names();
  EXPECT_TRUE(rep.text(QStringLiteral("accountLabel")).contains(QLatin1String("territories: north")));
  EXPECT_TRUE(rep.text(QStringLiteral("versionLabel")).startsWith(QLatin1String("FieldSync 0.")));

  const auto port = server_.port();
  server_.stop();
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("onlineLabel")) == QLatin1String("Offline"); }));
  const RecordId late = rep.app().replica().create(
      "customers", {{"name", Value(std::string("Late Edit"))}, {"territory", Value(std::string("north"))}});
  rep.app().localWriteDone();
  rep.click(QStringLiteral("signOutButton"));
  EXPECT_TRUE(rep.text(QStringLiteral("settingsMessage")).contains(QLatin1String("connect to the office first")))
      << rep.text(QStringLiteral("settingsMessage")).toStdString();
  EXPECT_FALSE(rep.app().token().isEmpty()) << "signed out with an edit unsent";

  server_.start(port);
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("onlineLabel")) == QLatin1String("Online"); }));
  rep.click(QStringLiteral("signOutButton"));
  ASSERT_TRUE(wait_until([&] { return rep.app().token().isEmpty(); })) << rep.text(QStringLiteral("settingsMessage")).toStdString();
  EXPECT_EQ(rep.app().outboxSize(), 0);
  EXPECT_TRUE(server_.store().get("customers", late).has_value()) << "the edit reached the office first";
  EXPECT_TRUE(wait_until([&] { return !rep.shows(QStringLiteral("accountLabel")); }));
  EXPECT_EQ(rep.app().role(), QString());
}

TEST_F(UiFlowTest, RevokedTokenIsExplained) {
  AppWindow rep(dir_.file("rep.db"));
  rep.open_advanced_settings();
  rep.type(QStringLiteral("serverUrlField"), QString::fromStdString(server_.url()));
  rep.type(QStringLiteral("tokenField"), QStringLiteral("not-a-token"));
  rep.click(QStringLiteral("saveSettingsButton"));
  ASSERT_TRUE(wait_until([&] { return !rep.text(QStringLiteral("syncErrorLabel")).isEmpty() && rep.shows(QStringLiteral("syncErrorLabel")); }));
  EXPECT_TRUE(rep.text(QStringLiteral("syncErrorLabel")).contains(QLatin1String("token"))) << rep.text(QStringLiteral("syncErrorLabel")).toStdString();
}

// The reports page narrows every report to the territory or rep chosen at its top.
TEST_F(UiFlowTest, ReportsForOneTerritoryOrRep) {
  AppWindow rep(dir_.file("rep.db"));
  Replica& replica = rep.app().replica();
  const auto a = replica.create("customers", {{"name", Value(std::string("A"))}, {"tier", Value(std::string("potential"))},
                                              {"territory", Value(std::string("north"))}, {"owner", Value(std::string("rita"))}});
  replica.create("customers", {{"name", Value(std::string("B"))}, {"tier", Value(std::string("potential"))},
                               {"territory", Value(std::string("south"))}, {"owner", Value(std::string("otto"))}});
  replica.create("orders", {{"order_number", Value(std::string("N-1"))}, {"customer_id", Value(a.to_string())},
                            {"status", Value(std::string("received"))}, {"amount", Value(std::int64_t{1250})},
                            {"territory", Value(std::string("north"))}});
  rep.app().localWriteDone();
  rep.call("openReports");
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("conversionReport")); }));
  EXPECT_EQ(rep.text(QStringLiteral("conversionReport")), QStringLiteral("1 of 2 potential customers ordered (50%)"));
  EXPECT_EQ(rep.find(QStringLiteral("reportSlice"))->property("currentText").toString(), QStringLiteral("All territories and reps"));

  // The charts: one order this month, rita's; drawn (teal bars) even by the software renderer.
  const QString this_month = QDate::currentDate().toString(QStringLiteral("yyyy-MM"));
  auto chart = [&](const char* name, const char* what) {
    return rep.find(QString::fromLatin1(name))->property(what).toList();
  };
  EXPECT_EQ(chart("monthChart", "keys"), (QVariantList{this_month}));
  EXPECT_EQ(chart("monthChart", "counts"), (QVariantList{1}));
  const QVariantList reps = chart("repChart", "keys");
  ASSERT_TRUE(reps.contains(QStringLiteral("rita"))) << reps.size();
  EXPECT_EQ(chart("repChart", "counts").at(reps.indexOf(QStringLiteral("rita"))).toInt(), 1);
  QQuickItem* month_chart = rep.find(QStringLiteral("monthChart"));
  ASSERT_TRUE(wait_until([&] { return !rep.find(QStringLiteral("stack"))->property("busy").toBool(); }));
  const QImage shot = rep.window()->grabWindow();
  shot.save(QString::fromStdString(dir_.file("reports.png")));
  const QRectF area = month_chart->mapRectToScene(QRectF(0, 0, month_chart->width(), month_chart->height()));
  int teal = 0;
  for (int y = static_cast<int>(area.top()); y < static_cast<int>(area.bottom()) && y < shot.height(); ++y) {
    for (int x = static_cast<int>(area.left()); x < static_cast<int>(area.right()) && x < shot.width(); ++x) {
      if (shot.pixelColor(x, y) == QColor(0x00, 0x89, 0x7b)) ++teal;
    }
  }
  EXPECT_GT(teal, 100) << "no bar drawn; see " << dir_.file("reports.png");

  // All, Territory north, Territory south, Rep otto, Rep rita: pick "Rep otto".
  rep.click(QStringLiteral("reportSlice"));
  QTest::qWait(300);  // the popup opens
  for (int i = 0; i < 3; ++i) QTest::keyClick(rep.window(), Qt::Key_Down);
  QTest::keyClick(rep.window(), Qt::Key_Return);
  ASSERT_TRUE(wait_until([&] { return rep.app().reports()->slice() == QLatin1String("owner:otto"); }))
      << rep.app().reports()->slice().toStdString();
  EXPECT_EQ(rep.find(QStringLiteral("reportSlice"))->property("currentText").toString(), QStringLiteral("Rep otto"));
  EXPECT_EQ(rep.text(QStringLiteral("conversionReport")), QStringLiteral("0 of 1 potential customers ordered (0%)"));
  EXPECT_FALSE(chart("monthChart", "counts").contains(1)) << "the charts follow the slice";

  // The slice goes to a spreadsheet as it is shown.
  rep.app().reports()->setExportDir(QString::fromStdString(dir_.file("exports")));
  rep.click(QStringLiteral("exportButton"));
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("exportMessage")).startsWith(QLatin1String("Saved to ")); }))
      << rep.text(QStringLiteral("exportMessage")).toStdString();
  QFile exported(rep.text(QStringLiteral("exportMessage")).mid(9));
  ASSERT_TRUE(exported.open(QIODevice::ReadOnly)) << exported.fileName().toStdString();
  const QByteArray csv = exported.readAll();
  EXPECT_TRUE(csv.startsWith("month,currency,orders,amount,")) << csv.toStdString();
  EXPECT_FALSE(csv.contains("12.50")) << "rita's order is not in otto's slice: " << csv.toStdString();
}

// A ws:// address beyond this device needs the "unencrypted" switch; the settings say so.
TEST_F(UiFlowTest, UnencryptedAddressNeedsTheSwitch) {
  AppWindow rep(dir_.file("rep.db"));
  rep.open_advanced_settings();
  rep.type(QStringLiteral("serverUrlField"), QStringLiteral("ws://192.0.2.1:9/sync"));
  rep.type(QStringLiteral("tokenField"), QStringLiteral("t"));
  rep.click(QStringLiteral("saveSettingsButton"));
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("settingsMessage")).contains(QLatin1String("not encrypted")); }))
      << rep.text(QStringLiteral("settingsMessage")).toStdString();
  EXPECT_EQ(rep.app().serverUrl(), QString());
  rep.click(QStringLiteral("allowPlaintextSwitch"));
  rep.click(QStringLiteral("saveSettingsButton"));
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("settingsMessage")) == QLatin1String("Saved."); }))
      << rep.text(QStringLiteral("settingsMessage")).toStdString();
  EXPECT_TRUE(rep.app().allowPlaintext());
  EXPECT_EQ(rep.app().serverUrl(), QStringLiteral("ws://192.0.2.1:9/sync"));
}

// Deleting from the app: a visit from its form, and an order still `received`, each only
// after the user confirms; the delete waits in the outbox like any edit and reaches the
// supervisor's phone through the server.
TEST_F(UiFlowTest, DeletesAfterConfirmationAndSyncs) {
  AppWindow rep(dir_.file("rep.db"));
  AppWindow supervisor(dir_.file("supervisor.db"));
  // The supervisor's records reach the rep's phone through the server; then the server goes.
  connect(supervisor, supervisor_token_);
  Replica& office = supervisor.app().replica();
  const RecordId customer = office.create("customers", {{"name", Value(std::string("Kiosk Nord"))}, {"territory", Value(std::string("north"))}});
  const std::string c = customer.to_string();
  const RecordId visit =
      office.create("visits", {{"customer_id", Value(c)}, {"visited_on", Value(std::string("2030-01-02"))}, {"channel", Value(std::string("phone"))}});
  const RecordId order = office.create("orders", {{"order_number", Value(std::string("N-1"))}, {"customer_id", Value(c)},
                                                  {"status", Value(std::string("received"))}, {"territory", Value(std::string("north"))}});
  // A new order starts received (the rules); the supervisor reviews it at once.
  const RecordId reviewed = office.create("orders", {{"order_number", Value(std::string("N-2"))}, {"customer_id", Value(c)},
                                                     {"territory", Value(std::string("north"))}});
  office.update("orders", reviewed, {{"status", Value(std::string("reviewed"))}});
  supervisor.app().localWriteDone();
  ASSERT_TRUE(wait_until([&] { return supervisor.app().outboxSize() == 0; }));
  connect(rep, rep_token_);
  ASSERT_TRUE(wait_until([&] { return rep.app().replica().get("orders", reviewed).has_value(); }));
  const auto port = server_.port();
  server_.stop();
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("onlineLabel")) == QLatin1String("Offline"); }));

  ASSERT_EQ(rep.app().outboxSize(), 0);
  rep.click(QStringLiteral("customer:Kiosk Nord"));
  // Every list filled in, so that no row moves under the click.
  ASSERT_TRUE(wait_until([&] {
    return rep.shows(QStringLiteral("visit:2030-01-02 · Phone")) && rep.shows(QStringLiteral("order:N-1")) &&
           rep.shows(QStringLiteral("order:N-2"));
  })) << rep.visible_names();
  QTest::qWait(200);
  rep.click(QStringLiteral("visit:2030-01-02 · Phone"));

  // Asked first; "Keep" keeps it.
  rep.click(QStringLiteral("deleteButton"));
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("confirmButton")); }));
  rep.click(QStringLiteral("cancelConfirmButton"));
  ASSERT_TRUE(wait_until([&] { return !rep.shows(QStringLiteral("confirmButton")); }));
  EXPECT_EQ(rep.app().outboxSize(), 0);
  EXPECT_FALSE(rep.app().replica().get("visits", visit)->deleted());

  rep.click(QStringLiteral("deleteButton"));
  rep.click(QStringLiteral("confirmButton"));
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("order:N-1")); }));  // back on the customer
  EXPECT_TRUE(wait_until([&] { return !rep.shows(QStringLiteral("visit:2030-01-02 · Phone")); }));
  EXPECT_TRUE(rep.app().replica().get("visits", visit)->deleted());
  EXPECT_EQ(rep.text(QStringLiteral("outboxLabel")), QStringLiteral("1 edit waiting"));

  // A rep cannot delete a reviewed order (only a supervisor may; she may cancel it); a received one she can.
  rep.click(QStringLiteral("order:N-2"));
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("move:scheduled")); }));
  EXPECT_FALSE(rep.shows(QStringLiteral("deleteOrderButton")));
  rep.click(QStringLiteral("backButton"));
  rep.click(QStringLiteral("order:N-1"));
  rep.click(QStringLiteral("deleteOrderButton"));
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("confirmMessage")).contains(QLatin1String("N-1")); }));
  rep.click(QStringLiteral("confirmButton"));
  ASSERT_TRUE(wait_until([&] { return !rep.shows(QStringLiteral("order:N-1")) && rep.shows(QStringLiteral("order:N-2")); }));
  EXPECT_EQ(rep.text(QStringLiteral("outboxLabel")), QStringLiteral("2 edits waiting"));

  // Synced: the supervisor's phone no longer shows them.
  server_.start(port);
  rep.click(QStringLiteral("syncNowButton"));
  supervisor.click(QStringLiteral("syncNowButton"));
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("outboxLabel")) == QLatin1String("0 edits waiting"); }))
      << rep.text(QStringLiteral("syncErrorLabel")).toStdString();
  ASSERT_TRUE(wait_until([&] {
    const auto o = supervisor.app().replica().get("orders", order);
    const auto v = supervisor.app().replica().get("visits", visit);
    return o && o->deleted() && v && v->deleted();
  }));
  EXPECT_FALSE(supervisor.app().replica().get("orders", reviewed)->deleted());
}

}  // namespace
}  // namespace fieldsync::app
