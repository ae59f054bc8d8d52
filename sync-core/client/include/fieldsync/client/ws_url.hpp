#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fieldsync::client {

struct ConnectionOptions;

// Where a sync server listens, as taken from a `ws://` or `wss://host[:port][/path]` URL.
struct WsUrl {
  bool tls = false;    // wss://: TLS, the server's certificate verified
  std::string host;    // a name or an address; IPv6 without the brackets
  std::uint16_t port = 80;
  std::string target;  // path and query, "/sync" when the URL has none

  // The Host header value: host, bracketed if IPv6, with the port.
  std::string host_header() const;
  std::string text() const;  // back as a URL, for messages
  // 127.0.0.0/8, ::1 (also IPv4-mapped) or the name localhost: traffic that never leaves
  // the machine.
  bool is_loopback() const;
};

// Parses a sync server URL: ws:// or wss:// (default ports 80 and 443). Anything else
// (http://, user info, a fragment, a bad port) throws Error(kInvalidArgument) saying what
// is wrong.
WsUrl parse_ws_url(std::string_view url);

// Refuses to send a token in the clear where others can read it: a ws:// URL is accepted
// only to a loopback host, unless options.allow_plaintext. Throws Error(kInvalidArgument)
// saying to use wss:// or allow plaintext.
void check_transport_allowed(const WsUrl& url, const ConnectionOptions& options);

}  // namespace fieldsync::client
