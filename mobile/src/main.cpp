// fieldsync-app: builds the app's services and hands them to the QML root.
//
//   fieldsync-app [--db FILE] [--demo] [--screenshots DIR] [fieldsync://enrol?...]
//
// A fieldsync://enrol link (what the office's QR code holds) opens the sign-in screen with
// the server and code filled in: given as the argument (a desktop's URL handler starts the
// app so), or handed over by the platform while the app runs (QDesktopServices).
// The replica lives in the platform's app data folder unless --db says otherwise.

#include <QApplication>
#include <QCommandLineParser>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>

#include <cstdio>
#include <memory>

#include "app_controller.hpp"
#include "demo_data.hpp"
#include "screenshot_runner.hpp"

Q_IMPORT_QML_PLUGIN(FieldSync_AppPlugin)

int main(int argc, char* argv[]) {
  // A QApplication, not a QGuiApplication: the reports' charts (Qt Charts) are drawn by
  // Graphics View, which needs one.
  QApplication application(argc, argv);
  QApplication::setApplicationName(QStringLiteral("FieldSync"));
  QApplication::setOrganizationName(QStringLiteral("FieldSync"));
  QQuickStyle::setStyle(QStringLiteral("Material"));

  QCommandLineParser options;
  options.setApplicationDescription(QStringLiteral("FieldSync: offline-first field sales"));
  options.addHelpOption();
  const QCommandLineOption db_option(QStringLiteral("db"), QStringLiteral("The replica database file."), QStringLiteral("file"));
  const QCommandLineOption demo_option(QStringLiteral("demo"), QStringLiteral("Fill an empty replica with demo data."));
  const QCommandLineOption shots_option(QStringLiteral("screenshots"),
                                        QStringLiteral("Render the main pages with demo data into DIR and exit."),
                                        QStringLiteral("dir"));
  options.addOptions({db_option, demo_option, shots_option});
  options.addPositionalArgument(QStringLiteral("link"), QStringLiteral("A fieldsync://enrol link to sign in with."),
                                QStringLiteral("[link]"));
  options.process(application);

  // SQLite writes a sort larger than its page cache (the index build at the end of a large
  // first sync) to a temporary file in SQLITE_TMPDIR, TMPDIR or /tmp; a phone app may not
  // write /tmp, so it goes to the app's cache folder unless the platform named one. Set
  // before the replica opens: SQLite reads it once.
  if (qEnvironmentVariableIsEmpty("SQLITE_TMPDIR") && qEnvironmentVariableIsEmpty("TMPDIR")) {
    const QString cache = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    if (!cache.isEmpty() && QDir().mkpath(cache)) qputenv("SQLITE_TMPDIR", QFile::encodeName(cache));
  }

  // Screenshots use a throwaway replica, so they never touch a real one.
  std::unique_ptr<QTemporaryDir> scratch;
  QString db_path = options.value(db_option);
  if (options.isSet(shots_option)) {
    scratch = std::make_unique<QTemporaryDir>();
    db_path = scratch->filePath(QStringLiteral("screenshots.db"));
  } else if (db_path.isEmpty()) {
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(folder);
    db_path = QDir(folder).filePath(QStringLiteral("replica.db"));
  }

  try {
    fieldsync::app::AppController app(db_path);
    if (options.isSet(demo_option) || options.isSet(shots_option)) {
      fieldsync::app::seed_demo_data(app.replica(), QDate::currentDate());
      app.localWriteDone();
    }

    QDesktopServices::setUrlHandler(QStringLiteral("fieldsync"), &app, "openEnrolUrl");
    for (const QString& link : options.positionalArguments()) {
      if (!app.handleLink(link)) std::fprintf(stderr, "fieldsync-app: not an enrolment link: %s\n", qPrintable(link));
    }

    // The language (Settings, or the device's) is applied by AppController; the QML texts
    // follow a change at once.
    QQmlApplicationEngine engine;
    QObject::connect(&app, &fieldsync::app::AppController::languageChanged, &engine, &QQmlEngine::retranslate);
    engine.setInitialProperties({{QStringLiteral("app"), QVariant::fromValue(&app)}});
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/FieldSync/App/qml/Main.qml")));
    if (engine.rootObjects().isEmpty()) return 1;
    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());
    if (options.isSet(shots_option)) {
      return window ? fieldsync::app::take_screenshots(*window, app, options.value(shots_option)) : 1;
    }
    return QApplication::exec();
  } catch (const fieldsync::Error& e) {
    std::fprintf(stderr, "fieldsync-app: %s\n", e.what());
    return 1;
  }
}
