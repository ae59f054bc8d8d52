#pragma once

#include <cstdint>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include "connection_gate.hpp"
#include "fd_limit.hpp"
#include "server_context.hpp"

namespace fieldsync::server {

// Accepts TCP connections on one endpoint and starts each on its own strand: with TLS
// configured, a TlsHandshake (which then starts the HTTP session), else a plaintext
// HttpSession. Runs on its own strand; stop() may be called from any thread. Create with
// make_shared.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Opens, binds and listens; throws Error(kIo) naming the endpoint if that fails.
  // `caps`: the connections admitted at once, in all and per remote address; beyond them a
  // connection is closed as soon as it is accepted (fieldsync_connections_refused_total).
  Listener(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& endpoint, ServerContext& context,
           const ConnectionCaps& caps);

  std::uint16_t port() const { return port_; }
  // TCP connections holding a place under the caps now (of every kind).
  std::size_t open_connections() const;
  void run();
  void stop();
  // Closes the acceptor at once. Only when no thread runs the io_context any more.
  void close_now();

 private:
  void accept_next();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  ServerContext& context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  std::shared_ptr<ConnectionGate> gate_;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
};

}  // namespace fieldsync::server
