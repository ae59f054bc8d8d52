#pragma once

#include <QList>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QString>
#include <QUrl>

namespace fieldsync::app {

// How to reach the server safely, from the app's settings (client::ConnectionOptions).
// The sync and every HTTP request to the server (history, user directory) obey the same.
struct TransportSettings {
  QString ca_file;               // wss://: a PEM file of the CA to trust; empty: the system's
  bool allow_plaintext = false;  // ws:// to a host that is not loopback (testing only)
};

// The server's HTTP API shares the host and port of its sync URL:
// ws://host:port/sync -> http://host:port<path>, wss:// -> https://.
QUrl server_api_url(const QString& sync_url, const QString& path);

// Why the token may not go to `sync_url` over this transport (in the user's words), or an
// empty string: the sync's own rule, a token or a code is a password.
QString transport_refusal(const QString& sync_url, const TransportSettings& transport);

// Reads the CA certificates of a PEM file into `certificates`; returns why it cannot, in
// the user's words, or an empty string.
QString read_ca_file(const QString& path, QList<QSslCertificate>& certificates);

// A GET of the server's API carrying `token`, trusting what the sync trusts: the CA file
// alone when one is set (the one pinned at sign-in), and never in the clear to another
// host unless plaintext is allowed. Returns why it may not be sent, in the user's words,
// or an empty string and the request in `request`.
QString prepare_api_request(QNetworkRequest& request, const QString& sync_url, const QString& path,
                            const QString& token, const TransportSettings& transport);

}  // namespace fieldsync::app
