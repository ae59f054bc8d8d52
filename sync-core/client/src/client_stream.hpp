#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "fieldsync/client/connection_options.hpp"
#include "fieldsync/client/websocket_client.hpp"
#include "fieldsync/client/ws_url.hpp"
#include "fieldsync/core/error.hpp"

namespace fieldsync::client {

// The WebSocket of one client connection: over plain TCP for ws://, over TLS for wss://.
// It hides the difference from WebSocketClient, whose code is the same for both: visit()
// hands the concrete websocket::stream to a generic callable, tcp() is the TCP layer
// under either. For TLS it also owns the context and sets up SNI and the check that the
// certificate names the URL's host. Used on the connection's strand only.
class ClientStream {
 public:
  using Plain = boost::beast::websocket::stream<boost::beast::tcp_stream>;
  using Tls = boost::beast::websocket::stream<boost::beast::ssl_stream<boost::beast::tcp_stream>>;

  // Throws Error when a TLS context cannot be made (a bad CA file: see fieldsync/client/tls.hpp).
  ClientStream(const Strand& strand, const WsUrl& url, const ConnectionOptions& options);

  bool tls() const { return tls_.has_value(); }
  boost::beast::tcp_stream& tcp();

  template <class F>
  void visit(F&& f) {
    if (tls_) {
      f(*tls_);
    } else {
      f(*plain_);
    }
  }

  // TLS only: the client side of the TLS handshake, once TCP is connected.
  template <class Handler>
  void async_tls_handshake(Handler&& handler) {
    tls_->next_layer().async_handshake(boost::asio::ssl::stream_base::client, std::forward<Handler>(handler));
  }
  // Why the TLS handshake failed: see tls_handshake_error() (kTls, or kIo for a lost
  // connection).
  Error tls_failure(const boost::beast::error_code& ec);

 private:

  WsUrl url_;
  std::string ca_file_;
  std::shared_ptr<boost::asio::ssl::context> context_;  // before tls_: the stream uses it
  std::optional<Plain> plain_;
  std::optional<Tls> tls_;
};

}  // namespace fieldsync::client
