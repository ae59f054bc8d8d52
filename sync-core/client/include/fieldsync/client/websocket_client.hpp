#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "fieldsync/client/connection_options.hpp"
#include "fieldsync/client/ws_url.hpp"
#include "fieldsync/core/client_sync.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/core/transport.hpp"

namespace fieldsync::client {

using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

class ClientStream;

// One WebSocket connection to a sync server, carrying one protobuf Envelope per binary
// frame: resolve, connect, for wss:// the TLS handshake (server certificate and host name
// verified), upgrade with `Authorization: Bearer <token>`, then a read loop feeding a
// ClientSync and a bounded write queue with one write in flight.
//
// Threads: everything runs on the strand given at construction, and so do the calls into
// the ClientSync and the observer. send() and close() may be called from any thread (they
// are dispatched to the strand); failure() and opened() only from the strand, or after the
// io_context has stopped running. Create it with std::make_shared: pending operations keep
// it alive.
class WebSocketClient final : public Transport, public std::enable_shared_from_this<WebSocketClient> {
 public:
  enum class Event {
    kOpened,   // the upgrade succeeded; ClientSync::on_open() was called
    kMessage,  // a message was handed to ClientSync::on_message()
    kClosed,   // the connection is over; ClientSync::on_closed() was called. The last event.
  };
  using Observer = std::function<void(Event)>;

  // Throws Error(kInvalidArgument) for a ws:// URL that check_transport_allowed() refuses,
  // and Error for a CA file that cannot be used (see ConnectionOptions::ca_file).
  WebSocketClient(Strand strand, WsUrl url, std::string token, ConnectionOptions options = {});
  ~WebSocketClient() override;
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  // Starts connecting. `sync` (which must outlive the connection) gets the transport's
  // events; `observer`, if set, hears about each of them after the ClientSync did.
  void start(ClientSync& sync, Observer observer = {});

  void send(proto::Envelope message) override;
  // Sends what is queued, then closes with a WebSocket close handshake. Before the upgrade
  // finished it simply abandons the attempt. Idempotent.
  void close() override;

  // Why the connection ended, when it ended on its own: refused, unreachable, timed out,
  // a TLS handshake that failed (kTls, saying whether the certificate was not trusted or
  // not for this host; kIo if the connection dropped during it), declined by the server (HTTP 401 -> kUnauthenticated with the server's reason), lost.
  // Empty when it was closed through close() (by the ClientSync, say, after a sync or an
  // error it reports itself) or is still open.
  const std::optional<Error>& failure() const { return failure_; }
  bool opened() const { return opened_; }
  const WsUrl& url() const { return url_; }

 private:
  void on_resolve(boost::beast::error_code ec, boost::asio::ip::tcp::resolver::results_type results);
  void on_connect(boost::beast::error_code ec);
  void on_tls_handshake(boost::beast::error_code ec);
  void upgrade();
  void on_handshake(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec);
  void enqueue(proto::Envelope message);
  void do_write();
  void on_write(boost::beast::error_code ec);
  void do_close();
  void on_close(boost::beast::error_code ec);
  // Records the first failure (unless the owner asked to close) and drops the socket.
  void fail(Error error);
  void abandon_socket();
  // Ends the connection once: tells the ClientSync, then the observer.
  void finish();
  void notify(Event event);

  Strand strand_;
  WsUrl url_;
  std::string token_;
  ConnectionOptions options_;
  boost::asio::ip::tcp::resolver resolver_;
  std::unique_ptr<ClientStream> stream_;  // ws:// or wss://
  boost::beast::flat_buffer read_buffer_;
  boost::beast::websocket::response_type upgrade_response_;
  std::deque<std::string> queue_;  // serialized Envelopes; the front one is being written
  ClientSync* sync_ = nullptr;
  Observer observer_;
  std::optional<Error> failure_;
  bool started_ = false;
  bool opened_ = false;
  bool reading_ = false;
  bool writing_ = false;
  bool close_requested_ = false;
  bool close_sent_ = false;
  bool finished_ = false;
};

}  // namespace fieldsync::client
