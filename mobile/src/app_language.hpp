#pragma once

#include <QLocale>
#include <QString>

namespace fieldsync::app {

// The language the app speaks, chosen in Settings: "" (the device's), "en" or "zh_CN".
// Kept in the replica's settings under this key, like the other app settings.
inline constexpr const char* kLanguageKey = "app.language";

// The locale a choice stands for: the device's for "" (and anything unknown).
QLocale locale_for_language(const QString& choice);

// Makes `locale` the app's, process-wide: QLocale's default (dates, numbers, collation)
// and the catalogue of its language (:/i18n/fieldsync_<lang>.qm) installed, or none for
// English. Installing or removing a catalogue sends QEvent::LanguageChange; QML texts
// follow once the engine retranslates (AppController::languageChanged).
// Returns whether a catalogue was installed.
bool apply_locale(const QLocale& locale);

}  // namespace fieldsync::app
