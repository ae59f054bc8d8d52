#pragma once

// The real app in a test: its services and its QML window under QT_QPA_PLATFORM=offscreen,
// driven by mouse clicks and key presses; and a fixture with the production sync server on
// loopback and a rep (rita, territory north) and a supervisor (sam). The QML module's
// plugin is imported once, in ui_flow_test.cpp.

#include <gtest/gtest.h>

#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTest>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "app_controller.hpp"
#include "fieldsync/test/temp_dir.hpp"
#include "test_server.hpp"

namespace fieldsync::app::test {

inline bool wait_until(const std::function<bool()>& condition, int timeout_ms = 10'000) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    QTest::qWait(20);
  }
  return true;
}

// One running app: its services and its QML window, with ways to find, click and type.
class AppWindow {
 public:
  explicit AppWindow(const std::string& database) : app_(QString::fromStdString(database)) {
    // The app's own style, as main() sets it: the default (Basic) style draws other
    // controls, and would hide what the Material style does under the software renderer.
    static const bool styled = [] {
      QQuickStyle::setStyle(QStringLiteral("Material"));
      return true;
    }();
    (void)styled;
    QObject::connect(&app_, &AppController::languageChanged, &engine_, &QQmlEngine::retranslate);
    engine_.setInitialProperties({{QStringLiteral("app"), QVariant::fromValue(&app_)}});
    engine_.load(QUrl(QStringLiteral("qrc:/qt/qml/FieldSync/App/qml/Main.qml")));
    if (engine_.rootObjects().isEmpty()) throw Error(ErrorCode::kInternal, "Main.qml did not load");
    window_ = qobject_cast<QQuickWindow*>(engine_.rootObjects().constFirst());
    // Tall enough that every form fits without scrolling; the width is a phone's.
    window_->resize(400, 1400);
    window_->show();
    EXPECT_TRUE(QTest::qWaitForWindowExposed(window_));
  }

  AppController& app() { return app_; }
  QQuickWindow* window() { return window_; }

  // Every item of the scene, in the visual tree's order (delegates made by a Repeater or a
  // ListView are visual children, not always QObject children).
  std::vector<QQuickItem*> items(QQuickItem* root = nullptr) {
    std::vector<QQuickItem*> out;
    std::function<void(QQuickItem*)> walk = [&](QQuickItem* item) {
      out.push_back(item);
      for (auto* child : item->childItems()) walk(child);
    };
    walk(root ? root : window_->contentItem());
    return out;
  }
  // Whether the visible item `outer` holds a visible item named `inner` (a row's badge).
  bool shows_within(const QString& outer, const QString& inner) {
    QQuickItem* root = find(outer);
    if (!root) return false;
    for (auto* item : items(root)) {
      if (item->objectName() == inner && item->isVisible()) return true;
    }
    return false;
  }

  // The visible item named `name` on top (the page pushed last), or nullptr.
  QQuickItem* find(const QString& name) {
    QQuickItem* found = nullptr;
    for (auto* item : items()) {
      if (item->objectName() == name && item->isVisible() && item->width() > 0) found = item;
    }
    return found;
  }
  bool shows(const QString& name) { return find(name) != nullptr; }
  QString text(const QString& name) {
    QQuickItem* item = find(name);
    return item ? item->property("text").toString() : QStringLiteral("<no %1>").arg(name);
  }

  // Every visible named item: what a failed lookup prints.
  std::string visible_names() {
    std::string out;
    for (auto* item : items()) {
      if (!item->objectName().isEmpty() && item->isVisible()) out += item->objectName().toStdString() + " ";
    }
    return out;
  }

  void click(const QString& name) {
    ASSERT_TRUE(wait_until([&] { return shows(name); }))
        << "nothing visible named " << name.toStdString() << "; visible: " << visible_names();
    // Let a page transition finish: its items move until then.
    ASSERT_TRUE(wait_until([&] { return !find(QStringLiteral("stack"))->property("busy").toBool(); }));
    // And the layout: buttons just made by a Repeater sit at the Flow's origin, one on top
    // of the other, until it places them. Click where the item stays put.
    QPointF centre(-1, -1);
    ASSERT_TRUE(wait_until([&] {
      QQuickItem* item = find(name);
      if (!item) return false;
      const QPointF now = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
      const bool settled = now == centre;
      centre = now;
      return settled;
    })) << name.toStdString() << " keeps moving";
    QTest::mouseClick(window_, Qt::LeftButton, Qt::NoModifier, centre.toPoint());
  }
  // Moves a choice box `steps` options down with the keyboard, as a user would (each step
  // is a choice made: `activated`).
  void choose(const QString& name, int steps) {
    window_->requestActivate();
    ASSERT_TRUE(QTest::qWaitForWindowActive(window_));
    ASSERT_TRUE(wait_until([&] { return shows(name); })) << "nothing visible named " << name.toStdString();
    find(name)->forceActiveFocus();
    for (int i = 0; i < steps; ++i) QTest::keyClick(window_, Qt::Key_Down);
  }
  // Replaces a text field's content as a user would: focus, select all, type.
  void type(const QString& name, const QString& text) {
    // Keys go to the active window's focus item: with two apps open, make this one active.
    window_->requestActivate();
    ASSERT_TRUE(QTest::qWaitForWindowActive(window_));
    click(name);
    QQuickItem* item = find(name);
    ASSERT_NE(item, nullptr);
    item->forceActiveFocus();
    QTest::keyClick(window_, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(window_, Qt::Key_Backspace);
    for (const QChar c : text) QTest::keyClick(window_, c.toLatin1());
  }
  // Settings with the manual server fields shown (Advanced).
  void open_advanced_settings() {
    call("openSettings");
    click(QStringLiteral("advancedSwitch"));
    ASSERT_TRUE(wait_until([&] { return shows(QStringLiteral("serverUrlField")); }));
  }
  void call(const char* function) { QMetaObject::invokeMethod(window_, function); }
  void call(const char* function, const QString& argument) {
    QMetaObject::invokeMethod(window_, function, Q_ARG(QVariant, QVariant(argument)));
  }

 private:
  AppController app_;
  QQmlApplicationEngine engine_;
  QQuickWindow* window_ = nullptr;
};

class UiFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.start();
    rep_token_ = server_.add_user("rita", server::Role::kRep, {"north"});
    supervisor_token_ = server_.add_user("sam", server::Role::kSupervisor);
  }

  void connect(AppWindow& w, const std::string& token) {
    w.open_advanced_settings();
    w.type(QStringLiteral("serverUrlField"), QString::fromStdString(server_.url()));
    w.type(QStringLiteral("tokenField"), QString::fromStdString(token));
    w.click(QStringLiteral("saveSettingsButton"));
    EXPECT_TRUE(wait_until([&] { return w.text(QStringLiteral("onlineLabel")) == QLatin1String("Online"); }))
        << w.text(QStringLiteral("onlineLabel")).toStdString() << " " << w.text(QStringLiteral("syncErrorLabel")).toStdString();
    w.call("showHome");
  }

  fieldsync::test::TempDir dir_;
  fieldsync::test::TestServer server_{dir_.path() / "server"};
  std::string rep_token_;
  std::string supervisor_token_;
};

}  // namespace fieldsync::app::test
