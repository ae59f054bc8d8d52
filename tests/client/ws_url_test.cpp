#include <gtest/gtest.h>

#include "client_test_support.hpp"
#include "fieldsync/client/connection_options.hpp"
#include "fieldsync/client/ws_url.hpp"

namespace fieldsync::client {
namespace {

using test::expect_error;

TEST(WsUrl, ParsesHostPortAndPath) {
  auto url = parse_ws_url("ws://sync.example.com:8080/sync");
  EXPECT_EQ(url.host, "sync.example.com");
  EXPECT_EQ(url.port, 8080);
  EXPECT_EQ(url.target, "/sync");
  EXPECT_EQ(url.host_header(), "sync.example.com:8080");
  EXPECT_EQ(url.text(), "ws://sync.example.com:8080/sync");
}

TEST(WsUrl, DefaultsPortAndPath) {
  auto url = parse_ws_url("WS://10.0.0.5");
  EXPECT_EQ(url.host, "10.0.0.5");
  EXPECT_EQ(url.port, 80);
  EXPECT_EQ(url.target, "/sync");
}

TEST(WsUrl, KeepsQueryAndBracketsIpv6) {
  auto url = parse_ws_url("ws://[::1]:9000/sync?x=1");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 9000);
  EXPECT_EQ(url.target, "/sync?x=1");
  EXPECT_EQ(url.host_header(), "[::1]:9000");
}

TEST(WsUrl, ParsesWssWithItsDefaultPort) {
  auto url = parse_ws_url("WSS://sync.example.com/sync");
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.port, 443);
  EXPECT_EQ(url.text(), "wss://sync.example.com:443/sync");
  EXPECT_FALSE(parse_ws_url("ws://sync.example.com").tls);
  EXPECT_EQ(parse_ws_url("wss://[::1]:8443").text(), "wss://[::1]:8443/sync");
}

TEST(WsUrl, KnowsLoopbackHosts) {
  for (const char* url : {"ws://127.0.0.1/sync", "ws://127.8.9.10:1", "ws://[::1]:80", "ws://localhost:8787",
                          "ws://LocalHost", "ws://[::ffff:127.0.0.1]"}) {
    EXPECT_TRUE(parse_ws_url(url).is_loopback()) << url;
  }
  for (const char* url : {"ws://10.0.0.5", "ws://128.0.0.1", "ws://[::2]", "ws://localhost.example.com",
                          "ws://0.0.0.0", "ws://[::ffff:10.0.0.1]"}) {
    EXPECT_FALSE(parse_ws_url(url).is_loopback()) << url;
  }
}

TEST(WsUrl, PlaintextOnlyToLoopbackUnlessAllowed) {
  ConnectionOptions options;
  EXPECT_NO_THROW(check_transport_allowed(parse_ws_url("ws://127.0.0.1:8787/sync"), options));
  EXPECT_NO_THROW(check_transport_allowed(parse_ws_url("wss://sync.example.com/sync"), options));
  auto message = expect_error(ErrorCode::kInvalidArgument, [&] {
    check_transport_allowed(parse_ws_url("ws://sync.example.com:8787/sync"), options);
  });
  EXPECT_NE(message.find("ws://sync.example.com:8787/sync"), std::string::npos) << "names the URL: " << message;
  EXPECT_NE(message.find("Use a wss:// or https:// URL"), std::string::npos) << "says what to use: " << message;
  EXPECT_NE(message.find("allow_plaintext"), std::string::npos) << message;
  options.allow_plaintext = true;
  EXPECT_NO_THROW(check_transport_allowed(parse_ws_url("ws://sync.example.com:8787/sync"), options));
}

TEST(WsUrl, RefusesEverythingElse) {
  for (const char* bad : {"http://example.com/sync", "https://example.com/sync", "example.com:80/sync", "ws://", "ws://:80/sync",
                          "ws://host:0/sync", "ws://host:65536/sync", "ws://host:12ab/sync", "ws://host:/sync",
                          "ws://user@host/sync", "ws://host/sync#x", "ws://[::1/sync", "ws://host/a b"}) {
    SCOPED_TRACE(bad);
    auto message = expect_error(ErrorCode::kInvalidArgument, [&] { parse_ws_url(bad); });
    EXPECT_NE(message.find(bad), std::string::npos) << "the message names the URL: " << message;
  }
}

}  // namespace
}  // namespace fieldsync::client
