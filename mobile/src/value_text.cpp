#include "value_text.hpp"

#include <QDateTime>
#include <QLocale>

namespace fieldsync::app {

QString to_text(const FieldSchema& field, const Value& value) {
  return QString::fromStdString(format_value(field, value));
}

Value from_text(const FieldSchema& field, const QString& text) {
  return parse_value(field, text.trimmed().toStdString());
}

QString label_for(const QString& name) {
  QString label = name;
  label.replace(QLatin1Char('_'), QLatin1Char(' '));
  if (!label.isEmpty()) label[0] = label[0].toUpper();
  return label;
}

QString time_text(std::uint64_t ms) {
  const QDateTime time = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(ms));
  const QLocale locale;
  // The C locale (no language set on the device) has no short format of its own worth reading.
  if (locale.language() == QLocale::C) return time.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
  return locale.toString(time, QLocale::ShortFormat);
}

QString money_text(const FieldSchema& money, std::int64_t minor_units) {
  // The schema's exact text ("-1234.50"), regrouped with the locale's separators: no
  // floating point, so no cent is ever lost.
  QString exact = QString::fromStdString(format_value(money, Value(minor_units)));
  const bool negative = exact.startsWith(QLatin1Char('-'));
  if (negative) exact.remove(0, 1);
  const qsizetype point = exact.indexOf(QLatin1Char('.'));
  const QLocale locale;
  QString text = locale.toString(exact.left(point < 0 ? exact.size() : point).toLongLong());
  if (point >= 0) text += locale.decimalPoint() + exact.mid(point + 1);
  return negative ? locale.negativeSign() + text : text;
}

}  // namespace fieldsync::app
