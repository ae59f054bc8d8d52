#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "fieldsync/client/backoff.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "fieldsync/client/websocket_client.hpp"
#include "fieldsync/client/ws_url.hpp"
#include "fieldsync/core/client_sync.hpp"
#include "fieldsync/core/replica.hpp"

namespace fieldsync::client {

// What a live sync is doing, reported after every change of it.
struct LiveStatus {
  bool connected = false;  // the WebSocket is open
  ClientSync::Phase phase = ClientSync::Phase::kConnecting;
  bool caught_up = false;  // this connection pushed everything and pulled to the head
  ClientSyncStats stats;   // of the current (or last) connection
  std::optional<Error> last_error;          // why the last connection ended
  std::chrono::milliseconds retry_in{0};    // when disconnected: the wait before the next attempt
  unsigned connections = 0;                 // attempts so far, including the current one
};

struct LiveOptions {
  SyncOptions sync;  // connection limits and ClientSync options (`live` is forced on)
  BackoffOptions backoff;
  std::uint64_t backoff_seed = std::random_device{}();
  // Called on the sync thread after each connection event and each message handled. It
  // may read the Replica (it runs on the owning thread), e.g. to refresh a view: a bulk
  // load's pages are stored before it is called (ClientSync::settle), so with a callback
  // a first sync stores each page before the next is decoded.
  std::function<void(const LiveStatus&)> on_status;
};

// Keeps a replica in sync while the app runs: connects, syncs, stays live (the server
// pushes others' edits as they commit), and after a lost connection reconnects with
// exponential backoff and jitter until stop().
//
// Threads: run() blocks the thread that calls it, and that thread owns the Replica until
// run() returns: every use of it (the ClientSync's, on_status, with_replica) happens there.
// stop(), notify_local_change() and with_replica() may be called from any thread.
class LiveSync {
 public:
  // Throws Error(kInvalidArgument) for a bad URL or a ws:// URL that is not allowed
  // (check_transport_allowed), and Error for a CA file that cannot be used.
  LiveSync(Replica& replica, std::string_view url, std::string token, LiveOptions options = {});
  ~LiveSync();
  LiveSync(const LiveSync&) = delete;
  LiveSync& operator=(const LiveSync&) = delete;

  // Runs until stop() (returns normally) or an error no retry can cure, such as a revoked
  // token or a replica id the server refuses (throws it). Call it once.
  void run();
  // Ends run(): closes the connection (what is queued is still sent) and stops retrying.
  void stop();
  // Local edits were written (through another connection to the same file, say): push
  // them now if connected, else with the next connection.
  void notify_local_change();
  // Runs `fn(replica)` on the sync thread, then pushes whatever it wrote. The future holds
  // its result or exception. It only runs while run() is running.
  template <class F>
  auto with_replica(F fn) -> std::future<std::invoke_result_t<F&, Replica&>>;

 private:
  void connect();
  void on_client_event(WebSocketClient::Event event);
  void report();
  void finish_run();

  Replica* replica_;
  WsUrl url_;
  std::string token_;
  LiveOptions options_;
  boost::asio::io_context io_{1};
  Strand strand_;
  boost::asio::steady_timer retry_timer_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  Backoff backoff_;
  std::shared_ptr<WebSocketClient> client_;  // the current connection, if any
  std::unique_ptr<ClientSync> sync_;         // its protocol state; refers to *client_
  LiveStatus status_;
  std::optional<Error> fatal_;
  std::atomic<bool> stop_requested_{false};
  bool stopping_ = false;
};

template <class F>
auto LiveSync::with_replica(F fn) -> std::future<std::invoke_result_t<F&, Replica&>> {
  using Result = std::invoke_result_t<F&, Replica&>;
  auto promise = std::make_shared<std::promise<Result>>();
  auto future = promise->get_future();
  boost::asio::post(strand_, [this, promise, fn = std::move(fn)]() mutable {
    try {
      if (sync_) sync_->settle();  // a bulk load's pages are stored first
      if constexpr (std::is_void_v<Result>) {
        fn(*replica_);
        promise->set_value();
      } else {
        promise->set_value(fn(*replica_));
      }
    } catch (...) {
      promise->set_exception(std::current_exception());
    }
    if (sync_) sync_->on_local_change();
  });
  return future;
}

}  // namespace fieldsync::client
