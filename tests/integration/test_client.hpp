#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "fieldsync/core/version_vector.hpp"
#include "fieldsync/sync.pb.h"

namespace fieldsync::testing {

using namespace std::chrono_literals;

struct HttpResult {
  int status = 0;
  std::string body;
  std::string content_type;
};

// One HTTP/1.1 request to 127.0.0.1:port; `token` goes in `Authorization: Bearer`.
HttpResult http_request(std::uint16_t port, const std::string& target, const std::string& token = {},
                        const std::string& body = {});

// The outcome of a WebSocket upgrade attempt that the server may decline.
struct UpgradeResult {
  bool upgraded = false;
  int status = 0;  // the HTTP status of a declined upgrade
  std::string body;
  std::string subprotocol;  // the Sec-WebSocket-Protocol the server selected
};

// Where the client puts its token: the Authorization header (native clients), or a
// `fieldsync.bearer.<token>` subprotocol beside `fieldsync.v1`, as a browser must.
enum class TokenIn { kAuthorizationHeader, kSubprotocol };

// How a connection ended, as seen by the client.
struct CloseResult {
  boost::beast::websocket::close_code code = boost::beast::websocket::close_code::none;
  std::string reason;
  std::string error;                      // set when the connection ended without a close frame
  std::vector<proto::Envelope> messages;  // received before the close
};

// A small WebSocket sync client for tests. Every operation runs the client's own
// io_context until it completes, under a timeout (a hang fails the test instead of
// blocking it). Not thread-safe.
class TestClient {
 public:
  // Connects and upgrades /sync with the token; throws std::runtime_error (with the HTTP
  // status and body) if the server declines.
  TestClient(std::uint16_t port, const std::string& token, TokenIn where = TokenIn::kAuthorizationHeader);
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  // An upgrade attempt; `token` empty sends no Authorization header at all.
  static UpgradeResult try_upgrade(std::uint16_t port, const std::string& token,
                                   TokenIn where = TokenIn::kAuthorizationHeader);

  void send(const proto::Envelope& message);
  void send_raw(std::string_view bytes, bool binary = true);
  // The next message (one stashed by request() first); throws if none arrives in time or
  // the connection closes.
  proto::Envelope receive(std::chrono::milliseconds timeout = 3s);
  // Sends a request with a fresh request id and returns the reply carrying that id; other
  // messages (live batches) are kept for receive().
  proto::Envelope request(proto::Envelope message, std::chrono::milliseconds timeout = 3s);
  // Reads until the server closes the connection.
  CloseResult wait_closed(std::chrono::milliseconds timeout = 3s);

  proto::Envelope hello(const ReplicaId& replica, std::uint64_t counter = 0, std::uint64_t checkpoint = 0,
                        const std::string& epoch = "");
  proto::Envelope pull(std::uint64_t after_seq);

 private:
  TestClient() = default;
  void connect(std::uint16_t port, const std::string& token, TokenIn where,
               boost::beast::websocket::response_type& response, boost::beast::error_code& ec);
  boost::beast::error_code read_frame(std::string& out, std::chrono::milliseconds timeout);

  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_{ioc_};
  std::deque<proto::Envelope> stash_;
  std::uint64_t next_request_ = 1;
};

// An envelope of the current protocol version.
proto::Envelope envelope();

}  // namespace fieldsync::testing
