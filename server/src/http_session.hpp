#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "connection_gate.hpp"
#include "http_routes.hpp"
#include "server_context.hpp"
#include "session_registry.hpp"
#include "session_stream.hpp"

namespace fieldsync::server {

// HTTP limits. Nothing the server serves takes a request body, so a small one is plenty;
// headers carry at most a bearer token.
inline constexpr std::size_t kMaxRequestBodyBytes = 4 * 1024;
inline constexpr std::uint32_t kMaxRequestHeaderBytes = 16 * 1024;

// What an HttpSession does with the requests it reads.
enum class PlaintextPolicy {
  kServe,   // answer them: a TLS session, or plaintext that is allowed
  kRefuse,  // a plaintext client on a TLS port: answer every request with a 400 that says so
};

// One accepted connection speaking HTTP/1.1 over `Stream` (PlainStream or TlsStream, TLS
// handshake done): reads one request at a time (each read under the handshake timeout, so
// an idle or trickling client is dropped), answers it through route_http(), and on a
// WebSocket upgrade of /sync authenticates the bearer token BEFORE accepting: a bad token
// gets a 401 with the reason, a good one hands the stream to a WsSession<Stream>.
// Everything runs on the stream's strand; create it with make_shared.
template <class Stream>
class HttpSession final : public Stoppable, public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  // `received`: bytes already read off the connection (by TLS detection), the start of
  // the first request.
  HttpSession(ServerContext& context, Stream&& stream, ConnectionSlot slot, std::string_view received = {},
              PlaintextPolicy policy = PlaintextPolicy::kServe);

  void run();
  void shutdown() override;  // any thread

 private:
  void start();
  void read_request();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  // Routes a request, on a store worker if it reads the store, and answers it.
  void route(HttpRequest request);
  void answer(const HttpRequest& request, HttpResponse response);
  // Authenticates the upgrade's token on a store worker; on_authenticated() goes on.
  void upgrade(HttpRequest request);
  void on_authenticated(HttpRequest request, std::optional<Principal> principal, HttpResponse refusal);
  void respond(HttpResponse response, bool close_after);
  void on_write(bool close_after, boost::beast::error_code ec, std::size_t bytes);
  void close();

  ServerContext& context_;
  Stream stream_;
  // A copy of the strand: stream_ is moved into the WebSocket session on upgrade, and a
  // late shutdown() must still have somewhere to post to.
  boost::asio::any_io_executor executor_;
  std::string remote_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<HttpResponse> response_;  // kept alive while it is being written
  SessionRegistry::Registration registration_;
  ConnectionSlot slot_;  // handed on with the stream on an upgrade
  PlaintextPolicy policy_;
  bool reading_ = false;
  bool stopping_ = false;
  bool handed_over_ = false;  // the socket now belongs to a WsSession
};

}  // namespace fieldsync::server
