#include "http_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "log_fields.hpp"
#include "ws_session.hpp"

namespace fieldsync::server {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

std::string endpoint_text(const asio::ip::tcp::socket& socket) {
  beast::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "?";
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

}  // namespace

HttpSession::HttpSession(ServerContext& context, asio::ip::tcp::socket&& socket)
    : context_(context),
      stream_(std::move(socket)),
      executor_(stream_.get_executor()),
      remote_(endpoint_text(stream_.socket())),
      // The buffer bound backs up the parser's limits: a request never costs more memory.
      buffer_(kMaxRequestHeaderBytes + kMaxRequestBodyBytes) {}

void HttpSession::run() {
  asio::dispatch(executor_, beast::bind_front_handler(&HttpSession::start, shared_from_this()));
}

void HttpSession::shutdown() {
  asio::post(executor_, [self = shared_from_this()] {
    if (self->handed_over_ || self->stopping_) return;
    self->stopping_ = true;
    // A pending read is cancelled and the connection closed; a response being written is
    // finished first (on_write sees stopping_).
    if (self->reading_) self->stream_.cancel();
  });
}

void HttpSession::start() {
  registration_ = context_.sessions.add(weak_from_this());
  read_request();
}

void HttpSession::read_request() {
  if (stopping_) return close();
  parser_.emplace();
  parser_->body_limit(kMaxRequestBodyBytes);
  parser_->header_limit(kMaxRequestHeaderBytes);
  // The handshake timeout bounds every request read, and the idle time between requests.
  stream_.expires_after(context_.limits.handshake_timeout);
  reading_ = true;
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  reading_ = false;
  if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted || ec == beast::error::timeout ||
      stopping_) {
    return close();
  }
  if (ec == http::error::body_limit) {
    HttpRequest stub;
    stub.version(11);
    return respond(text_response(stub, http::status::payload_too_large,
                                 "request bodies are limited to " + std::to_string(kMaxRequestBodyBytes) + " bytes\n"),
                   true);
  }
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    HttpRequest stub;
    stub.version(11);
    return respond(text_response(stub, http::status::request_header_fields_too_large, "request headers too large\n"),
                   true);
  }
  if (ec) {
    if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
      HttpRequest stub;
      stub.version(11);
      return respond(text_response(stub, http::status::bad_request, "malformed HTTP request\n"), true);
    }
    spdlog::debug("event=http_read_failed remote={} error={}", remote_, quote_field(ec.message()));
    return close();
  }

  HttpRequest request = parser_->release();
  if (websocket::is_upgrade(request)) return upgrade(std::move(request));
  HttpResponse response = route_http(context_, request);
  spdlog::debug("event=http_request remote={} method={} path={} status={}", remote_,
                std::string(request.method_string()), quote_field(request_path(request.target())),
                response.result_int());
  const bool close_after = !response.keep_alive();
  respond(std::move(response), close_after);
}

void HttpSession::upgrade(HttpRequest request) {
  if (request_path(request.target()) != "/sync") {
    return respond(text_response(request, http::status::not_found, "WebSocket sync is served on /sync\n"), true);
  }
  Principal principal;
  try {
    principal = context_.service.authenticate(bearer_token(request));
  } catch (const Error& e) {
    // The reason goes to the client and the log; the token itself never does.
    spdlog::warn("event=ws_refused remote={} status=401 reason={}", remote_, quote_field(e.what()));
    context_.metrics.error(e.code());
    HttpResponse response = text_response(request, http::status::unauthorized, std::string(e.what()) + "\n");
    response.set(http::field::www_authenticate, "Bearer");
    return respond(std::move(response), true);
  } catch (const std::exception& e) {
    spdlog::error("event=ws_refused remote={} status=500 reason={}", remote_, quote_field(e.what()));
    return respond(text_response(request, http::status::internal_server_error, "internal error\n"), true);
  }
  handed_over_ = true;
  stream_.expires_never();  // the WebSocket session sets its own timeouts
  std::make_shared<WsSession>(context_, std::move(stream_), std::move(principal), remote_)->run(std::move(request));
}

void HttpSession::respond(HttpResponse response, bool close_after) {
  if (close_after) response.keep_alive(false);
  response_ = std::make_shared<HttpResponse>(std::move(response));
  stream_.expires_after(context_.limits.handshake_timeout);
  http::async_write(stream_, *response_,
                    beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), close_after));
}

void HttpSession::on_write(bool close_after, beast::error_code ec, std::size_t) {
  response_.reset();
  if (ec || close_after || stopping_) return close();
  read_request();
}

void HttpSession::close() {
  beast::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream_.close();
}

}  // namespace fieldsync::server
