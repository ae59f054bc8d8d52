#include "test_client.hpp"

#include <optional>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/error.hpp>

#include "fieldsync/core/client_sync.hpp"

namespace fieldsync::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

// Starts an asynchronous operation and runs the io_context until it completes; the
// tcp_stream's expiry (set by the caller) bounds it.
template <typename Start>
beast::error_code await(asio::io_context& ioc, Start&& start) {
  std::optional<beast::error_code> result;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  if (!result) throw std::runtime_error("the operation never completed");
  return *result;
}

asio::ip::tcp::endpoint loopback(std::uint16_t port) {
  return {asio::ip::make_address("127.0.0.1"), port};
}

}  // namespace

proto::Envelope envelope() {
  proto::Envelope message;
  message.set_protocol_version(kProtocolVersion);
  return message;
}

HttpResult http_request(std::uint16_t port, const std::string& target, const std::string& token,
                        const std::string& body) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(3s);
  if (auto ec = await(ioc, [&](auto handler) { stream.async_connect(loopback(port), handler); })) {
    throw std::runtime_error("connect: " + ec.message());
  }
  http::request<http::string_body> request{body.empty() ? http::verb::get : http::verb::post, target, 11};
  request.set(http::field::host, "127.0.0.1");
  if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
  request.body() = body;
  request.prepare_payload();
  stream.expires_after(3s);
  if (auto ec = await(ioc, [&](auto handler) { http::async_write(stream, request, handler); })) {
    throw std::runtime_error("write: " + ec.message());
  }
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  stream.expires_after(3s);
  if (auto ec = await(ioc, [&](auto handler) { http::async_read(stream, buffer, response, handler); })) {
    throw std::runtime_error("read: " + ec.message());
  }
  return {static_cast<int>(response.result_int()), response.body(), std::string(response[http::field::content_type])};
}

void TestClient::connect(std::uint16_t port, const std::string& token, TokenIn where,
                         websocket::response_type& response, beast::error_code& ec) {
  auto& tcp = beast::get_lowest_layer(ws_);
  tcp.expires_after(3s);
  ec = await(ioc_, [&](auto handler) { tcp.async_connect(loopback(port), handler); });
  if (ec) return;
  ws_.set_option(websocket::stream_base::decorator([token, where](websocket::request_type& request) {
    if (token.empty()) return;
    if (where == TokenIn::kAuthorizationHeader) {
      request.set(http::field::authorization, "Bearer " + token);
    } else {
      request.set(http::field::sec_websocket_protocol, "fieldsync.v1, fieldsync.bearer." + token);
    }
  }));
  ws_.binary(true);
  tcp.expires_after(3s);
  ec = await(ioc_, [&](auto handler) { ws_.async_handshake(response, "127.0.0.1", "/sync", handler); });
}

TestClient::TestClient(std::uint16_t port, const std::string& token, TokenIn where) {
  websocket::response_type response;
  beast::error_code ec;
  connect(port, token, where, response, ec);
  if (ec) {
    throw std::runtime_error("upgrade failed: " + ec.message() + " (HTTP " + std::to_string(response.result_int()) +
                             ": " + response.body() + ")");
  }
}

TestClient::~TestClient() {
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

UpgradeResult TestClient::try_upgrade(std::uint16_t port, const std::string& token, TokenIn where) {
  TestClient client;
  websocket::response_type response;
  beast::error_code ec;
  client.connect(port, token, where, response, ec);
  return {!ec, static_cast<int>(response.result_int()), response.body(),
          std::string(response[http::field::sec_websocket_protocol])};
}

void TestClient::send(const proto::Envelope& message) { send_raw(message.SerializeAsString(), true); }

void TestClient::send_raw(std::string_view bytes, bool binary) {
  ws_.binary(binary);
  beast::get_lowest_layer(ws_).expires_after(3s);
  auto ec = await(ioc_, [&](auto handler) { ws_.async_write(asio::buffer(bytes.data(), bytes.size()), handler); });
  ws_.binary(true);
  if (ec) throw std::runtime_error("send: " + ec.message());
}

beast::error_code TestClient::read_frame(std::string& out, std::chrono::milliseconds timeout) {
  beast::flat_buffer buffer;
  beast::get_lowest_layer(ws_).expires_after(timeout);
  auto ec = await(ioc_, [&](auto handler) { ws_.async_read(buffer, handler); });
  if (!ec) out = beast::buffers_to_string(buffer.data());
  return ec;
}

proto::Envelope TestClient::receive(std::chrono::milliseconds timeout) {
  if (!stash_.empty()) {
    proto::Envelope message = std::move(stash_.front());
    stash_.pop_front();
    return message;
  }
  std::string frame;
  if (auto ec = read_frame(frame, timeout)) {
    throw std::runtime_error("receive: " + ec.message() + " (close code " +
                             std::to_string(static_cast<unsigned>(ws_.reason().code)) + ")");
  }
  proto::Envelope message;
  if (!message.ParseFromString(frame)) throw std::runtime_error("receive: the server sent a non-Envelope frame");
  return message;
}

proto::Envelope TestClient::request(proto::Envelope message, std::chrono::milliseconds timeout) {
  const std::uint64_t id = next_request_++;
  message.set_request_id(id);
  send(message);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) throw std::runtime_error("no reply to request " + std::to_string(id));
    std::string frame;
    if (auto ec = read_frame(frame, left)) {
      throw std::runtime_error("request: " + ec.message() + " (close code " +
                               std::to_string(static_cast<unsigned>(ws_.reason().code)) + ")");
    }
    proto::Envelope reply;
    if (!reply.ParseFromString(frame)) throw std::runtime_error("request: the server sent a non-Envelope frame");
    // The welcome and some errors carry no request id; they answer this request too.
    if (reply.request_id() == id || (reply.request_id() == 0 && (reply.has_error() || reply.has_welcome()))) {
      return reply;
    }
    stash_.push_back(std::move(reply));
  }
}

CloseResult TestClient::wait_closed(std::chrono::milliseconds timeout) {
  CloseResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) throw std::runtime_error("the server did not close the connection in time");
    std::string frame;
    auto ec = read_frame(frame, left);
    if (ec == websocket::error::closed) {
      result.code = static_cast<websocket::close_code>(ws_.reason().code);
      result.reason = std::string(ws_.reason().reason.data(), ws_.reason().reason.size());
      return result;
    }
    if (ec == beast::error::timeout) throw std::runtime_error("the server did not close the connection in time");
    if (ec) {
      result.error = ec.message();
      return result;
    }
    proto::Envelope message;
    if (message.ParseFromString(frame)) result.messages.push_back(std::move(message));
  }
}

proto::Envelope TestClient::hello(const ReplicaId& replica, std::uint64_t counter, std::uint64_t checkpoint,
                                  const std::string& epoch) {
  proto::Envelope message = envelope();
  auto* hello = message.mutable_hello();
  hello->set_replica_id(std::string(replica.raw()));
  hello->set_replica_counter(counter);
  hello->set_checkpoint(checkpoint);
  hello->set_replica_epoch(epoch);
  hello->set_client_clock_ms(static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count()));
  hello->set_client_name("fieldsync integration test");
  return request(std::move(message));
}

proto::Envelope TestClient::pull(std::uint64_t after_seq) {
  proto::Envelope message = envelope();
  message.mutable_pull()->set_after_seq(after_seq);
  return request(std::move(message));
}

}  // namespace fieldsync::testing
