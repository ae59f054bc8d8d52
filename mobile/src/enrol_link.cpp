#include "enrol_link.hpp"

#include <QUrl>
#include <QUrlQuery>

namespace fieldsync::app {

std::optional<EnrolLink> parse_enrol_link(const QString& link) {
  const QUrl url(link.trimmed());
  if (url.scheme() != QLatin1String("fieldsync") || url.host() != QLatin1String("enrol")) return std::nullopt;
  const QUrlQuery query(url);
  EnrolLink out{query.queryItemValue(QStringLiteral("server"), QUrl::FullyDecoded),
                query.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded),
                query.queryItemValue(QStringLiteral("ca"), QUrl::FullyDecoded)};
  const QUrl server(out.server);
  const bool ws = server.scheme() == QLatin1String("wss") || server.scheme() == QLatin1String("ws");
  if (!ws || server.host().isEmpty() || out.code.isEmpty()) return std::nullopt;
  out.server = sync_url_of(out.server);
  return out;
}

QString sync_url_of(const QString& server) {
  QUrl url(server.trimmed());
  if (url.path().isEmpty() || url.path() == QLatin1String("/")) url.setPath(QStringLiteral("/sync"));
  return url.toString();
}

}  // namespace fieldsync::app
