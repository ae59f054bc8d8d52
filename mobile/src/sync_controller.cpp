#include "sync_controller.hpp"

#include <chrono>
#include <utility>

#include "fieldsync/client/live_sync.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"
#include "sync_error_text.hpp"

namespace fieldsync::app {
namespace {

// How often a running sync is nudged to push, in case an edit's notification was missed
// (an edit made by another app process on the same file, say). Pushing nothing costs nothing.
constexpr auto kNudgeInterval = std::chrono::seconds(30);

}  // namespace

class SyncController::Worker {
 public:
  Worker(SyncController* owner, std::uint64_t generation, std::string database_path, std::string url,
         std::string token, const TransportSettings& transport)
      : owner_(owner),
        generation_(generation),
        database_path_(std::move(database_path)),
        url_(std::move(url)),
        token_(std::move(token)),
        ca_file_(transport.ca_file.toStdString()),
        allow_plaintext_(transport.allow_plaintext),
        thread_([this] { run(); }) {}
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  ~Worker() {
    stop();
    if (thread_.joinable()) thread_.join();
  }

  void stop() {
    std::lock_guard lock(mutex_);
    stop_requested_ = true;
    if (live_) live_->stop();
  }
  void notify() {
    std::lock_guard lock(mutex_);
    if (live_) live_->notify_local_change();
  }
  bool finished() const { return finished_; }

 private:
  // Clears live_ before the LiveSync it points to is destroyed, on every way out of run().
  struct Unpublish {
    Worker* worker;
    ~Unpublish() {
      std::lock_guard lock(worker->mutex_);
      worker->live_ = nullptr;
    }
  };

  void run() {
    SyncSnapshot last;
    last.running = false;
    try {
      // This thread's own connection; it owns this Replica until run() returns.
      Replica replica = Replica::open(database_path_, Schema::domain());
      client::LiveOptions options;
      options.sync.connection.connect_timeout = std::chrono::seconds(5);
      options.sync.connection.handshake_timeout = std::chrono::seconds(5);
      options.sync.connection.user_agent = "fieldsync-app/0.1";
      options.sync.connection.ca_file = ca_file_;
      options.sync.connection.allow_plaintext = allow_plaintext_;
      options.sync.sync.client_name = "fieldsync-app";
      options.backoff.max = std::chrono::seconds(20);
      options.on_status = [this](const client::LiveStatus& status) { post(snapshot_of(status)); };
      client::LiveSync live(replica, url_, token_, std::move(options));
      Unpublish unpublish{this};
      {
        std::lock_guard lock(mutex_);
        live_ = &live;
        if (stop_requested_) live.stop();
      }
      live.run();
    } catch (const Error& e) {
      last.error = describe_sync_error(e);
    } catch (const std::exception& e) {
      last.error = describe_sync_error(Error(ErrorCode::kInternal, e.what()));
    }
    post(last);
    finished_ = true;
  }

  static SyncSnapshot snapshot_of(const client::LiveStatus& status) {
    SyncSnapshot snapshot;
    snapshot.connected = status.connected;
    snapshot.caught_up = status.caught_up;
    snapshot.role = QString::fromStdString(status.stats.role);
    snapshot.retry_in_ms = status.retry_in.count();
    if (!status.connected && status.last_error) snapshot.error = describe_sync_error(*status.last_error);
    return snapshot;
  }

  // Called on the sync thread; the owner handles it on the UI thread. The owner joins this
  // worker before it is destroyed, and Qt drops calls queued to a destroyed object.
  void post(SyncSnapshot snapshot) {
    QMetaObject::invokeMethod(
        owner_, [owner = owner_, generation = generation_, snapshot] { owner->on_snapshot_from(generation, snapshot); },
        Qt::QueuedConnection);
  }

  SyncController* owner_;
  const std::uint64_t generation_;
  std::string database_path_;
  std::string url_;
  std::string token_;
  std::string ca_file_;
  bool allow_plaintext_;
  std::mutex mutex_;
  client::LiveSync* live_ = nullptr;  // guarded by mutex_; set while run() runs
  bool stop_requested_ = false;       // guarded by mutex_
  std::atomic<bool> finished_{false};
  std::thread thread_;  // last: starts once every other member is ready
};

SyncController::SyncController(QString database_path, QObject* parent)
    : QObject(parent), database_path_(std::move(database_path)) {
  snapshot_.running = false;
  nudge_timer_.setInterval(kNudgeInterval);
  connect(&nudge_timer_, &QTimer::timeout, this, [this] {
    notifyLocalChange();
    retire_finished_workers();
  });
  nudge_timer_.start();
}

SyncController::~SyncController() = default;  // the workers' destructors stop and join

void SyncController::start(const QString& url, const QString& token, const TransportSettings& transport) {
  stop();
  url_ = url.trimmed();
  token_ = token.trimmed();
  transport_ = transport;
  snapshot_ = SyncSnapshot{};
  if (url_.isEmpty()) {
    snapshot_.running = false;
  } else {
    worker_ = std::make_unique<Worker>(this, ++generation_, database_path_.toStdString(), url_.toStdString(),
                                       token_.toStdString(), transport_);
  }
  emit statusChanged();
}

void SyncController::stop() {
  if (!worker_) return;
  // Stopping closes the connection gracefully, which can take a moment: the thread is
  // joined later (retire_finished_workers), never while the UI waits.
  worker_->stop();
  retiring_.push_back(std::move(worker_));
  snapshot_.connected = false;
  snapshot_.running = false;
  emit statusChanged();
}

void SyncController::notifyLocalChange() {
  if (worker_) worker_->notify();
}

void SyncController::syncNow() {
  if (url_.isEmpty()) return;
  if (worker_ && snapshot_.connected) {
    worker_->notify();
    return;
  }
  // Not connected: waiting out a backoff, or stopped on an error. Try again right away.
  start(url_, token_, transport_);
}

void SyncController::on_snapshot_from(std::uint64_t generation, SyncSnapshot snapshot) {
  retire_finished_workers();
  if (!worker_ || generation != generation_) return;  // a report from a sync that was replaced
  if (snapshot.role.isEmpty()) snapshot.role = snapshot_.role;
  const bool caught_up = snapshot.caught_up;
  snapshot_ = std::move(snapshot);
  emit statusChanged();
  emit replicaChanged();
  if (caught_up) emit caughtUp();
}

void SyncController::retire_finished_workers() {
  std::erase_if(retiring_, [](const std::unique_ptr<Worker>& w) { return w->finished(); });
}

}  // namespace fieldsync::app
