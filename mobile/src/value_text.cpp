#include "value_text.hpp"

#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>

namespace fieldsync::app {
namespace {

// The domain schema's collections, fields and enum values as label_for words them, listed
// for lupdate: the schema is data, so its names reach the catalogue only through here.
[[maybe_unused]] constexpr const char* kSchemaLabels[] = {
    QT_TRANSLATE_NOOP("FieldLabel", "Customers"),     QT_TRANSLATE_NOOP("FieldLabel", "Contacts"),
    QT_TRANSLATE_NOOP("FieldLabel", "Orders"),        QT_TRANSLATE_NOOP("FieldLabel", "Order lines"),
    QT_TRANSLATE_NOOP("FieldLabel", "Visits"),        QT_TRANSLATE_NOOP("FieldLabel", "Tickets"),
    QT_TRANSLATE_NOOP("FieldLabel", "Products"),      QT_TRANSLATE_NOOP("FieldLabel", "Name"),
    QT_TRANSLATE_NOOP("FieldLabel", "Tier"),          QT_TRANSLATE_NOOP("FieldLabel", "Industry"),
    QT_TRANSLATE_NOOP("FieldLabel", "Phone"),         QT_TRANSLATE_NOOP("FieldLabel", "Email"),
    QT_TRANSLATE_NOOP("FieldLabel", "Address"),       QT_TRANSLATE_NOOP("FieldLabel", "Territory"),
    QT_TRANSLATE_NOOP("FieldLabel", "Owner"),         QT_TRANSLATE_NOOP("FieldLabel", "Customer id"),
    QT_TRANSLATE_NOOP("FieldLabel", "Role"),          QT_TRANSLATE_NOOP("FieldLabel", "Order number"),
    QT_TRANSLATE_NOOP("FieldLabel", "Status"),        QT_TRANSLATE_NOOP("FieldLabel", "Status reason"),
    QT_TRANSLATE_NOOP("FieldLabel", "Responsible"),   QT_TRANSLATE_NOOP("FieldLabel", "Order date"),
    QT_TRANSLATE_NOOP("FieldLabel", "Amount"),        QT_TRANSLATE_NOOP("FieldLabel", "Currency"),
    QT_TRANSLATE_NOOP("FieldLabel", "Due date"),      QT_TRANSLATE_NOOP("FieldLabel", "Notes"),
    QT_TRANSLATE_NOOP("FieldLabel", "Order id"),      QT_TRANSLATE_NOOP("FieldLabel", "Product id"),
    QT_TRANSLATE_NOOP("FieldLabel", "Quantity"),      QT_TRANSLATE_NOOP("FieldLabel", "Unit price"),
    QT_TRANSLATE_NOOP("FieldLabel", "Channel"),       QT_TRANSLATE_NOOP("FieldLabel", "Summary"),
    QT_TRANSLATE_NOOP("FieldLabel", "Outcome"),       QT_TRANSLATE_NOOP("FieldLabel", "Visited on"),
    QT_TRANSLATE_NOOP("FieldLabel", "Author"),        QT_TRANSLATE_NOOP("FieldLabel", "Next follow up"),
    QT_TRANSLATE_NOOP("FieldLabel", "Order line id"), QT_TRANSLATE_NOOP("FieldLabel", "Kind"),
    QT_TRANSLATE_NOOP("FieldLabel", "Description"),   QT_TRANSLATE_NOOP("FieldLabel", "Handler"),
    QT_TRANSLATE_NOOP("FieldLabel", "Opened on"),     QT_TRANSLATE_NOOP("FieldLabel", "Resolved on"),
    QT_TRANSLATE_NOOP("FieldLabel", "Resolution"),    QT_TRANSLATE_NOOP("FieldLabel", "Sku"),
    QT_TRANSLATE_NOOP("FieldLabel", "Active"),        QT_TRANSLATE_NOOP("FieldLabel", "Vip"),
    QT_TRANSLATE_NOOP("FieldLabel", "Potential"),     QT_TRANSLATE_NOOP("FieldLabel", "Regular"),
    QT_TRANSLATE_NOOP("FieldLabel", "Visit"),         QT_TRANSLATE_NOOP("FieldLabel", "Video"),
    QT_TRANSLATE_NOOP("FieldLabel", "Return"),        QT_TRANSLATE_NOOP("FieldLabel", "Exchange"),
    QT_TRANSLATE_NOOP("FieldLabel", "Complaint"),
    // The audit log's actions, as the history page heads its entries.
    QT_TRANSLATE_NOOP("FieldLabel", "Accepted"),      QT_TRANSLATE_NOOP("FieldLabel", "Refused"),
    QT_TRANSLATE_NOOP("FieldLabel", "Conflict opened"), QT_TRANSLATE_NOOP("FieldLabel", "Conflict settled"),
};

}  // namespace

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
  return QCoreApplication::translate("FieldLabel", label.toUtf8().constData());
}

QString time_text(std::uint64_t ms) {
  const QDateTime time = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(ms));
  const QLocale locale;
  // The C locale (no language set on the device) has no short format of its own worth reading.
  if (locale.language() == QLocale::C) return time.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
  return locale.toString(time, QLocale::ShortFormat);
}

QString ago_text(std::uint64_t ms, std::uint64_t now_ms) {
  // A clock set back makes "ago" negative: that reads as just now. One of a unit has its own
  // text, so English needs no plural rules file; %n lets other languages give their forms.
  const std::uint64_t minutes = now_ms > ms ? (now_ms - ms) / 60'000 : 0;
  const int whole_minutes = static_cast<int>(minutes);
  const int hours = static_cast<int>(minutes / 60);
  const int days = static_cast<int>(minutes / (24 * 60));
  if (minutes < 1) return QCoreApplication::translate("AgoText", "just now");
  if (minutes == 1) return QCoreApplication::translate("AgoText", "1 minute ago");
  if (minutes < 60) return QCoreApplication::translate("AgoText", "%n minutes ago", nullptr, whole_minutes);
  if (hours == 1) return QCoreApplication::translate("AgoText", "1 hour ago");
  if (hours < 24) return QCoreApplication::translate("AgoText", "%n hours ago", nullptr, hours);
  if (days == 1) return QCoreApplication::translate("AgoText", "1 day ago");
  if (days < 7) return QCoreApplication::translate("AgoText", "%n days ago", nullptr, days);
  return time_text(ms);
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
