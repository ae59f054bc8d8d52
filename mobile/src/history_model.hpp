#pragma once

#include <QAbstractListModel>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QNetworkReply>
#include <QtQml/qqmlregistration.h>

#include <string>
#include <vector>

#include "fieldsync/core/history_entries.hpp"
#include "server_api.hpp"

namespace fieldsync::app {

// A record's history from the server's audit log (GET /api/history/<collection>/<id> on
// the server's HTTP port, the same host and port as its ws:// sync URL): who (by name)
// changed which fields from what to what and when, conflicts opened and settled with the
// values, refusals; read by the engine's parse_history, as the CLI reads it. Fetched asynchronously with
// QNetworkAccessManager, so the UI thread never waits on the network. UI thread only.
class HistoryModel : public QAbstractListModel {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("made by AppController")
  Q_PROPERTY(bool loading READ loading NOTIFY stateChanged)
  Q_PROPERTY(QString error READ error NOTIFY stateChanged)
  Q_PROPERTY(int count READ rowCount NOTIFY stateChanged)

 public:
  enum Role { kTime = Qt::UserRole + 1, kUser, kReplica, kAction, kFields, kDetail };

  explicit HistoryModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

  bool loading() const { return reply_ != nullptr; }
  QString error() const { return error_; }

  // Starts fetching; `sync_url` is the ws:// URL the replica syncs with, reached as the
  // sync reaches it (`transport`).
  void load(const QString& sync_url, const QString& token, const TransportSettings& transport,
            const QString& collection, const QString& id);

 signals:
  void stateChanged();

 private:
  struct Row {
    QString time, user, replica, action, fields, detail;  // fields: a line per change
  };
  void finish(QNetworkReply* reply);
  // One field's change in the app's words: its label, enum values in words.
  QString change_text(const std::string& action, const HistoryChange& change) const;

  QNetworkAccessManager network_;
  QPointer<QNetworkReply> reply_;
  QString error_;
  QString collection_;  // of the record whose history is loaded
  std::vector<Row> rows_;
};

}  // namespace fieldsync::app
