#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "connection_gate.hpp"
#include "server_context.hpp"
#include "session_registry.hpp"
#include "session_stream.hpp"

namespace fieldsync::server {

// The start of a connection on a port with TLS: reads the first bytes to tell a TLS
// ClientHello from plaintext, runs the TLS handshake, and hands the stream to an
// HttpSession<TlsStream>. A plaintext client goes to an HttpSession<PlainStream> that
// serves it (allow_plaintext) or answers with a 400 saying to use wss:// / https://.
// Detection and handshake together must finish within the handshake timeout; a failed
// or timed-out handshake is logged and the connection closed, touching nothing else.
//
// Threads: runs on the socket's strand; shutdown() may be called from any thread. Create
// with make_shared.
class TlsHandshake final : public Stoppable, public std::enable_shared_from_this<TlsHandshake> {
 public:
  TlsHandshake(ServerContext& context, boost::asio::ip::tcp::socket&& socket, ConnectionSlot slot);

  void run();
  void shutdown() override;

 private:
  void start();
  void on_detect(boost::beast::error_code ec, bool is_tls);
  void on_handshake(boost::beast::error_code ec, std::size_t bytes_used);
  void fail(const std::string& why);
  PlainStream& tcp();

  ServerContext& context_;
  PlainStream stream_;  // until the handshake begins; then moved into tls_
  std::optional<TlsStream> tls_;
  boost::asio::any_io_executor executor_;  // the strand
  std::string remote_;
  boost::beast::flat_buffer buffer_;  // the bytes detection read
  SessionRegistry::Registration registration_;
  ConnectionSlot slot_;  // handed on with the stream
  bool handed_over_ = false;
};

}  // namespace fieldsync::server
