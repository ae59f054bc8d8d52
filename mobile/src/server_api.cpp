#include "server_api.hpp"

namespace fieldsync::app {

QUrl server_api_url(const QString& sync_url, const QString& path) {
  QUrl url(sync_url);
  url.setScheme(url.scheme() == QLatin1String("wss") ? QStringLiteral("https") : QStringLiteral("http"));
  url.setPath(path);
  url.setQuery(QString());
  return url;
}

}  // namespace fieldsync::app
