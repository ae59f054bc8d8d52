#include "fieldsync/client/ws_url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <boost/asio/ip/address.hpp>

#include "fieldsync/client/connection_options.hpp"
#include "fieldsync/core/error.hpp"

namespace fieldsync::client {
namespace {

// The endpoint of the FieldSync server (DESIGN: Wire), assumed when a URL names only a host.
constexpr std::string_view kDefaultTarget = "/sync";

[[noreturn]] void invalid(std::string_view url, const std::string& why) {
  throw Error(ErrorCode::kInvalidArgument, "invalid server URL '" + std::string(url) + "': " + why);
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string WsUrl::host_header() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string WsUrl::text() const { return (tls ? "wss://" : "ws://") + host_header() + target; }

bool WsUrl::is_loopback() const {
  if (lower(host) == "localhost") return true;
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(host, ec);
  if (ec) return false;
  if (ip.is_v6() && ip.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, ip.to_v6()).is_loopback();
  }
  return ip.is_loopback();
}

void check_transport_allowed(const WsUrl& url, const ConnectionOptions& options) {
  if (url.tls || options.allow_plaintext || url.is_loopback()) return;
  // The bearer token travels in the upgrade request: over ws:// anyone on the path reads it.
  throw Error(ErrorCode::kInvalidArgument,
              "refusing to talk to " + url.text() + " unencrypted: the token would cross the network in the clear. "
              "Use a wss:// or https:// URL (TLS), or allow plaintext explicitly (ConnectionOptions::allow_plaintext; "
              "--allow-plaintext) on a network you trust");
}

WsUrl parse_ws_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) invalid(url, "expected wss://HOST:PORT/PATH (or ws://)");
  const std::string scheme = lower(url.substr(0, scheme_end));
  if (scheme != "ws" && scheme != "wss") invalid(url, "the scheme must be wss:// or ws://, not " + scheme + "://");

  std::string_view rest = url.substr(scheme_end + 3);
  if (rest.find('#') != std::string_view::npos) invalid(url, "a fragment (#...) has no meaning here");
  const auto path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  WsUrl result;
  result.tls = scheme == "wss";
  result.port = result.tls ? 443 : 80;
  if (path_start == std::string_view::npos) {
    result.target = kDefaultTarget;
  } else {
    result.target = rest.substr(path_start);
    if (result.target.front() == '?') result.target = "/" + result.target;
  }
  if (authority.find('@') != std::string_view::npos) {
    invalid(url, "user info (user@) is not supported: the token goes in the Authorization header");
  }
  if (std::any_of(result.target.begin(), result.target.end(),
                  [](unsigned char c) { return c <= ' ' || c == 0x7f; })) {
    invalid(url, "the path contains spaces or control characters");
  }

  std::string_view host;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) invalid(url, "an IPv6 address lacks its closing ']'");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') invalid(url, "expected ':PORT' after the IPv6 address");
      port = after.substr(1);
      if (port.empty()) invalid(url, "the port is empty");
    }
  } else {
    const auto colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) invalid(url, "the port is empty");
    }
  }
  if (host.empty()) invalid(url, "the host is missing");
  if (std::any_of(host.begin(), host.end(), [](unsigned char c) { return c <= ' ' || c == '/' || c == 0x7f; })) {
    invalid(url, "the host contains invalid characters");
  }
  result.host = host;
  if (!port.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      invalid(url, "the port must be a number from 1 to 65535, not '" + std::string(port) + "'");
    }
    result.port = static_cast<std::uint16_t>(value);
  }
  return result;
}

}  // namespace fieldsync::client
