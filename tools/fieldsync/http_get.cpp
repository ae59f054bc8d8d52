#include "http_get.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <charconv>
#include <optional>

#include "fieldsync/core/error.hpp"

namespace fieldsync::cli {
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

std::string HttpServer::text() const { return "http://" + host_header(); }

HttpServer parse_http_server(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("ws://")) {
    rest = url.substr(5);  // the sync URL: its HTTP API is on the same port
  } else if (url.starts_with("https://") || url.starts_with("wss://")) {
    bad_http_url(url, "TLS is not built in; use the plain http:// port of the server or of its proxy");
  } else {
    bad_http_url(url, "expected http://HOST:PORT (or the ws://HOST:PORT/sync address)");
  }
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) bad_http_url(url, "user info is not supported");

  HttpServer server;
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
  beast::tcp_stream stream(io);

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

  // Each step starts the next from its handler; everything runs inside io.run() below,
  // so the locals captured by reference outlive every handler.
  resolver.async_resolve(server.host, std::to_string(server.port), [&](beast::error_code ec,
                                                                      const tcp::resolver::results_type& results) {
    if (ec) return fail("cannot resolve '" + server.host + "'", ec);
    stream.expires_at(deadline);
    stream.async_connect(results, [&](beast::error_code connect_ec, const tcp::endpoint&) {
      if (connect_ec) return fail("cannot connect to " + server.text(), connect_ec);
      http::async_write(stream, request, [&](beast::error_code write_ec, std::size_t) {
        if (write_ec) return fail("cannot send the request to " + server.text(), write_ec);
        http::async_read(stream, buffer, parser, [&](beast::error_code read_ec, std::size_t) {
          if (read_ec) return fail("no valid answer from " + server.text(), read_ec);
        });
      });
    });
  });
  io.run();

  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  if (failure) throw *failure;
  HttpResponse response;
  response.status = parser.get().result_int();
  response.body = std::move(parser.get().body());
  return response;
}

}  // namespace fieldsync::cli
