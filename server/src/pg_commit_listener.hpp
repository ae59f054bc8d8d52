#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include "fieldsync/server/store.hpp"

namespace fieldsync::server {

// The channel every push NOTIFYs at its commit (PostgreSQL delivers it at COMMIT, to every
// session LISTENing, on every server sharing the database).
inline constexpr const char* kCommitChannel = "fieldsync_commits";

// Store::on_commit for the PostgreSQL store: one connection LISTENing on kCommitChannel, on
// a thread of its own started with the first subscription, calls every listener for each
// notification (its own server's commits and the others'). A broken connection (the
// database restarting) is reopened with back-off, and the listeners are called once after
// it is back, since notifications sent meanwhile are lost. Thread-safe.
class PgCommitListener {
 public:
  explicit PgCommitListener(std::string url);
  ~PgCommitListener();  // stops the thread (within a fraction of a second)
  PgCommitListener(const PgCommitListener&) = delete;
  PgCommitListener& operator=(const PgCommitListener&) = delete;

  CommitSubscription subscribe(std::function<void()> listener);

 private:
  void run(std::stop_token stop);
  void notify_all();

  const std::string url_;
  std::mutex mutex_;  // guards listeners_ and next_id_; held while listeners are called
  std::map<std::uint64_t, std::function<void()>> listeners_;
  std::uint64_t next_id_ = 0;
  std::jthread thread_;  // last: stopped and joined before the members above go
};

}  // namespace fieldsync::server
