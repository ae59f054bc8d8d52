#include "value_text.hpp"

#include <QDateTime>

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
  return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(ms)).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

}  // namespace fieldsync::app
