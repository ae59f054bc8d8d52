#pragma once

#include <QString>
#include <QUrl>

namespace fieldsync::app {

// The server's HTTP API shares the host and port of its sync URL:
// ws://host:port/sync -> http://host:port<path>, wss:// -> https://.
QUrl server_api_url(const QString& sync_url, const QString& path);

}  // namespace fieldsync::app
