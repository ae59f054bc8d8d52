#include "tls_handshake.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/detect_ssl.hpp>

#include "http_session.hpp"
#include "log_fields.hpp"
#include "remote_endpoint.hpp"

namespace fieldsync::server {
namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

// Detection needs a few bytes; a plaintext request read along with them is handed on, so
// the bound is the HTTP session's own.
constexpr std::size_t kDetectBufferBytes = kMaxRequestHeaderBytes + kMaxRequestBodyBytes;

}  // namespace

TlsHandshake::TlsHandshake(ServerContext& context, asio::ip::tcp::socket&& socket, ConnectionSlot slot)
    : context_(context),
      stream_(std::move(socket)),
      executor_(stream_.get_executor()),
      remote_(endpoint_text(stream_.socket())),
      buffer_(kDetectBufferBytes),
      slot_(std::move(slot)) {}

void TlsHandshake::run() {
  asio::dispatch(executor_, beast::bind_front_handler(&TlsHandshake::start, shared_from_this()));
}

void TlsHandshake::shutdown() {
  asio::post(executor_, [self = shared_from_this()] {
    if (!self->handed_over_) self->tcp().close();  // the pending operation fails and ends us
  });
}

PlainStream& TlsHandshake::tcp() { return tls_ ? beast::get_lowest_layer(*tls_) : stream_; }

void TlsHandshake::start() {
  registration_ = context_.sessions.add(weak_from_this());
  // One budget for detection and handshake: a client that connects and stalls (or sends
  // half a ClientHello) does not hold the connection longer than one that says nothing.
  stream_.expires_after(context_.limits.handshake_timeout);
  beast::async_detect_ssl(stream_, buffer_, beast::bind_front_handler(&TlsHandshake::on_detect, shared_from_this()));
}

void TlsHandshake::on_detect(beast::error_code ec, bool is_tls) {
  if (ec) {
    if (ec == beast::error::timeout) {
      const std::string within = " within " + std::to_string(context_.limits.handshake_timeout.count()) + " ms";
      return fail(buffer_.size() == 0 ? "nothing sent" + within
                                      : "too few bytes sent to tell TLS from plaintext" + within);
    }
    // Closed before saying anything: a port probe or a health check of the TCP port.
    spdlog::debug("event=connection_dropped remote={} error={}", remote_, quote_field(ec.message()));
    return tcp().close();
  }
  const auto received = buffer_.cdata();
  const std::string_view bytes(static_cast<const char*>(received.data()), received.size());
  if (!is_tls) {
    handed_over_ = true;
    stream_.expires_never();  // the HTTP session sets its own timeouts
    const auto policy = context_.allow_plaintext ? PlaintextPolicy::kServe : PlaintextPolicy::kRefuse;
    std::make_shared<HttpSession<PlainStream>>(context_, std::move(stream_), std::move(slot_), bytes, policy)->run();
    return;
  }
  tls_.emplace(std::move(stream_), *context_.tls);
  // The detected bytes are the start of the ClientHello: the handshake begins with them.
  tls_->async_handshake(asio::ssl::stream_base::server, buffer_.data(),
                        beast::bind_front_handler(&TlsHandshake::on_handshake, shared_from_this()));
}

void TlsHandshake::on_handshake(beast::error_code ec, std::size_t bytes_used) {
  if (ec) {
    if (ec == beast::error::timeout) {
      return fail("the TLS handshake did not finish within " +
                  std::to_string(context_.limits.handshake_timeout.count()) + " ms");
    }
    // A client that does not trust our certificate, speaks an old TLS version or no
    // common cipher: OpenSSL's reason says which.
    return fail(ec.message());
  }
  buffer_.consume(bytes_used);
  handed_over_ = true;
  beast::get_lowest_layer(*tls_).expires_never();
  std::make_shared<HttpSession<TlsStream>>(context_, std::move(*tls_), std::move(slot_))->run();
}

void TlsHandshake::fail(const std::string& why) {
  spdlog::info("event=tls_handshake_failed remote={} reason={}", remote_, quote_field(why));
  tcp().close();
}

}  // namespace fieldsync::server
