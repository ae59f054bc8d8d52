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
#include "remote_endpoint.hpp"
#include "ws_session.hpp"

namespace fieldsync::server {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

constexpr std::string_view kTlsRequired =
    "this port speaks TLS only: connect with wss:// (sync) or https:// (health, metrics, history)\n";

}  // namespace

template <class Stream>
HttpSession<Stream>::HttpSession(ServerContext& context, Stream&& stream, ConnectionSlot slot, std::string_view received,
                                 PlaintextPolicy policy)
    : context_(context),
      stream_(std::move(stream)),
      executor_(stream_.get_executor()),
      remote_(endpoint_text(beast::get_lowest_layer(stream_).socket())),
      // The buffer bound backs up the parser's limits: a request never costs more memory.
      buffer_(kMaxRequestHeaderBytes + kMaxRequestBodyBytes),
      slot_(std::move(slot)),
      policy_(policy) {
  // TLS detection reads into a buffer with the same bound as ours: it always fits.
  buffer_.commit(asio::buffer_copy(buffer_.prepare(received.size()), asio::buffer(received)));
}

template <class Stream>
void HttpSession<Stream>::run() {
  asio::dispatch(executor_, beast::bind_front_handler(&HttpSession::start, this->shared_from_this()));
}

template <class Stream>
void HttpSession<Stream>::shutdown() {
  asio::post(executor_, [self = this->shared_from_this()] {
    if (self->handed_over_ || self->stopping_) return;
    self->stopping_ = true;
    // A pending read is cancelled and the connection closed; a response being written is
    // finished first (on_write sees stopping_).
    if (self->reading_) beast::get_lowest_layer(self->stream_).cancel();
  });
}

template <class Stream>
void HttpSession<Stream>::start() {
  registration_ = context_.sessions.add(this->weak_from_this());
  read_request();
}

template <class Stream>
void HttpSession<Stream>::read_request() {
  if (stopping_) return close();
  parser_.emplace();
  parser_->body_limit(kMaxRequestBodyBytes);
  parser_->header_limit(kMaxRequestHeaderBytes);
  // The handshake timeout bounds every request read, and the idle time between requests.
  beast::get_lowest_layer(stream_).expires_after(context_.limits.handshake_timeout);
  reading_ = true;
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, this->shared_from_this()));
}

template <class Stream>
void HttpSession<Stream>::on_read(beast::error_code ec, std::size_t) {
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
  if (policy_ == PlaintextPolicy::kRefuse) {
    // Say what is wrong in words: a client library would otherwise report a bare failure.
    spdlog::info("event=plaintext_refused remote={} method={} path={}", remote_, std::string(request.method_string()),
                 quote_field(request_path(request.target())));
    return respond(text_response(request, http::status::bad_request, std::string(kTlsRequired)), true);
  }
  if (websocket::is_upgrade(request)) return upgrade(std::move(request));
  route(std::move(request));
}

template <class Stream>
void HttpSession<Stream>::route(HttpRequest request) {
  if (!route_waits_on_store(request)) {
    HttpResponse response = route_http(context_, request, origin_of(remote_, request, context_.trusted_proxies));
    return answer(request, std::move(response));
  }
  // No read is pending meanwhile: the next request waits for this answer.
  asio::post(context_.store_pool, [self = this->shared_from_this(), request = std::move(request)]() mutable {
    HttpResponse response =
        route_http(self->context_, request, origin_of(self->remote_, request, self->context_.trusted_proxies));
    asio::post(self->executor_, [self, request = std::move(request), response = std::move(response)]() mutable {
      self->answer(request, std::move(response));
    });
  });
}

template <class Stream>
void HttpSession<Stream>::answer(const HttpRequest& request, HttpResponse response) {
  spdlog::debug("event=http_request remote={} method={} path={} status={}", remote_,
                std::string(request.method_string()), quote_field(request_path(request.target())),
                response.result_int());
  const bool close_after = !response.keep_alive();
  respond(std::move(response), close_after);
}

template <class Stream>
void HttpSession<Stream>::upgrade(HttpRequest request) {
  if (request_path(request.target()) != "/sync") {
    return respond(text_response(request, http::status::not_found, "WebSocket sync is served on /sync\n"), true);
  }
  asio::post(context_.store_pool, [self = this->shared_from_this(), request = std::move(request)]() mutable {
    std::optional<Principal> principal;
    HttpResponse refusal;
    try {
      principal = self->context_.service.authenticate(upgrade_token(request));
    } catch (const Error& e) {
      // The reason goes to the client and the log; the token itself never does.
      spdlog::warn("event=ws_refused remote={} status=401 reason={}", self->remote_, quote_field(e.what()));
      self->context_.metrics.error(e.code());
      refusal = text_response(request, http::status::unauthorized, std::string(e.what()) + "\n");
      refusal.set(http::field::www_authenticate, "Bearer");
    } catch (const std::exception& e) {
      spdlog::error("event=ws_refused remote={} status=500 reason={}", self->remote_, quote_field(e.what()));
      refusal = text_response(request, http::status::internal_server_error, "internal error\n");
    }
    asio::post(self->executor_, [self, request = std::move(request), principal = std::move(principal),
                                 refusal = std::move(refusal)]() mutable {
      self->on_authenticated(std::move(request), std::move(principal), std::move(refusal));
    });
  });
}

template <class Stream>
void HttpSession<Stream>::on_authenticated(HttpRequest request, std::optional<Principal> principal,
                                           HttpResponse refusal) {
  if (!principal) return respond(std::move(refusal), true);
  if (stopping_) return close();  // the server began stopping meanwhile
  handed_over_ = true;
  beast::get_lowest_layer(stream_).expires_never();  // the WebSocket session sets its own timeouts
  std::make_shared<WsSession<Stream>>(context_, std::move(stream_), std::move(slot_), std::move(*principal), remote_)
      ->run(std::move(request));
}

template <class Stream>
void HttpSession<Stream>::respond(HttpResponse response, bool close_after) {
  if (close_after) response.keep_alive(false);
  response_ = std::make_shared<HttpResponse>(std::move(response));
  beast::get_lowest_layer(stream_).expires_after(context_.limits.handshake_timeout);
  http::async_write(stream_, *response_,
                    beast::bind_front_handler(&HttpSession::on_write, this->shared_from_this(), close_after));
}

template <class Stream>
void HttpSession<Stream>::on_write(bool close_after, beast::error_code ec, std::size_t) {
  response_.reset();
  if (ec || close_after || stopping_) return close();
  read_request();
}

template <class Stream>
void HttpSession<Stream>::close() {
  end_connection(stream_, context_.limits.handshake_timeout, this->shared_from_this());
}

template class HttpSession<PlainStream>;
template class HttpSession<TlsStream>;

}  // namespace fieldsync::server
