// The app in Chinese: chosen in the replica's settings before the window opens, the home
// page's texts in Chinese, rendered with CJK glyphs (a screenshot in the test's folder),
// and switched back to English in Settings while the window stays open.
#include <gtest/gtest.h>

#include <QFontDatabase>
#include <QFontMetrics>
#include <QImage>
#include <QPainter>

#include "app_language.hpp"
#include "app_window.hpp"
#include "demo_data.hpp"

namespace fieldsync::app::test {
namespace {

// The visible item showing `text` (its text or placeholder), or nullptr.
QQuickItem* showing(AppWindow& w, const QString& text) {
  for (auto* item : w.items()) {
    if (!item->isVisible() || item->width() <= 0) continue;
    if (item->property("text").toString() == text || item->property("placeholderText").toString() == text) return item;
  }
  return nullptr;
}

// `text` drawn in `font` (with Qt's fallback fonts, as Qt Quick draws it).
QImage drawn(const QString& text, const QFont& font) {
  QImage image(200, 60, QImage::Format_ARGB32);
  image.fill(Qt::white);
  QPainter painter(&image);
  painter.setFont(font);
  painter.setPen(Qt::black);
  painter.drawText(image.rect(), Qt::AlignCenter, text);
  return image;
}

class LanguageUiTest : public ::testing::Test {
 protected:
  void TearDown() override { apply_locale(QLocale::system()); }
  fieldsync::test::TempDir dir_;
};

TEST_F(LanguageUiTest, TheHomePageInChineseThenEnglishFromSettings) {
  const std::string db = dir_.file("phone.db");
  {
    Replica replica = Replica::open(db, Schema::domain());
    seed_demo_data(replica, QDate::currentDate());  // customers and follow-ups due
    replica.set_setting(kLanguageKey, "zh_CN");
  }
  AppWindow w(db);
  ASSERT_TRUE(wait_until([&] { return showing(w, QStringLiteral("今日跟进 / 已逾期")) != nullptr; }));
  QQuickItem* title = showing(w, QStringLiteral("客户"));  // the tool bar's page title
  ASSERT_NE(title, nullptr);
  EXPECT_NE(showing(w, QStringLiteral("搜索客户名、电话、邮箱")), nullptr);
  EXPECT_EQ(w.text(QStringLiteral("onlineLabel")), QStringLiteral("离线：未设置服务器"));
  EXPECT_TRUE(w.text(QStringLiteral("reviewButton")).startsWith(QStringLiteral("我的冲突")));
  EXPECT_EQ(showing(w, QStringLiteral("Customers")), nullptr);
  EXPECT_EQ(showing(w, QStringLiteral("Due today / overdue")), nullptr);

  // The screenshot, and glyphs in it: white text on the tool bar where the title is.
  const QImage shot = w.window()->grabWindow();
  ASSERT_FALSE(shot.isNull());
  const QString path = QString::fromStdString(dir_.file("home-zh_CN.png"));
  ASSERT_TRUE(shot.save(path)) << path.toStdString();
  const qreal scale = shot.devicePixelRatio();
  const QRectF area = title->mapRectToScene(QRectF(0, 0, title->implicitWidth(), title->height()));
  const QImage text_area = shot.copy(QRectF(area.topLeft() * scale, area.size() * scale).toRect());
  int light = 0;
  for (int y = 0; y < text_area.height(); ++y) {
    for (int x = 0; x < text_area.width(); ++x) light += qGray(text_area.pixel(x, y)) > 200 ? 1 : 0;
  }
  EXPECT_GT(light, 20) << "no text drawn in the title; see " << path.toStdString();
  // Not tofu: two different words are drawn differently (missing glyphs are the same boxes).
  const QFont font = title->property("font").value<QFont>();
  EXPECT_NE(drawn(QStringLiteral("客户"), font), drawn(QStringLiteral("订单"), font));
  EXPECT_TRUE(QFontMetrics(font).inFontUcs4(0x5BA2) || !QFontDatabase::families(QFontDatabase::SimplifiedChinese).isEmpty());

  // English from Settings, at once, in the same window.
  w.call("openSettings");
  ASSERT_TRUE(wait_until([&] { return showing(w, QStringLiteral("语言")) != nullptr; })) << [&] {
    std::string all;
    for (auto* item : w.items()) if (item->isVisible()) all += item->property("text").toString().toStdString() + "|";
    return all;
  }();
  w.window()->requestActivate();
  ASSERT_TRUE(QTest::qWaitForWindowActive(w.window()));
  ASSERT_TRUE(wait_until([&] { return w.shows(QStringLiteral("languageChoice")); }));
  w.find(QStringLiteral("languageChoice"))->forceActiveFocus();
  QTest::keyClick(w.window(), Qt::Key_Up);  // 中文 -> English
  EXPECT_EQ(w.app().language(), QStringLiteral("en"));
  EXPECT_TRUE(wait_until([&] { return showing(w, QStringLiteral("Language")) != nullptr; }));
  EXPECT_EQ(w.text(QStringLiteral("onlineLabel")), QStringLiteral("Offline: no server set"));
  EXPECT_NE(showing(w, QStringLiteral("Settings")), nullptr);
  w.call("showHome");
  EXPECT_TRUE(wait_until([&] { return showing(w, QStringLiteral("Due today / overdue")) != nullptr; }));
}

// A customer's page in Chinese: the field names and the tier in words, not the schema's
// names ("Tier", "vip"); a phone number stays as it is.
TEST_F(LanguageUiTest, TheCustomerPageNamesFieldsAndValuesInChinese) {
  const std::string db = dir_.file("phone.db");
  {
    Replica replica = Replica::open(db, Schema::domain());
    seed_demo_data(replica, QDate::currentDate());
    replica.set_setting(kLanguageKey, "zh_CN");
  }
  AppWindow w(db);
  ASSERT_TRUE(wait_until([&] { return w.shows(QStringLiteral("customer:Hotel Aurora")); }));
  w.click(QStringLiteral("customer:Hotel Aurora"));
  ASSERT_TRUE(wait_until([&] { return w.shows(QStringLiteral("value:tier")); }));
  EXPECT_EQ(w.text(QStringLiteral("value:tier")), QStringLiteral("VIP 客户"));
  EXPECT_NE(showing(w, QStringLiteral("客户级别")), nullptr);
  EXPECT_NE(showing(w, QStringLiteral("区域")), nullptr);
  EXPECT_EQ(showing(w, QStringLiteral("Tier")), nullptr);
  EXPECT_EQ(showing(w, QStringLiteral("vip")), nullptr);
  EXPECT_TRUE(w.text(QStringLiteral("value:phone")).startsWith(QStringLiteral("+49 30 1234 1")));  // as typed
}

}  // namespace
}  // namespace fieldsync::app::test
