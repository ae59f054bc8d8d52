#include "screenshot_runner.hpp"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QGuiApplication>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQuickWindow>
#include <QTimer>

#include <cstdio>

#include "app_controller.hpp"

namespace fieldsync::app {
namespace {

// Lets animations (page transitions) finish and the scene graph render.
void settle(int ms) {
  QEventLoop loop;
  QTimer::singleShot(ms, &loop, &QEventLoop::quit);
  loop.exec();
}

bool shoot(QQuickWindow& window, const QDir& dir, const QString& name) {
  settle(700);
  const QImage image = window.grabWindow();
  const QString path = dir.filePath(name + QStringLiteral(".png"));
  if (image.isNull() || !image.save(path)) {
    std::fprintf(stderr, "fieldsync-app: could not write %s\n", qPrintable(path));
    return false;
  }
  std::printf("%s\n", qPrintable(path));
  return true;
}

bool call(QQuickWindow& window, const char* function, const QVariant& argument = {}) {
  return argument.isValid() ? QMetaObject::invokeMethod(&window, function, Q_ARG(QVariant, argument))
                            : QMetaObject::invokeMethod(&window, function);
}

}  // namespace

int take_screenshots(QQuickWindow& window, AppController& app, const QString& directory) {
  QDir dir(directory);
  if (!dir.mkpath(QStringLiteral("."))) {
    std::fprintf(stderr, "fieldsync-app: cannot create %s\n", qPrintable(directory));
    return 1;
  }
  const QVariantMap first = app.customers()->get(0);
  QString vip_id;
  for (int i = 0; i < app.customers()->rowCount(); ++i) {
    if (app.customers()->get(i).value(QStringLiteral("name")) == QLatin1String("Hotel Aurora")) {
      vip_id = app.customers()->get(i).value(QStringLiteral("recordId")).toString();
    }
  }
  if (vip_id.isEmpty()) vip_id = first.value(QStringLiteral("recordId")).toString();

  // A half-finished order, as a rep would have left it: the new-order page restores it.
  QJsonArray lines;
  for (const auto& product : app.replica().list("products")) {
    if (lines.size() == 2) break;
    lines.push_back(QJsonObject{{QStringLiteral("product"), QString::fromStdString(product.state.id.to_string())},
                                {QStringLiteral("quantity"), QString::number(lines.size() * 2 + 3)}});
  }
  app.replica().set_setting(
      OrderForm::draft_key(*Uuid::parse(vip_id.toStdString())),
      QJsonDocument(QJsonObject{{QStringLiteral("lines"), lines}, {QStringLiteral("due"), QStringLiteral("2026-12-18")}})
          .toJson(QJsonDocument::Compact)
          .toStdString());

  QString order_id;
  for (const auto& order : app.replica().list("orders")) order_id = QString::fromStdString(order.state.id.to_string());
  const std::string role = app.replica().setting(kSignedInRoleSetting).value_or("");

  // Every page in each language the app speaks, named by its locale (rep-home.zh_CN.png);
  // the review queue as a supervisor sees it.
  bool ok = true;
  for (const QString& language : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
    app.setLanguage(language);
    auto shot = [&](const char* page) { return shoot(window, dir, QString::fromLatin1(page) + QLatin1Char('.') + language); };
    app.replica().set_setting(kSignedInRoleSetting, "rep");
    app.notice_role();
    ok = ok && call(window, "showHome") && shot("rep-home");
    ok = ok && call(window, "openCustomer", vip_id) && shot("customer-page");
    ok = ok && (order_id.isEmpty() || (call(window, "showHome") && call(window, "openOrder", order_id) && shot("order")));
    ok = ok && call(window, "showHome") && call(window, "openReports") && shot("reports");
    ok = ok && call(window, "showHome") && call(window, "openNewOrder", vip_id) && shot("new-order");
    ok = ok && call(window, "showHome") && call(window, "openSettings") && shot("settings");
    ok = ok && call(window, "showHome") && call(window, "openSignIn") && shot("sign-in");
    app.replica().set_setting(kSignedInRoleSetting, "supervisor");
    app.notice_role();
    ok = ok && call(window, "showHome") && call(window, "openReview") && shot("review-queue");
  }
  app.replica().set_setting(kSignedInRoleSetting, role);
  app.notice_role();
  app.setLanguage(QString());
  return ok ? 0 : 1;
}

}  // namespace fieldsync::app
