#pragma once

#include <string>

#include <boost/asio/ip/tcp.hpp>

namespace fieldsync::server {

// "address:port" of a connection's peer for log lines; "?" once the socket is gone.
inline std::string endpoint_text(const boost::asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "?";
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

}  // namespace fieldsync::server
