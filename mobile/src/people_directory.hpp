#pragma once

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include "server_api.hpp"

namespace fieldsync {
class Replica;
}

namespace fieldsync::app {

// Fetches the server's user directory (GET /users, the host and port of the sync URL) after
// a sync and keeps it in the replica (people.hpp), so that conflicts name the people
// behind the devices, offline too. Asynchronous (QNetworkAccessManager): the UI thread
// never waits. A failed fetch keeps what the replica knew. UI thread only.
class PeopleDirectory : public QObject {
  Q_OBJECT

 public:
  explicit PeopleDirectory(Replica& replica, QObject* parent = nullptr);

  // Starts a fetch unless one is under way, or one succeeded in the last ten minutes and
  // `unnamed` (devices the replica cannot name yet) holds none it has not asked for.
  // The server is reached as the sync reaches it (`transport`).
  void refresh(const QString& sync_url, const QString& token, const TransportSettings& transport,
               const QStringList& unnamed = {});

 signals:
  void updated();  // the replica knows new names

 private:
  void finish(QNetworkReply* reply);

  Replica* replica_;
  QNetworkAccessManager network_;
  QPointer<QNetworkReply> reply_;
  QElapsedTimer since_fetched_;  // invalid: never fetched
  QStringList asked_for_;  // unnamed devices a fetch was made for: not asked again
};

}  // namespace fieldsync::app
