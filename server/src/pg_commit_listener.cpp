#include "pg_commit_listener.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "pg_pool.hpp"

namespace fieldsync::server {
namespace {

// Sets a flag for each notification; the listening loop calls the listeners outside
// libpqxx's dispatch.
class CommitReceiver final : public pqxx::notification_receiver {
 public:
  CommitReceiver(pqxx::connection_base& connection, bool& received)
      : pqxx::notification_receiver(connection, kCommitChannel), received_(&received) {}
  void operator()(const std::string& /*payload*/, int /*backend_pid*/) override { *received_ = true; }

 private:
  bool* received_;
};

}  // namespace

PgCommitListener::PgCommitListener(std::string url) : url_(std::move(url)) {}

PgCommitListener::~PgCommitListener() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

CommitSubscription PgCommitListener::subscribe(std::function<void()> listener) {
  std::lock_guard lock(mutex_);
  const std::uint64_t id = next_id_++;
  listeners_.emplace(id, std::move(listener));
  if (!thread_.joinable()) thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
  return CommitSubscription([this, id] {
    std::lock_guard unregister(mutex_);  // waits for a call in progress
    listeners_.erase(id);
  });
}

void PgCommitListener::notify_all() {
  std::lock_guard lock(mutex_);
  for (const auto& [id, listener] : listeners_) listener();
}

void PgCommitListener::run(std::stop_token stop) {
  auto backoff = std::chrono::milliseconds(100);
  bool lost = false;  // the connection broke: what was sent meanwhile is unknown
  while (!stop.stop_requested()) {
    try {
      auto connection = connect_postgres(url_);
      bool received = false;
      CommitReceiver receiver(*connection, received);  // LISTENs
      if (lost) {
        spdlog::info("event=commit_listener_reconnected");
        notify_all();
      }
      lost = false;
      backoff = std::chrono::milliseconds(100);
      while (!stop.stop_requested()) {
        // Wakes for a notification or after 200 ms, to see a stop request.
        connection->await_notification(0, 200'000);
        if (received) {
          received = false;
          notify_all();
        }
      }
      return;
    } catch (const std::exception& e) {
      if (!lost) spdlog::warn("event=commit_listener_lost error=\"{}\"", e.what());
      lost = true;
    }
    // Back off before reconnecting, in small steps so that a stop is not held up.
    const auto until = std::chrono::steady_clock::now() + backoff;
    while (!stop.stop_requested() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

}  // namespace fieldsync::server
