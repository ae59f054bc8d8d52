#include "fieldsync/client/websocket_client.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/error.hpp>

#include <exception>
#include <utility>

#include "client_stream.hpp"

namespace fieldsync::client {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;

std::string millis(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

// The server's explanation of a declined upgrade: its body, trimmed and kept short, or
// the HTTP reason phrase when the body is empty.
std::string declined_reason(const websocket::response_type& response) {
  std::string text = response.body();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  constexpr std::size_t kMaxReason = 500;  // a misconfigured proxy may answer with a whole page
  if (text.size() > kMaxReason) text = text.substr(0, kMaxReason) + "...";
  if (text.empty()) text = std::string(response.reason());
  return text;
}

Error declined_error(const WsUrl& url, const websocket::response_type& response) {
  const unsigned status = response.result_int();
  const std::string reason = declined_reason(response);
  switch (status) {
    case 401: return Error(ErrorCode::kUnauthenticated, "the server did not accept the token: " + reason);
    case 403: return Error(ErrorCode::kForbidden, "the server refused the connection: " + reason);
    case 404: return Error(ErrorCode::kNotFound, "no sync endpoint at " + url.text() + " (HTTP 404): " + reason);
    case 429: return Error(ErrorCode::kRateLimited, "the server refused the connection for now: " + reason);
    case 503: return Error(ErrorCode::kShuttingDown, "the server is not taking connections: " + reason);
    default:
      return Error(ErrorCode::kProtocol, "the server at " + url.text() + " declined the WebSocket upgrade (HTTP " +
                                             std::to_string(status) + "): " + reason);
  }
}

}  // namespace

WebSocketClient::WebSocketClient(Strand strand, WsUrl url, std::string token, ConnectionOptions options)
    : strand_(std::move(strand)),
      url_(std::move(url)),
      token_(std::move(token)),
      options_(std::move(options)),
      resolver_(strand_) {
  check_transport_allowed(url_, options_);
  stream_ = std::make_unique<ClientStream>(strand_, url_, options_);
}

WebSocketClient::~WebSocketClient() = default;

void WebSocketClient::start(ClientSync& sync, Observer observer) {
  net::dispatch(strand_, [self = shared_from_this(), &sync, observer = std::move(observer)]() mutable {
    if (self->started_) return;
    self->started_ = true;
    self->sync_ = &sync;
    self->observer_ = std::move(observer);
    if (self->close_requested_) return self->finish();
    self->resolver_.async_resolve(
        self->url_.host, std::to_string(self->url_.port),
        [self](beast::error_code ec, tcp::resolver::results_type results) { self->on_resolve(ec, std::move(results)); });
  });
}

void WebSocketClient::on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
  if (ec) {
    if (ec != net::error::operation_aborted) {
      fail(Error(ErrorCode::kIo,
                 "cannot find the sync server host '" + url_.host + "' (" + url_.text() + "): " + ec.message()));
    }
    return finish();
  }
  if (close_requested_) return finish();
  auto& tcp_layer = stream_->tcp();
  tcp_layer.expires_after(options_.connect_timeout);
  tcp_layer.async_connect(results, [self = shared_from_this()](beast::error_code e, const tcp::endpoint&) {
    self->on_connect(e);
  });
}

void WebSocketClient::on_connect(beast::error_code ec) {
  if (ec) {
    if (ec == beast::error::timeout) {
      fail(Error(ErrorCode::kTimeout, "no answer from the sync server at " + url_.host_header() + " within " +
                                          millis(options_.connect_timeout)));
    } else if (ec != net::error::operation_aborted) {
      fail(Error(ErrorCode::kIo, "cannot connect to the sync server at " + url_.host_header() + ": " + ec.message()));
    }
    return finish();
  }
  if (close_requested_) return finish();
  // Small protocol messages go out at once: with Nagle's algorithm an ack queued behind a
  // live batch waits for the peer's delayed ACK (~40 ms).
  beast::error_code ignored;
  stream_->tcp().socket().set_option(tcp::no_delay(true), ignored);
  if (!stream_->tls()) return upgrade();
  // The TLS handshake counts against the handshake timeout, like the upgrade after it.
  stream_->tcp().expires_after(options_.handshake_timeout);
  stream_->async_tls_handshake([self = shared_from_this()](beast::error_code e) { self->on_tls_handshake(e); });
}

void WebSocketClient::on_tls_handshake(beast::error_code ec) {
  if (ec) {
    if (ec == beast::error::timeout) {
      fail(Error(ErrorCode::kTimeout, "the TLS handshake with " + url_.host_header() + " did not finish within " +
                                          millis(options_.handshake_timeout)));
    } else if (ec != net::error::operation_aborted) {
      fail(stream_->tls_failure(ec));
    }
    return finish();
  }
  if (close_requested_) return finish();
  upgrade();
}

void WebSocketClient::upgrade() {
  // From here on the WebSocket layer owns the timeouts; the TCP layer's must be off.
  stream_->tcp().expires_never();
  stream_->visit([this](auto& ws) {
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = options_.handshake_timeout;
    timeouts.idle_timeout = options_.idle_timeout;
    timeouts.keep_alive_pings = true;
    ws.set_option(timeouts);
    ws.set_option(websocket::stream_base::decorator(
        [token = token_, agent = options_.user_agent](websocket::request_type& request) {
          request.set(http::field::user_agent, agent);
          request.set(http::field::authorization, "Bearer " + token);
        }));
    ws.read_message_max(options_.max_message_bytes);
    ws.binary(true);
    ws.async_handshake(upgrade_response_, url_.host_header(), url_.target,
                       [self = shared_from_this()](beast::error_code e) { self->on_handshake(e); });
  });
}

void WebSocketClient::on_handshake(beast::error_code ec) {
  if (ec) {
    if (ec == websocket::error::upgrade_declined) {
      fail(declined_error(url_, upgrade_response_));
    } else if (ec == beast::error::timeout) {
      fail(Error(ErrorCode::kTimeout, "the WebSocket upgrade with " + url_.text() + " did not finish within " +
                                          millis(options_.handshake_timeout)));
    } else if (ec != net::error::operation_aborted) {
      fail(Error(ErrorCode::kIo, "the WebSocket upgrade with " + url_.text() + " failed: " + ec.message()));
    }
    return finish();
  }
  upgrade_response_ = {};
  if (close_requested_) {
    opened_ = true;
    do_read();
    return do_close();
  }
  opened_ = true;
  do_read();
  try {
    sync_->on_open();
  } catch (const std::exception& e) {
    fail(Error(ErrorCode::kInternal, std::string("the sync failed to start: ") + e.what()));
    return;
  }
  notify(Event::kOpened);
}

void WebSocketClient::do_read() {
  reading_ = true;
  stream_->visit([this](auto& ws) {
    ws.async_read(read_buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  });
}

void WebSocketClient::on_read(beast::error_code ec) {
  reading_ = false;
  if (ec) {
    if (ec == websocket::error::closed) {
      websocket::close_reason reason;
      stream_->visit([&reason](auto& ws) { reason = ws.reason(); });
      std::string why = "the sync server closed the connection (code " + std::to_string(reason.code);
      if (!reason.reason.empty()) why += ": " + std::string(reason.reason.c_str());
      fail(Error(ErrorCode::kIo, why + ")"));
    } else if (ec == beast::error::timeout) {
      fail(Error(ErrorCode::kTimeout, "nothing heard from the sync server for " + millis(options_.idle_timeout) +
                                          ": the connection is considered lost"));
    } else if (ec == websocket::error::message_too_big) {
      fail(Error(ErrorCode::kTooLarge, "a message from the server is larger than the client's limit of " +
                                           std::to_string(options_.max_message_bytes) + " bytes"));
    } else if (ec != net::error::operation_aborted) {
      fail(Error(ErrorCode::kIo, "the connection to " + url_.host_header() + " was lost: " + ec.message()));
    }
    return finish();
  }
  if (finished_) return;
  bool binary = true;
  stream_->visit([&binary](auto& ws) { binary = ws.got_binary(); });
  if (!binary) {
    fail(Error(ErrorCode::kProtocol, "the server sent a text frame; FieldSync messages are binary"));
    return do_read();  // the read ends with the dropped socket
  }
  proto::Envelope message;
  const auto data = read_buffer_.cdata();
  const bool parsed = message.ParseFromArray(data.data(), static_cast<int>(data.size()));
  read_buffer_.consume(read_buffer_.size());
  if (!parsed) {
    fail(Error(ErrorCode::kProtocol, "a frame from the server is not a FieldSync message (protobuf Envelope)"));
    return do_read();
  }
  // Keep reading while the ClientSync works: the close handshake it may start needs it.
  do_read();
  if (close_requested_) return;  // after close() messages are no longer of interest
  try {
    sync_->on_message(message);
  } catch (const std::exception& e) {
    // ClientSync reports protocol errors itself; anything else (out of memory, a storage
    // failure it did not expect) must not escape into Asio.
    fail(Error(ErrorCode::kInternal, std::string("handling a message from the server failed: ") + e.what()));
    return;
  }
  notify(Event::kMessage);
}

void WebSocketClient::send(proto::Envelope message) {
  net::dispatch(strand_, [self = shared_from_this(), message = std::move(message)]() mutable {
    self->enqueue(std::move(message));
  });
}

void WebSocketClient::enqueue(proto::Envelope message) {
  if (!opened_ || close_requested_ || finished_) return;  // nothing can be sent any more
  if (queue_.size() >= options_.send_queue_messages) {
    fail(Error(ErrorCode::kIo, "the send queue is full (" + std::to_string(queue_.size()) +
                                   " messages): the server stopped reading"));
    return;
  }
  queue_.push_back(message.SerializeAsString());
  if (!writing_) do_write();
}

void WebSocketClient::do_write() {
  writing_ = true;
  stream_->visit([this](auto& ws) {
    ws.async_write(net::buffer(queue_.front()),
                   [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
  });
}

void WebSocketClient::on_write(beast::error_code ec) {
  writing_ = false;
  if (!queue_.empty()) queue_.pop_front();
  if (ec) {
    if (ec != net::error::operation_aborted) {
      fail(Error(ErrorCode::kIo, "sending to " + url_.host_header() + " failed: " + ec.message()));
    }
    return;  // the read loop ends too and finishes the connection
  }
  if (finished_) return;
  if (!queue_.empty()) return do_write();
  if (close_requested_ && !close_sent_) do_close();
}

void WebSocketClient::close() {
  net::dispatch(strand_, [self = shared_from_this()] {
    if (self->close_requested_ || self->finished_) return;
    self->close_requested_ = true;
    if (!self->started_) return;     // start() will finish at once
    if (!self->opened_) return self->abandon_socket();  // abandon the attempt
    if (!self->writing_) self->do_close();              // otherwise after the queue drains
  });
}

void WebSocketClient::do_close() {
  close_sent_ = true;
  stream_->visit([this](auto& ws) {
    ws.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code ec) {
      self->on_close(ec);
    });
  });
}

void WebSocketClient::on_close(beast::error_code ec) {
  if (finished_) return;
  // Normally the pending read sees the server's close frame and finishes the connection.
  if (ec) abandon_socket();
  if (!reading_) finish();
}

void WebSocketClient::fail(Error error) {
  if (!close_requested_ && !failure_ && !finished_) failure_ = std::move(error);
  abandon_socket();
}

void WebSocketClient::abandon_socket() {
  resolver_.cancel();
  stream_->tcp().close();
}

void WebSocketClient::finish() {
  if (finished_) return;
  finished_ = true;
  abandon_socket();
  queue_.clear();
  if (sync_) {
    try {
      sync_->on_closed();
    } catch (const std::exception& e) {
      if (!failure_) failure_ = Error(ErrorCode::kInternal, std::string("closing the sync failed: ") + e.what());
    }
  }
  notify(Event::kClosed);
}

void WebSocketClient::notify(Event event) {
  if (!observer_) return;
  try {
    observer_(event);
  } catch (...) {
    // An observer's exception must not unwind into Asio; the observer owns its errors.
  }
}

}  // namespace fieldsync::client
