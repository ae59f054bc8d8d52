#include "app_language.hpp"

#include <QCoreApplication>
#include <QPointer>
#include <QTranslator>

namespace fieldsync::app {

QLocale locale_for_language(const QString& choice) {
  if (choice == QLatin1String("en")) return QLocale(QLocale::English, QLocale::UnitedStates);
  if (choice == QLatin1String("zh_CN")) return QLocale(QLocale::Chinese, QLocale::China);
  return QLocale::system();
}

bool apply_locale(const QLocale& locale) {
  // One catalogue for the whole process, as the language is (QCoreApplication's
  // translators and QLocale's default are global); owned by the application object.
  static QPointer<QTranslator> installed;
  if (installed) {
    QCoreApplication::removeTranslator(installed);
    delete installed;
  }
  QLocale::setDefault(locale);
  auto* translator = new QTranslator(QCoreApplication::instance());
  // English is the source language: no catalogue, and none for a language the app lacks.
  if (locale.language() != QLocale::English &&
      translator->load(locale, QStringLiteral("fieldsync"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
    QCoreApplication::installTranslator(translator);
    installed = translator;
    return true;
  }
  delete translator;
  return false;
}

}  // namespace fieldsync::app
