#include "server_api.hpp"

#include <QCoreApplication>
#include <QSslCertificate>
#include <QSslConfiguration>

#include "fieldsync/client/connection_options.hpp"
#include "fieldsync/client/ws_url.hpp"
#include "fieldsync/core/error.hpp"
#include "sync_error_text.hpp"

namespace fieldsync::app {

QUrl server_api_url(const QString& sync_url, const QString& path) {
  QUrl url(sync_url);
  url.setScheme(url.scheme() == QLatin1String("wss") ? QStringLiteral("https") : QStringLiteral("http"));
  url.setPath(path);
  url.setQuery(QString());
  return url;
}

QString transport_refusal(const QString& sync_url, const TransportSettings& transport) {
  try {
    client::ConnectionOptions options;
    options.allow_plaintext = transport.allow_plaintext;
    client::check_transport_allowed(client::parse_ws_url(sync_url.trimmed().toStdString()), options);
  } catch (const Error& e) {
    return describe_sync_error(e);
  }
  return {};
}

QString read_ca_file(const QString& path, QList<QSslCertificate>& certificates) {
  certificates = QSslCertificate::fromPath(path);
  if (!certificates.isEmpty()) return {};
  return QCoreApplication::translate("fieldsync::app::ServerApi", "The CA certificate file \"%1\" cannot be read.").arg(path);
}

QString prepare_api_request(QNetworkRequest& request, const QString& sync_url, const QString& path,
                            const QString& token, const TransportSettings& transport) {
  if (QString refusal = transport_refusal(sync_url, transport); !refusal.isEmpty()) return refusal;
  request = QNetworkRequest(server_api_url(sync_url, path));
  request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
  request.setTransferTimeout(10'000);
  if (!transport.ca_file.isEmpty() && sync_url.startsWith(QLatin1String("wss://"))) {
    QList<QSslCertificate> ca;
    if (QString unreadable = read_ca_file(transport.ca_file, ca); !unreadable.isEmpty()) return unreadable;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(ca);  // these alone, as the sync: the system's CAs are not asked
    request.setSslConfiguration(tls);
  }
  return {};
}

}  // namespace fieldsync::app
