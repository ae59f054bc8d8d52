#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fieldsync::client {

// Where a sync server listens, as taken from a `ws://host[:port][/path]` URL.
struct WsUrl {
  std::string host;    // a name or an address; IPv6 without the brackets
  std::uint16_t port = 80;
  std::string target;  // path and query, "/sync" when the URL has none

  // The Host header value: host, bracketed if IPv6, with the port.
  std::string host_header() const;
  std::string text() const;  // back as a URL, for messages
};

// Parses a sync server URL. Anything but plain `ws://` (wss://, http://, user info, a
// fragment, a bad port) throws Error(kInvalidArgument) saying what is wrong.
WsUrl parse_ws_url(std::string_view url);

}  // namespace fieldsync::client
