#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "connection_gate.hpp"
#include "fieldsync/server/sync_service.hpp"
#include "http_routes.hpp"
#include "rate_limiter.hpp"
#include "server_context.hpp"
#include "session_registry.hpp"
#include "session_stream.hpp"

namespace fieldsync::server {

// One authenticated WebSocket sync connection over `Stream` (PlainStream or TlsStream: the
// session is the same over either). Owns the stream, its Connection in the
// SyncService, a bounded send queue with exactly one async_write in flight, a handshake
// timer (no hello answered in time: Error kTimeout) and a message rate limiter.
//
// Threads: everything runs on the socket's strand except the SyncService's handling of a
// received message, which waits on the store and so runs on a store worker; its reply
// comes back to the strand. While it is away the session reads nothing more (one phone
// cannot queue unbounded work) and holds back live batches, which follow the reply, so
// that every connection sees its messages in the order the service produced them.
// deliver() and shutdown() may be called from any thread and only post to the strand.
// Create with make_shared; pending operations keep the session alive, and it ends
// (SyncService::disconnect, log line) when its read loop ends.
template <class Stream>
class WsSession final : public SessionSink, public Stoppable, public std::enable_shared_from_this<WsSession<Stream>> {
 public:
  WsSession(ServerContext& context, Stream&& stream, ConnectionSlot slot, Principal principal, std::string remote);
  ~WsSession() override;

  // Takes over the upgrade request the HTTP session read (and authenticated).
  void run(HttpRequest upgrade);

  void deliver(proto::Envelope message) override;
  void end(proto::Envelope error) override;
  void shutdown() override;

 private:
  using CloseCode = boost::beast::websocket::close_code;

  void start(HttpRequest upgrade);
  void refuse_upgrade(const HttpRequest& upgrade, const Error& why);
  void on_accept(boost::beast::error_code ec);
  void on_handshake_timer(boost::beast::error_code ec);
  void read_next();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  // Hands a received message to a store worker; on_reply() takes the answer back.
  void handle_frame(std::string frame);
  struct Outcome {
    Reply reply;
    std::vector<std::string> bytes;  // reply.messages, serialised
    std::string internal_error;  // non-empty: handle_frame threw, which it promises not to
  };
  void on_reply(Outcome outcome);
  void deliver_reply(Outcome& outcome);  // queues a reply's messages; closes after a fatal one
  void on_delivery(std::string bytes);
  // Payload bytes of the message being read that its current frame header announces and
  // have not been read yet (0 between messages).
  std::size_t announced_rest() const;
  void enqueue(const proto::Envelope& message);
  void enqueue_bytes(std::string bytes);
  void write_next();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void on_overflow();
  void on_shutdown();
  void on_end(const proto::Envelope& error);
  // Queues a fatal Error envelope for the client, then closes with `close_code`.
  void fail(ErrorCode code, const std::string& text, CloseCode close_code);
  // Stops handling frames; closes (WebSocket close frame) once the queue is flushed.
  void begin_close(CloseCode code, const std::string& reason);
  void close_when_flushed();
  void finish(boost::beast::error_code ec);
  std::size_t queued_bytes() const;

  ServerContext& context_;
  boost::beast::websocket::stream<Stream> ws_;
  boost::asio::any_io_executor executor_;  // the strand
  ConnectionSlot slot_;  // this connection's place in the ConnectionGate
  std::string remote_;
  Principal principal_;
  // Set once SyncService::connect() accepted us. A store worker uses it while busy_; the
  // strand leaves it alone then.
  std::optional<Connection> connection_;
  std::string replica_ = "-";  // the connection's replica id for log lines, as of the last reply
  SessionRegistry::Registration registration_;
  boost::asio::steady_timer handshake_timer_;
  RateLimiter rate_;
  boost::beast::flat_buffer read_buffer_;

  // Serialised envelopes waiting to be written; the front one is being written while
  // writing_. Never longer than limits.send_queue_messages, nor larger in all than
  // limits.send_queue_bytes unless it holds a single message.
  std::deque<std::string> send_queue_;
  bool writing_ = false;
  // A received message is with a store worker. Live batches delivered meanwhile wait in
  // held_ (bounded like the queue) and go out after its reply.
  bool busy_ = false;
  std::deque<std::string> held_;
  std::size_t held_bytes_ = 0;
  // Messages read while one is with a worker, handled in order after its reply. Reading goes
  // on meanwhile, so the rate limit sees a flooder's own pace and a close frame is seen; one
  // more than limits.max_unanswered_messages (this and the one with the worker) ends the
  // session as over the rate limit.
  std::deque<std::string> inbox_;
  bool reading_ = false;  // a read is pending
  // deliver() calls posted to the strand and not yet queued: bounded as well, so that a
  // busy strand cannot collect an unbounded backlog of posted handlers.
  std::atomic<std::size_t> pending_deliveries_{0};
  std::atomic<bool> overflowed_{false};

  bool accepted_ = false;     // the WebSocket upgrade completed
  bool hello_done_ = false;   // the SyncService answered a hello
  bool closing_ = false;      // a close was decided: no more frames handled or messages queued
  bool close_started_ = false;
  bool finished_ = false;
  boost::beast::websocket::close_reason close_reason_;
  std::string end_reason_;  // why the server ended the session, for the log

  std::chrono::steady_clock::time_point opened_at_;
  std::uint64_t frames_in_ = 0;
  std::uint64_t frames_out_ = 0;
};

}  // namespace fieldsync::server
