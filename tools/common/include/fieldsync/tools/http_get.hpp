#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fieldsync::tools {

// Where a sync server's HTTP API is: taken from `https://` or `http://host[:port][/...]`,
// or from the sync URL `wss://` or `ws://host[:port][/sync]` (same host and port; the
// path is dropped).
struct HttpServer {
  bool tls = false;  // https:// (or wss://): the server's certificate verified
  std::string host;  // a name or an address; IPv6 without the brackets
  std::uint16_t port = 80;

  std::string host_header() const;  // host, bracketed if IPv6, with the port
  std::string text() const;         // "https://host:port" or "http://host:port", for messages
};

// Throws Error(kInvalidArgument) saying what is wrong: another scheme, user info, a bad port.
HttpServer parse_http_server(std::string_view url);

struct HttpResponse {
  unsigned status = 0;
  std::string body;
};

struct HttpGetOptions {
  std::vector<std::pair<std::string, std::string>> headers;  // sent as given
  // The whole exchange: resolve, connect, send, receive.
  std::chrono::milliseconds timeout{15'000};
  std::size_t max_body_bytes = 64 * 1024 * 1024;
  // https://: as ConnectionOptions::ca_file of the sync client, whose TLS setup is used.
  std::string ca_file;
};

// One blocking HTTP/1.1 GET of `target` (path and query, percent-encoded by the caller).
// Returns whatever status the server answered with; throws Error(kIo) when there was no
// answer (name not found, connection refused, timeout, a malformed or oversized reply),
// Error(kTls) when the server's certificate was refused or TLS could not be agreed, and
// the sync client's errors for an unusable CA file.
// The caller decides whether plaintext is allowed (client::check_transport_allowed).
HttpResponse http_get(const HttpServer& server, const std::string& target, const HttpGetOptions& options = {});

}  // namespace fieldsync::tools
