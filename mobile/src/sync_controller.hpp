#pragma once

#include <QObject>
#include <QString>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server_api.hpp"

namespace fieldsync::client {
class LiveSync;
struct LiveStatus;
}  // namespace fieldsync::client

namespace fieldsync::app {

// What the status bar shows about the sync, as last reported by the sync thread.
struct SyncSnapshot {
  bool connected = false;
  bool caught_up = false;
  bool running = true;      // false once the live sync gave up (permanent error)
  QString error;            // in a rep's words; empty when all is well
  QString role;             // the role the server gave this user ("rep", "supervisor")
  qint64 retry_in_ms = 0;
};

// Keeps the replica file in sync with the server, off the UI thread.
//
// Threads: each start() runs a fieldsync::client::LiveSync on a thread of its own, which
// opens its own Replica on the database file and owns it (a Replica is not thread-safe).
// The UI thread keeps its own connection to the same file (WAL lets both work) and tells
// this controller after each local write (notifyLocalChange), which the sync thread then
// pushes. The sync thread's reports reach this object as queued calls, so every member
// and signal here lives on the UI thread.
//
// Why two connections rather than with_replica(): the app must read and write while no
// sync runs at all (no server configured, a revoked token, the first hours offline), and
// QAbstractListModel::data() must answer synchronously; with_replica only runs while the
// live sync runs and answers through a future.
class SyncController : public QObject {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("owned by AppController")
  Q_PROPERTY(bool configured READ configured NOTIFY statusChanged)
  Q_PROPERTY(bool online READ online NOTIFY statusChanged)
  Q_PROPERTY(bool syncing READ syncing NOTIFY statusChanged)
  Q_PROPERTY(QString error READ error NOTIFY statusChanged)
  Q_PROPERTY(QString role READ role NOTIFY statusChanged)

 public:
  explicit SyncController(QString database_path, QObject* parent = nullptr);
  ~SyncController() override;

  // (Re)starts the live sync with this server; an empty url stops syncing.
  void start(const QString& url, const QString& token, const TransportSettings& transport = {});
  void stop();
  // Local edits were written through the UI's connection: push them.
  void notifyLocalChange();
  // The rep asked for a sync: now, not after the reconnection backoff.
  Q_INVOKABLE void syncNow();

  bool configured() const { return !url_.isEmpty(); }
  bool online() const { return snapshot_.connected; }
  bool syncing() const { return worker_ != nullptr && snapshot_.running; }
  QString error() const { return snapshot_.error; }
  QString role() const { return snapshot_.role; }

 signals:
  void statusChanged();
  // The sync thread changed the replica (pulled records, acknowledged pushes).
  void replicaChanged();
  // The replica pushed everything and pulled to the server's head.
  void caughtUp();

 private:
  // One live sync on its thread; stop() may be called from the UI thread at any time.
  class Worker;

  void on_snapshot_from(std::uint64_t generation, SyncSnapshot snapshot);
  void retire_finished_workers();

  QString database_path_;
  QString url_;
  QString token_;
  TransportSettings transport_;
  SyncSnapshot snapshot_;
  std::unique_ptr<Worker> worker_;
  std::uint64_t generation_ = 0;  // of worker_: reports of replaced workers are ignored
  std::vector<std::unique_ptr<Worker>> retiring_;  // stopped, their threads still closing
  QTimer nudge_timer_;
};

}  // namespace fieldsync::app
