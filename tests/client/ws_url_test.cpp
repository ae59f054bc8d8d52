#include <gtest/gtest.h>

#include "client_test_support.hpp"
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

TEST(WsUrl, RefusesWssWithAClearMessage) {
  auto message = expect_error(ErrorCode::kInvalidArgument, [] { parse_ws_url("wss://example.com/sync"); });
  EXPECT_NE(message.find("wss://"), std::string::npos) << message;
  EXPECT_NE(message.find("not supported"), std::string::npos) << message;
}

TEST(WsUrl, RefusesEverythingElse) {
  for (const char* bad : {"http://example.com/sync", "example.com:80/sync", "ws://", "ws://:80/sync",
                          "ws://host:0/sync", "ws://host:65536/sync", "ws://host:12ab/sync", "ws://host:/sync",
                          "ws://user@host/sync", "ws://host/sync#x", "ws://[::1/sync", "ws://host/a b"}) {
    SCOPED_TRACE(bad);
    auto message = expect_error(ErrorCode::kInvalidArgument, [&] { parse_ws_url(bad); });
    EXPECT_NE(message.find(bad), std::string::npos) << "the message names the URL: " << message;
  }
}

}  // namespace
}  // namespace fieldsync::client
