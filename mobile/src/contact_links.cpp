#include "contact_links.hpp"

#include <QRegularExpression>
#include <QUrlQuery>

namespace fieldsync::app {

QUrl call_url(const QString& phone) {
  QString digits;
  for (const QChar c : phone.trimmed()) {
    if (c.isDigit() || (c == QLatin1Char('+') && digits.isEmpty())) digits += c;
  }
  if (digits.count(QRegularExpression(QStringLiteral("\\d"))) < 3) return {};
  return QUrl(QStringLiteral("tel:") + digits);
}

QUrl mail_url(const QString& email) {
  const QString address = email.trimmed();
  const auto at = address.indexOf(QLatin1Char('@'));
  if (at <= 0 || at == address.size() - 1 || address.contains(QLatin1Char(' '))) return {};
  QUrl url;
  url.setScheme(QStringLiteral("mailto"));
  url.setPath(address);
  return url;
}

QUrl map_url(const QString& address) {
  const QString where = address.simplified();  // a multi-line address on one line
  if (where.isEmpty()) return {};
  QUrlQuery query;
  query.addQueryItem(QStringLiteral("q"), where);
  QUrl url;
#ifdef Q_OS_IOS
  url.setScheme(QStringLiteral("maps"));
#else
  url.setScheme(QStringLiteral("geo"));
  url.setPath(QStringLiteral("0,0"));
#endif
  url.setQuery(query);
  return url;
}

}  // namespace fieldsync::app
