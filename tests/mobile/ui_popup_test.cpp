// Popups under Qt Quick's software renderer (QT_QPA_PLATFORM=offscreen, phones without a
// usable GPU driver): a choice's list and the overflow menu must hide the page behind them.
// The Material style draws their backgrounds with a shader effect that renderer skips, so
// the options were drawn over the page's text. Checked on the pixels of a grabbed window.

#include <gtest/gtest.h>

#include <QImage>

#include "app_window.hpp"

namespace fieldsync::app {
namespace {

using test::AppWindow;
using test::UiFlowTest;
using test::wait_until;

// Whether `popup` has opened (its opening transition ended).
bool opened(QObject* popup) {
  return popup && wait_until([&] { return popup->property("opened").toBool(); });
}

QRectF scene_rect(QQuickItem* item) {
  return item ? QRectF(item->mapToScene(QPointF(0, 0)), item->size()) : QRectF();
}

// Where the options' labels do not reach (the right third of the popup, inside its border),
// only the popup's background may show, but for the highlighted option (the choice made
// now, in its own colour). The page behind (text, the lines under its fields, a choice's
// arrow) is darker. Returns the first pixel that shows through, or an empty string.
std::string page_showing_through(const QImage& image, QObject* popup) {
  auto* background = popup->property("background").value<QQuickItem*>();
  auto* options = popup->property("contentItem").value<QQuickItem*>();
  const QRectF highlighted = scene_rect(options ? options->property("currentItem").value<QQuickItem*>() : nullptr);
  const QRectF area = scene_rect(background);
  if (area.width() < 30 || area.height() < 30) return "popup too small: " + std::to_string(area.width());
  const QColor colour = background->property("color").value<QColor>();
  int own = 0, total = 0;
  for (int y = static_cast<int>(area.top()) + 4; y < static_cast<int>(area.bottom()) - 4; ++y) {
    for (int x = static_cast<int>(area.left() + area.width() * 2 / 3); x < static_cast<int>(area.right()) - 4; ++x) {
      if (highlighted.contains(x, y)) continue;
      const QRgb pixel = image.pixel(x, y);
      ++total;
      if (QColor(pixel) == colour) ++own;
      if (qGray(pixel) < 200) {
        return "dark pixel " + QColor(pixel).name().toStdString() + " at " + std::to_string(x) + "," + std::to_string(y);
      }
    }
  }
  if (own * 2 < total) return "only " + std::to_string(own) + " of " + std::to_string(total) + " pixels in the popup's colour";
  return {};
}

TEST_F(UiFlowTest, ChoiceListAndMenuHideThePageBehind) {
  AppWindow rep(dir_.file("rep.db"));
  const QImage::Format format = QImage::Format_RGB32;

  // A choice in a record form: the customer's tier, over the fields below it.
  rep.call("openNewCustomer");
  rep.click(QStringLiteral("choice:tier"));
  auto* choices = rep.find(QStringLiteral("choice:tier"))->property("popup").value<QObject*>();
  ASSERT_TRUE(opened(choices));
  QImage image = rep.window()->grabWindow().convertToFormat(format);
  image.save(QString::fromStdString(dir_.file("choice-popup.png")));
  EXPECT_EQ(page_showing_through(image, choices), "") << "see " << dir_.file("choice-popup.png");
  QTest::keyClick(rep.window(), Qt::Key_Escape);

  // The overflow menu, over the home page's search and filters.
  rep.call("showHome");
  rep.click(QStringLiteral("menuButton"));
  auto* menu = rep.window()->findChild<QObject*>(QStringLiteral("overflowMenu"));
  ASSERT_TRUE(opened(menu));
  image = rep.window()->grabWindow().convertToFormat(format);
  image.save(QString::fromStdString(dir_.file("overflow-menu.png")));
  EXPECT_EQ(page_showing_through(image, menu), "") << "see " << dir_.file("overflow-menu.png");
}

}  // namespace
}  // namespace fieldsync::app
