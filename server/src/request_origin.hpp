#pragma once

#include <span>
#include <string>

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace fieldsync::server {

// Who sent a request: the TCP peer, and the client behind it. Behind a load balancer every
// phone's peer is the balancer, so per-client limits (the enrolment guessing limit) need
// the address the balancer saw; a header anyone can send is believed only from a proxy the
// operator named (ServerConfig::trusted_proxies).
struct RequestOrigin {
  std::string endpoint;  // the TCP peer's "address:port"
  std::string client;    // the client's address: the peer's own, or what a trusted proxy says
  bool forwarded() const;
};

// The origin of `request` received from `endpoint` ("address:port"): when the peer is one
// of `trusted` and the request has X-Forwarded-For, the client is that header's last entry
// (the address the nearest proxy saw; earlier entries came from the client and prove
// nothing). An entry that is no IP address leaves the peer as the client.
RequestOrigin origin_of(const std::string& endpoint,
                        const boost::beast::http::request<boost::beast::http::string_body>& request,
                        std::span<const boost::asio::ip::address> trusted);

}  // namespace fieldsync::server
