#include "raw_session.hpp"

#include <chrono>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "common.hpp"
#include "fieldsync/core/client_sync.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/core/uuid.hpp"

namespace fieldsync::loadgen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;

namespace {

proto::Envelope hello_envelope(const HelloFields& fields) {
  proto::Envelope message;
  message.set_protocol_version(kProtocolVersion);
  auto* hello = message.mutable_hello();
  hello->set_replica_id(fields.replica_id);
  hello->set_replica_counter(fields.counter);
  hello->set_checkpoint(fields.checkpoint);
  hello->set_client_clock_ms(wall_clock_ms());
  hello->set_client_name(fields.client_name);
  return message;
}

websocket::stream_base::decorator bearer_decorator(const std::string& token) {
  return websocket::stream_base::decorator([bearer = "Bearer " + token](websocket::request_type& request) {
    request.set(beast::http::field::authorization, bearer);
    request.set(beast::http::field::user_agent, "fieldsync-loadgen");
  });
}

// Raw sessions measure the server, not TLS: they speak ws:// only (sync_once scenarios
// take wss:// through fieldsync::client).
client::WsUrl plain_url(const std::string& url) {
  client::WsUrl target = client::parse_ws_url(url);
  if (target.tls) throw Error(ErrorCode::kInvalidArgument, "raw sessions speak ws:// only, not " + target.text());
  return target;
}

Error server_error(const proto::Error& error) {
  return Error(static_cast<ErrorCode>(error.code()), "server: " + error.message());
}

}  // namespace

struct RawSession::Impl {
  asio::io_context io;
  websocket::stream<tcp::socket> ws{io};
  beast::flat_buffer buffer;

  proto::Envelope read() {
    buffer.clear();
    beast::error_code ec;
    ws.read(buffer, ec);
    if (ec) throw Error(ErrorCode::kIo, "raw session: read: " + ec.message());
    proto::Envelope message;
    if (!message.ParseFromArray(buffer.data().data(), static_cast<int>(buffer.size()))) {
      throw Error(ErrorCode::kProtocol, "raw session: a message that does not parse");
    }
    return message;
  }

  void write(const proto::Envelope& message) { write_frame(message.SerializeAsString()); }

  void write_frame(std::string_view bytes) {
    beast::error_code ec;
    ws.write(asio::buffer(bytes.data(), bytes.size()), ec);
    if (ec) throw Error(ErrorCode::kIo, "raw session: write: " + ec.message());
  }
};

RawSession::RawSession(const std::string& url, const std::string& token, const HelloFields& hello)
    : impl_(std::make_unique<Impl>()) {
  const client::WsUrl target = plain_url(url);
  beast::error_code ec;
  tcp::resolver resolver(impl_->io);
  auto addresses = resolver.resolve(target.host, std::to_string(target.port), ec);
  if (!ec) asio::connect(impl_->ws.next_layer(), addresses, ec);
  if (ec) throw Error(ErrorCode::kIo, "raw session: cannot connect to " + target.text() + ": " + ec.message());
  impl_->ws.next_layer().set_option(tcp::no_delay(true));
  impl_->ws.set_option(bearer_decorator(token));
  impl_->ws.read_message_max(64 * 1024 * 1024);
  impl_->ws.handshake(target.host_header(), target.target, ec);
  if (ec) throw Error(ErrorCode::kIo, "raw session: upgrade refused: " + ec.message());
  impl_->ws.binary(true);
  impl_->write(hello_envelope(hello));
  proto::Envelope reply = impl_->read();
  if (reply.has_error()) throw server_error(reply.error());
  if (!reply.has_welcome()) throw Error(ErrorCode::kProtocol, "raw session: no welcome after the hello");
  welcome_ = reply.welcome();
}

RawSession::~RawSession() {
  try {
    close();
  } catch (...) {
  }
}

proto::Envelope RawSession::request(proto::Envelope message) {
  const std::uint64_t id = next_request_;
  send(std::move(message));
  for (;;) {
    proto::Envelope reply = impl_->read();
    if (reply.request_id() != id) continue;  // a live batch
    if (reply.has_error()) throw server_error(reply.error());
    return reply;
  }
}

void RawSession::send(proto::Envelope message) {
  message.set_protocol_version(kProtocolVersion);
  message.set_request_id(next_request_++);
  impl_->write(message);
}

void RawSession::send_frame(std::string_view bytes) { impl_->write_frame(bytes); }

void RawSession::close() {
  if (!impl_->ws.is_open()) return;
  beast::error_code ignored;
  impl_->ws.close(websocket::close_code::normal, ignored);
}

std::string random_replica_id() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  std::string id(16, '\0');
  for (auto& byte : id) byte = static_cast<char>(random() & 0xff);
  id[6] = static_cast<char>((id[6] & 0x0f) | 0x40);  // version 4
  id[8] = static_cast<char>((id[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return id;
}

proto::Welcome fetch_welcome(const std::string& url, const std::string& token) {
  HelloFields hello;
  hello.replica_id = random_replica_id();
  RawSession session(url, token, hello);
  return session.welcome();
}

// ---- IdlePool ---------------------------------------------------------------------------

struct IdlePool::Runner {
  std::thread thread;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
};

struct IdlePool::Connection : std::enable_shared_from_this<IdlePool::Connection> {
  IdlePool* pool;
  websocket::stream<beast::tcp_stream> ws;
  beast::flat_buffer buffer;
  std::string hello_bytes;
  bool welcomed = false;

  explicit Connection(IdlePool* owner) : pool(owner), ws(owner->io_) {}

  void start() {
    HelloFields fields;
    fields.replica_id = random_replica_id();
    hello_bytes = hello_envelope(fields).SerializeAsString();
    ws.next_layer().expires_after(std::chrono::seconds(30));
    ws.next_layer().async_connect(pool->endpoint_, [self = shared_from_this()](beast::error_code ec) {
      self->on_connect(ec);
    });
  }

  void on_connect(beast::error_code ec) {
    if (ec) return settle(false, "connect: " + ec.message());
    ws.next_layer().expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(30);
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws.set_option(timeouts);
    ws.set_option(bearer_decorator(pool->token_));
    ws.async_handshake(pool->url_.host_header(), pool->url_.target,
                       [self = shared_from_this()](beast::error_code handshake_ec) { self->on_handshake(handshake_ec); });
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return settle(false, "upgrade: " + ec.message());
    ws.binary(true);
    ws.async_write(asio::buffer(hello_bytes), [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
      if (write_ec) return self->settle(false, "hello: " + write_ec.message());
      self->read_next();
    });
  }

  void read_next() {
    buffer.clear();
    ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      if (welcomed) {
        pool->dropped_.fetch_add(1);
        return;
      }
      return settle(false, "waiting for the welcome: " + ec.message());
    }
    if (!welcomed) {
      proto::Envelope message;
      if (!message.ParseFromArray(buffer.data().data(), static_cast<int>(buffer.size()))) {
        return settle(false, "a welcome that does not parse");
      }
      if (message.has_error()) return settle(false, "server error: " + message.error().message());
      if (!message.has_welcome()) return settle(false, "not a welcome after the hello");
      welcomed = true;
      settle(true, {});
    }
    read_next();  // stay idle; Beast answers the server's pings while a read is pending
  }

  void settle(bool ok, const std::string& failure) {
    pool->on_settled(ok, failure);
  }
};

IdlePool::IdlePool(std::string url, std::string token, std::size_t max_in_flight)
    : url_(plain_url(url)), token_(std::move(token)), max_in_flight_(std::max<std::size_t>(max_in_flight, 1)) {
  tcp::resolver resolver(io_);
  auto results = resolver.resolve(url_.host, std::to_string(url_.port));
  if (results.empty()) throw Error(ErrorCode::kIo, "cannot resolve " + url_.host);
  endpoint_ = results.begin()->endpoint();
  runner_ = std::make_unique<Runner>();
  runner_->work.emplace(io_.get_executor());
  runner_->thread = std::thread([this] { io_.run(); });
}

IdlePool::~IdlePool() {
  runner_->work.reset();
  io_.stop();
  runner_->thread.join();
}

void IdlePool::open(std::size_t count) {
  asio::post(io_, [this, count] {
    to_open_ += count;
    const std::size_t in_flight = launched_ - settled();
    for (std::size_t i = in_flight; i < max_in_flight_ && launched_ < to_open_; ++i) launch_next();
  });
}

void IdlePool::launch_next() {
  ++launched_;
  std::make_shared<Connection>(this)->start();
}

void IdlePool::on_settled(bool ok, const std::string& failure) {
  if (ok) {
    welcomed_.fetch_add(1);
  } else {
    failed_.fetch_add(1);
    std::lock_guard lock(failure_mutex_);
    if (first_failure_.empty()) first_failure_ = failure;
  }
  if (launched_ < to_open_) launch_next();
}

std::string IdlePool::first_failure() const {
  std::lock_guard lock(failure_mutex_);
  return first_failure_;
}

}  // namespace fieldsync::loadgen
