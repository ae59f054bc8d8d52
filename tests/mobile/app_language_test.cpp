// The app's language: the Settings choice kept in the replica, the Chinese catalogue
// compiled into the app, and names in the locale's collation order.
#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QRegularExpression>
#include <QSignalSpy>

#include "app_controller.hpp"
#include "app_language.hpp"
#include "customer_list_model.hpp"
#include "model_test_support.hpp"
#include "value_text.hpp"

namespace fieldsync::app {
namespace {

QStringList names(const CustomerListModel& model) {
  QStringList out;
  for (int i = 0; i < model.rowCount(); ++i) out << model.get(i).value(QStringLiteral("name")).toString();
  return out;
}

class AppLanguageTest : public ::testing::Test {
 protected:
  // The language is the process's: the next test starts from the device's again.
  void TearDown() override { apply_locale(QLocale::system()); }

  fieldsync::test::TempDir dir_;
};

TEST_F(AppLanguageTest, NamesSortByTheLocalesCollation) {
  Replica replica = test::open_file(dir_, "phone.db");
  for (const char* name : {"Bistro", "武汉", "Bäckerei", "上海", "北京烤鸭", "apotheke"}) {
    replica.create("customers",
                   {{"name", test::text(name)}, {"tier", test::text("regular")}, {"territory", test::text("north")}});
  }
  CustomerListModel model(replica);
  model.setLocale(QLocale(QLocale::German, QLocale::Germany));
  // Not byte order ("Bistro" < "Bäckerei", "apotheke" last), and case does not matter.
  EXPECT_EQ(names(model).mid(0, 3), (QStringList{"apotheke", "Bäckerei", "Bistro"}));
  model.setLocale(QLocale(QLocale::English, QLocale::UnitedStates));
  EXPECT_EQ(names(model).mid(0, 3), (QStringList{"apotheke", "Bäckerei", "Bistro"}));
  // Chinese names in pinyin order: Běijīng, Shànghǎi, Wǔhàn.
  model.setLocale(QLocale(QLocale::Chinese, QLocale::China));
  const QStringList chinese = names(model).filter(QRegularExpression(QStringLiteral("^\\p{Han}")));
  EXPECT_EQ(chinese, (QStringList{"北京烤鸭", "上海", "武汉"}));
}

TEST_F(AppLanguageTest, TheChoiceIsKeptAppliedAtOnceAndAfterARestart) {
  const QString db = QString::fromStdString(dir_.file("phone.db"));
  {
    AppController app(db);
    EXPECT_EQ(app.language(), QString());
    QSignalSpy changed(&app, &AppController::languageChanged);
    app.setLanguage(QStringLiteral("zh_CN"));
    EXPECT_EQ(changed.count(), 1);
    EXPECT_EQ(app.language(), QStringLiteral("zh_CN"));
    EXPECT_EQ(QLocale().language(), QLocale::Chinese);
    // The catalogue compiled from i18n/fieldsync_zh_CN.ts: texts made in C++ and QML alike.
    EXPECT_EQ(QCoreApplication::translate("RuleText", "Received"), QStringLiteral("已接单"));
    EXPECT_EQ(QCoreApplication::translate("HomePage", "Customers"), QStringLiteral("客户"));
    EXPECT_EQ(app.lastSync(), QStringLiteral("从未"));
    // The schema's field names and enum values, worded by label_for.
    EXPECT_EQ(label_for(QStringLiteral("next_follow_up")), QStringLiteral("下次跟进"));
    EXPECT_EQ(label_for(QStringLiteral("complaint")), QStringLiteral("投诉"));

    app.setLanguage(QStringLiteral("en"));
    EXPECT_EQ(QLocale().language(), QLocale::English);
    EXPECT_EQ(QCoreApplication::translate("RuleText", "Received"), QStringLiteral("Received"));
    app.setLanguage(QStringLiteral("zh_CN"));
  }
  apply_locale(QLocale::system());
  AppController reopened(db);  // the choice is the replica's, applied when the app starts
  EXPECT_EQ(reopened.language(), QStringLiteral("zh_CN"));
  EXPECT_EQ(QCoreApplication::translate("SettingsPage", "Settings"), QStringLiteral("设置"));
  reopened.setLanguage(QStringLiteral("klingon"));  // unknown: the device's language
  EXPECT_EQ(reopened.language(), QString());
}

TEST_F(AppLanguageTest, MoneyAndTimesFollowTheLocale) {
  FieldSchema money;
  money.name = "amount";
  money.type = FieldType::kMoney;
  apply_locale(QLocale(QLocale::German, QLocale::Germany));
  EXPECT_EQ(money_text(money, 123456789), QStringLiteral("1.234.567,89"));
  EXPECT_EQ(money_text(money, -50), QStringLiteral("-0,50"));
  apply_locale(QLocale(QLocale::English, QLocale::UnitedStates));
  EXPECT_EQ(money_text(money, 123456789), QStringLiteral("1,234,567.89"));
  apply_locale(QLocale(QLocale::Chinese, QLocale::China));
  const auto ms = static_cast<std::uint64_t>(QDateTime(QDate(2026, 12, 4), QTime(14, 7)).toMSecsSinceEpoch());
  EXPECT_EQ(time_text(ms), QLocale().toString(QDateTime(QDate(2026, 12, 4), QTime(14, 7)), QLocale::ShortFormat));
  EXPECT_TRUE(time_text(ms).contains(QLatin1String("2026/12/4"))) << time_text(ms).toStdString();
}

// Settings' "Last sync: 5 minutes ago" and the status bar's "synced 5 minutes ago".
TEST_F(AppLanguageTest, HowLongAgoInBothLanguages) {
  const auto now = static_cast<std::uint64_t>(QDateTime(QDate(2026, 12, 4), QTime(14, 7)).toMSecsSinceEpoch());
  constexpr std::uint64_t kMinute = 60'000;
  constexpr std::uint64_t kDay = 24 * 60 * kMinute;
  apply_locale(QLocale(QLocale::English, QLocale::UnitedStates));
  EXPECT_EQ(ago_text(now - 20'000, now), QStringLiteral("just now"));
  EXPECT_EQ(ago_text(now + 5 * kMinute, now), QStringLiteral("just now"));  // a clock set back
  EXPECT_EQ(ago_text(now - kMinute, now), QStringLiteral("1 minute ago"));
  EXPECT_EQ(ago_text(now - 5 * kMinute, now), QStringLiteral("5 minutes ago"));
  EXPECT_EQ(ago_text(now - 61 * kMinute, now), QStringLiteral("1 hour ago"));
  EXPECT_EQ(ago_text(now - 3 * 60 * kMinute, now), QStringLiteral("3 hours ago"));
  EXPECT_EQ(ago_text(now - kDay, now), QStringLiteral("1 day ago"));
  EXPECT_EQ(ago_text(now - 2 * kDay, now), QStringLiteral("2 days ago"));
  EXPECT_EQ(ago_text(now - 10 * kDay, now), time_text(now - 10 * kDay));  // a week on: the date
  apply_locale(QLocale(QLocale::Chinese, QLocale::China));
  EXPECT_EQ(ago_text(now - 20'000, now), QStringLiteral("刚刚"));
  EXPECT_EQ(ago_text(now - 5 * kMinute, now), QStringLiteral("5分钟前"));
  EXPECT_EQ(ago_text(now - 3 * 60 * kMinute, now), QStringLiteral("3小时前"));
  EXPECT_EQ(ago_text(now - 2 * kDay, now), QStringLiteral("2天前"));
  EXPECT_EQ(QCoreApplication::translate("SettingsPage", "Last sync: %1").arg(ago_text(now - 5 * kMinute, now)),
            QStringLiteral("上次同步：5分钟前"));
}

}  // namespace
}  // namespace fieldsync::app
