#include "listener.hpp"

#include <chrono>

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "http_session.hpp"
#include "log_fields.hpp"
#include "tls_handshake.hpp"

namespace fieldsync::server {
namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

// After an accept error such as running out of file descriptors, wait a little instead
// of spinning on the same error.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

}  // namespace

Listener::Listener(asio::io_context& ioc, const asio::ip::tcp::endpoint& endpoint, ServerContext& context,
                   const ConnectionCaps& caps)
    : ioc_(ioc),
      context_(context),
      acceptor_(asio::make_strand(ioc)),
      retry_timer_(acceptor_.get_executor()),
      gate_(std::make_shared<ConnectionGate>(caps.total, caps.per_address)) {
  const std::string where = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  beast::error_code ec;
  auto check = [&](const char* what) {
    if (ec) throw Error(ErrorCode::kIo, std::string("cannot ") + what + " " + where + ": " + ec.message());
  };
  acceptor_.open(endpoint.protocol(), ec);
  check("open a socket for");
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  check("set SO_REUSEADDR on");
  acceptor_.bind(endpoint, ec);
  check("bind");
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  check("listen on");
  port_ = acceptor_.local_endpoint().port();
}

std::size_t Listener::open_connections() const { return gate_->open(); }

void Listener::run() {
  asio::post(acceptor_.get_executor(), beast::bind_front_handler(&Listener::accept_next, shared_from_this()));
}

void Listener::stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    self->stopped_ = true;
    beast::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_timer_.cancel();
  });
}

void Listener::close_now() {
  stopped_ = true;
  beast::error_code ignored;
  acceptor_.close(ignored);
}

void Listener::accept_next() {
  if (stopped_) return;
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(asio::make_strand(ioc_), beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, asio::ip::tcp::socket socket) {
  if (stopped_ || ec == asio::error::operation_aborted) return;
  if (ec) {
    spdlog::warn("event=accept_failed error={}", quote_field(ec.message()));
    retry_timer_.expires_after(kAcceptRetryDelay);
    retry_timer_.async_wait([self = shared_from_this()](beast::error_code timer_ec) {
      if (!timer_ec) self->accept_next();
    });
    return;
  }
  beast::error_code ignored;
  const auto peer = socket.remote_endpoint(ignored);
  ConnectionSlot slot;
  const auto verdict = ignored ? ConnectionGate::Verdict::kAdmitted : gate_->admit(peer.address(), slot);
  if (ignored) {
    socket.close(ignored);  // gone already
  } else if (verdict != ConnectionGate::Verdict::kAdmitted) {
    // Closed at once, before any read: an idle flood costs one descriptor for a moment, and
    // the accept loop keeps up, so /healthz and real clients still get through.
    const bool per_address = verdict == ConnectionGate::Verdict::kOverPerAddress;
    context_.metrics.connection_refused(per_address ? "max_connections_per_address" : "max_connections");
    spdlog::debug("event=connection_refused remote={} reason={}", peer.address().to_string(),
                  per_address ? "max_connections_per_address" : "max_connections");
    socket.close(ignored);
  } else {
    // Small protocol messages go out at once (no Nagle delay behind the peer's delayed ACK).
    socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    if (context_.tls) {
      std::make_shared<TlsHandshake>(context_, std::move(socket), std::move(slot))->run();
    } else {
      std::make_shared<HttpSession<PlainStream>>(context_, PlainStream(std::move(socket)), std::move(slot))->run();
    }
  }
  accept_next();
}

}  // namespace fieldsync::server
