#include <gtest/gtest.h>

#include <QFileInfo>
#include <QSignalSpy>
#include <QTest>

#include <fstream>
#include <memory>

#include "app_controller.hpp"
#include "demo_data.hpp"
#include "model_test_support.hpp"

namespace fieldsync::app {
namespace {

// Anyone but the file's owner: none of these may be set on the token file.
constexpr auto kNotTheOwner = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup |
                              QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;

using test::text;

class AppControllerTest : public ::testing::Test {
 protected:
  fieldsync::test::TempDir dir_;
  AppController app_{QString::fromStdString(dir_.file("phone.db"))};
};

TEST_F(AppControllerTest, SettingsAreCheckedAndKeptInTheReplica) {
  EXPECT_FALSE(app_.saveSettings(QStringLiteral("http://office:8787/sync"), QStringLiteral("t")).isEmpty());
  EXPECT_FALSE(app_.saveSettings(QStringLiteral("ws://127.0.0.1:9/sync"), QString()).isEmpty());
  EXPECT_EQ(app_.serverUrl(), QString());

  // Port 9 (discard) refuses: the sync runs and fails off the UI thread, the settings stay.
  EXPECT_EQ(app_.saveSettings(QStringLiteral("ws://127.0.0.1:9/sync"), QStringLiteral("secret")), QString());
  EXPECT_EQ(app_.serverUrl(), QStringLiteral("ws://127.0.0.1:9/sync"));
  EXPECT_EQ(app_.token(), QStringLiteral("secret"));
  EXPECT_TRUE(app_.sync()->configured());
}

// The token is kept by the token store, never in the replica: here (no secret service) in an
// owner-only file beside it; a token an older version kept in the replica moves there.
TEST(TokenStore, KeepsTheTokenOutOfTheReplicaAndMovesAnOldOne) {
  fieldsync::test::TempDir dir;
  const QString db = QString::fromStdString(dir.file("phone.db"));
  const QString file = db + QStringLiteral(".token");
  {
    Replica replica = Replica::open(db.toStdString(), Schema::domain());
    replica.set_setting("app.token", "fs1.old.secret");
  }
  {
    AppController app(db);
    EXPECT_EQ(app.token(), QStringLiteral("fs1.old.secret"));
    EXPECT_TRUE(app.signedIn());
    EXPECT_EQ(app.replica().setting("app.token").value_or(""), "");
    ASSERT_TRUE(QTest::qWaitFor([&] { return app.tokenStorage() == QLatin1String("file"); }, 5000));
    EXPECT_EQ(QFileInfo(file).permissions() & kNotTheOwner, QFileDevice::Permissions());
    EXPECT_TRUE(QFileInfo(file).permissions() & QFileDevice::ReadOwner);
  }
  {
    AppController app(db);  // read back at start
    EXPECT_EQ(app.token(), QStringLiteral("fs1.old.secret"));
    EXPECT_EQ(app.tokenStorage(), QStringLiteral("file"));
    EXPECT_EQ(app.signOut(), QString());  // nothing unsent: forgotten at once
    EXPECT_FALSE(app.signedIn());
    EXPECT_FALSE(QFileInfo::exists(file));
  }
  AppController app(db);
  EXPECT_EQ(app.token(), QString());
}

TEST_F(AppControllerTest, EnrolLinksAreReadAndOthersRefused) {
  EXPECT_TRUE(app_.handleLink(QStringLiteral(
      "fieldsync://enrol?server=wss%3A%2F%2Fsync.example.com%3A8787&code=K7QF-M2XA-9D&ca=sha256%3AqL0-_x")));
  EXPECT_EQ(app_.enrolLink().value(QStringLiteral("server")).toString(), QStringLiteral("wss://sync.example.com:8787/sync"));
  EXPECT_EQ(app_.enrolLink().value(QStringLiteral("code")).toString(), QStringLiteral("K7QF-M2XA-9D"));
  EXPECT_EQ(app_.enrolLink().value(QStringLiteral("pin")).toString(), QStringLiteral("sha256:qL0-_x"));
  EXPECT_FALSE(app_.handleLink(QStringLiteral("fieldsync://enrol?server=https%3A%2F%2Fx&code=A")));  // not ws(s)
  EXPECT_FALSE(app_.handleLink(QStringLiteral("fieldsync://enrol?server=wss%3A%2F%2Fx")));           // no code
  EXPECT_FALSE(app_.handleLink(QStringLiteral("tel:+49301234")));
  EXPECT_EQ(app_.enrolLink().value(QStringLiteral("code")).toString(), QStringLiteral("K7QF-M2XA-9D"));
  // Nothing to sign in with: said at once, nothing sent.
  app_.signIn(QString(), QStringLiteral("K7QF-M2XA-9D"));
  EXPECT_FALSE(app_.signInError().isEmpty());
  EXPECT_FALSE(app_.signingIn());
}

TEST_F(AppControllerTest, TransportSettingsAreCheckedKeptAndUsed) {
  // ws:// beyond this device only when allowed, in words.
  const QString refused = app_.saveSettings(QStringLiteral("ws://192.0.2.1:9/sync"), QStringLiteral("t"));
  EXPECT_TRUE(refused.contains(QLatin1String("not encrypted"))) << refused.toStdString();
  EXPECT_EQ(app_.serverUrl(), QString());
  // A CA file that is not there is refused before anything is stored.
  const QString missing = app_.saveSettings(QStringLiteral("wss://127.0.0.1:9/sync"), QStringLiteral("t"),
                                            QString::fromStdString(dir_.file("missing.pem")));
  EXPECT_TRUE(missing.contains(QLatin1String("cannot be read"))) << missing.toStdString();
  EXPECT_EQ(app_.serverUrl(), QString());

  // Allowed: stored, and the live sync gets it (or it would refuse at once, in words).
  EXPECT_EQ(app_.saveSettings(QStringLiteral("ws://192.0.2.1:9/sync"), QStringLiteral("t"), {}, true), QString());
  EXPECT_TRUE(app_.allowPlaintext());
  EXPECT_EQ(app_.replica().setting("app.allow_plaintext").value_or(""), "1");
  QTest::qWait(500);
  EXPECT_FALSE(app_.sync()->error().contains(QLatin1String("not encrypted"))) << app_.sync()->error().toStdString();

  // A CA file that is no certificate reaches the live sync, which says so.
  const std::string not_pem = dir_.file("not-a-cert.pem");
  std::ofstream(not_pem) << "hello\n";
  EXPECT_EQ(app_.saveSettings(QStringLiteral("wss://127.0.0.1:9/sync"), QStringLiteral("t"), QString::fromStdString(not_pem)),
            QString());
  EXPECT_EQ(app_.caFile(), QString::fromStdString(not_pem));
  EXPECT_FALSE(app_.allowPlaintext());
  EXPECT_TRUE(QTest::qWaitFor([&] { return app_.sync()->error().contains(QLatin1String("not a certificate")); }, 5000))
      << app_.sync()->error().toStdString();
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

TEST(AppControllerRoleTest, RoleLearntAtSyncIsKeptOfflineAndForgottenWithTheToken) {
  fieldsync::test::TempDir dir;
  const QString path = QString::fromStdString(dir.file("phone.db"));
  {
    AppController app(path);
    EXPECT_EQ(app.role(), QString());  // never synced: not a reviewer
    EXPECT_FALSE(app.reviewer());
    EXPECT_EQ(app.saveSettings(QStringLiteral("ws://127.0.0.1:9/sync"), QStringLiteral("sam-token")), QString());
    app.replica().set_setting(kSignedInRoleSetting, "supervisor");  // as the sync keeps it (the UI flow test syncs)
  }
  {
    AppController app(path);  // a restart, offline
    EXPECT_EQ(app.role(), QStringLiteral("supervisor"));
    EXPECT_TRUE(app.reviewer());
    QSignalSpy role_changed(&app, &AppController::roleChanged);
    EXPECT_EQ(app.saveSettings(QStringLiteral("ws://127.0.0.1:9/sync"), QStringLiteral("sam-token")), QString());
    EXPECT_TRUE(app.reviewer());  // the same token: the same user
    EXPECT_EQ(app.saveSettings(QStringLiteral("ws://127.0.0.1:9/sync"), QStringLiteral("rita-token")), QString());
    EXPECT_FALSE(app.reviewer());  // another token may be another user
    EXPECT_EQ(role_changed.count(), 1);
    // Forgotten where the replica judges writes by it, until the next welcome names it.
    EXPECT_EQ(app.replica().setting(kSignedInRoleSetting).value_or(""), "");
  }
  {
    AppController app(path);
    app.replica().set_setting(kSignedInRoleSetting, "admin");
    EXPECT_TRUE(app.reviewer());
    app.replica().set_setting(kSignedInRoleSetting, "rep");
    EXPECT_FALSE(app.reviewer());
  }
}

}  // namespace
}  // namespace fieldsync::app

namespace fieldsync::app {
namespace {

using test::text;

// Issue 14: "My conflicts (1)" and "conflict: under review" on a phone that never synced.
// A phone's own writes never open a conflict (each replaces the value it saw); the one
// users saw came with the demo data, which merged the office's records as a first sync
// would without recording that sync: the phone said "synced never" and knew no role.
class NeverSyncedTest : public ::testing::Test {
 protected:
  fieldsync::test::TempDir dir_;
  AppController app_{QString::fromStdString(dir_.file("phone.db"))};
};

TEST_F(NeverSyncedTest, APhonesOwnWritesOpenNoConflict) {
  Replica& replica = app_.replica();
  const auto customer = replica.create("customers", {{"name", text("Aurora")}, {"territory", text("north")}});
  replica.update("customers", customer, {{"phone", text("1")}});
  replica.update("customers", customer, {{"phone", text("2")}});
  const auto order = replica.create("orders", {{"order_number", text("N-1")},
                                               {"customer_id", text(customer.to_string())}, {"territory", text("north")}});
  std::unique_ptr<RecordMoves> moves(app_.moves(QStringLiteral("orders"), QString::fromStdString(order.to_string())));
  ASSERT_EQ(moves->move(QStringLiteral("reviewed"), QString(), {}), QString());
  moves->reload();
  ASSERT_EQ(moves->undo(), QString());
  const auto visit = replica.create("visits", {{"customer_id", text(customer.to_string())}});
  EXPECT_EQ(app_.removeRecord(QStringLiteral("visits"), QString::fromStdString(visit.to_string())), QString());
  app_.localWriteDone();

  EXPECT_EQ(app_.conflicts()->rowCount(), 0);
  EXPECT_FALSE(app_.record(QStringLiteral("customers"), QString::fromStdString(customer.to_string()))
                   .value(QStringLiteral("conflicted")).toBool());
  EXPECT_EQ(app_.lastSync(), QStringLiteral("never"));
}

TEST_F(NeverSyncedTest, DemoDataComesAsARecordedFirstSync) {
  seed_demo_data(app_.replica(), QDate::currentDate());
  app_.localWriteDone();
  // Its conflict is a synced phone's: the rep's own, after a sync the phone remembers.
  EXPECT_EQ(app_.conflicts()->rowCount(), 1);
  EXPECT_EQ(app_.role(), QStringLiteral("rep"));
  EXPECT_NE(app_.lastSync(), QStringLiteral("never"));
}

}  // namespace
}  // namespace fieldsync::app
