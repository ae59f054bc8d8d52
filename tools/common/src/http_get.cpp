#include "fieldsync/tools/http_get.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <charconv>
#include <memory>
#include <optional>

#include "fieldsync/client/tls.hpp"
#include "fieldsync/client/ws_url.hpp"
#include "fieldsync/core/error.hpp"

namespace fieldsync::tools {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

[[noreturn]] void bad_http_url(std::string_view url, const std::string& why) {
  throw Error(ErrorCode::kInvalidArgument, "'" + std::string(url) + "' is not a usable server URL: " + why);
}

std::uint16_t parse_http_port(std::string_view text, std::string_view url) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535) {
    bad_http_url(url, "the port '" + std::string(text) + "' is not a number from 1 to 65535");
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

std::string HttpServer::host_header() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string HttpServer::text() const { return (tls ? "https://" : "http://") + host_header(); }

HttpServer parse_http_server(std::string_view url) {
  std::string_view rest;
  HttpServer server;
  // The sync URL's API is on the same port: ws:// is http://, wss:// is https://.
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("ws://")) {
    rest = url.substr(5);
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
    server.tls = true;
  } else if (url.starts_with("wss://")) {
    rest = url.substr(6);
    server.tls = true;
  } else {
    bad_http_url(url, "expected https://HOST:PORT (or the wss://HOST:PORT/sync address; http:// and ws:// too)");
  }
  server.port = server.tls ? 443 : 80;
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) bad_http_url(url, "user info is not supported");

  std::string_view port_text;
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) bad_http_url(url, "an IPv6 address without its closing ']'");
    server.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(":")) bad_http_url(url, "unexpected text after the IPv6 address");
      port_text = after.substr(1);
      server.port = parse_http_port(port_text, url);
    }
  } else {
    const auto colon = authority.find(':');
    server.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      if (authority.find(':', colon + 1) != std::string_view::npos) {
        bad_http_url(url, "an IPv6 address must be in brackets, e.g. http://[::1]:8787");
      }
      server.port = parse_http_port(authority.substr(colon + 1), url);
    }
  }
  if (server.host.empty()) bad_http_url(url, "no host");
  return server;
}

HttpResponse http_get(const HttpServer& server, const std::string& target, const HttpGetOptions& options) {
  net::io_context io(1);
  tcp::resolver resolver(io);
  // https://: the sync client's TLS setup, so that `history` trusts exactly what `sync`
  // trusts (CA file or system store, host-name check, SNI).
  std::shared_ptr<net::ssl::context> tls_context;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  client::WsUrl tls_url;  // the same server, for the sync client's TLS messages
  if (server.tls) {
    client::ConnectionOptions tls_options;
    tls_options.ca_file = options.ca_file;
    tls_context = client::make_client_tls_context(tls_options);
    tls.emplace(io, *tls_context);
    client::expect_server_host(tls->native_handle(), server.host);
    tls_url.tls = true;
    tls_url.host = server.host;
    tls_url.port = server.port;
    tls_url.target = target;
  } else {
    plain.emplace(io);
  }
  beast::tcp_stream& tcp_layer = tls ? beast::get_lowest_layer(*tls) : *plain;

  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, server.host_header());
  request.set(http::field::user_agent, "fieldsync-cli");
  for (const auto& [name, value] : options.headers) request.set(name, value);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(options.max_body_bytes);

  std::optional<Error> failure;
  const auto fail = [&](const std::string& what, beast::error_code ec) {
    const std::string why = ec == beast::error::timeout
                                ? "no answer within " + std::to_string(options.timeout.count()) + " ms"
                                : ec.message();
    failure = Error(ErrorCode::kIo, what + ": " + why);
  };
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;

  // The request and the answer, over either stream.
  const auto exchange = [&](auto& stream) {
    http::async_write(stream, request, [&](beast::error_code write_ec, std::size_t) {
      if (write_ec) return fail("cannot send the request to " + server.text(), write_ec);
      http::async_read(stream, buffer, parser, [&](beast::error_code read_ec, std::size_t) {
        if (read_ec) return fail("no valid answer from " + server.text(), read_ec);
      });
    });
  };

  // Each step starts the next from its handler; everything runs inside io.run() below,
  // so the locals captured by reference outlive every handler.
  resolver.async_resolve(server.host, std::to_string(server.port), [&](beast::error_code ec,
                                                                      const tcp::resolver::results_type& results) {
    if (ec) return fail("cannot resolve '" + server.host + "'", ec);
    tcp_layer.expires_at(deadline);
    tcp_layer.async_connect(results, [&](beast::error_code connect_ec, const tcp::endpoint&) {
      if (connect_ec) return fail("cannot connect to " + server.text(), connect_ec);
      if (!tls) return exchange(*plain);
      tls->async_handshake(net::ssl::stream_base::client, [&](beast::error_code handshake_ec) {
        if (handshake_ec == beast::error::timeout) return fail("no TLS handshake with " + server.text(), handshake_ec);
        if (handshake_ec) {
          failure = client::tls_handshake_error(tls->native_handle(), handshake_ec, tls_url, options.ca_file);
          return;
        }
        exchange(*tls);
      });
    });
  });
  io.run();

  // No TLS close_notify: the whole answer is read, and the server closes its side anyway.
  beast::error_code ignored;
  tcp_layer.socket().shutdown(tcp::socket::shutdown_both, ignored);
  if (failure) throw *failure;
  HttpResponse response;
  response.status = parser.get().result_int();
  response.body = std::move(parser.get().body());
  return response;
}

}  // namespace fieldsync::tools
