#include "loopback_server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>
#include <optional>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/server/sqlite_store.hpp"

namespace fieldsync::test {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;

// One connection: the HTTP upgrade (authenticated), then frames in and out through the
// SyncService, on its own strand. A bounded queue with one write in flight.
class LoopbackSession final : public server::SessionSink, public std::enable_shared_from_this<LoopbackSession> {
 public:
  LoopbackSession(tcp::socket socket, server::SyncService& service)
      : ws_(std::move(socket)), service_(&service) {}

  void run() {
    net::dispatch(ws_.get_executor(), [self = shared_from_this()] { self->read_request(); });
  }

  void deliver(proto::Envelope message) override {
    net::post(ws_.get_executor(), [self = shared_from_this(), message = std::move(message)]() mutable {
      self->enqueue(std::move(message));
    });
  }

  // Drops the connection at once, as a stopping process would.
  void shut() {
    net::post(ws_.get_executor(), [self = shared_from_this()] { beast::get_lowest_layer(self->ws_).close(); });
  }

  ~LoopbackSession() override {
    if (connection_) service_->disconnect(*connection_);
  }

 private:
  static constexpr std::size_t kQueueLimit = 256;

  void read_request() {
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(10));
    http::async_read(ws_.next_layer(), buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_request(ec); });
  }

  void on_request(beast::error_code ec) {
    if (ec) return;
    if (request_.target() != "/sync" || !websocket::is_upgrade(request_)) {
      return refuse(http::status::not_found, "no WebSocket endpoint here; use /sync");
    }
    std::string_view auth = request_[http::field::authorization];
    constexpr std::string_view kBearer = "Bearer ";
    std::string_view token = auth.substr(0, kBearer.size()) == kBearer ? auth.substr(kBearer.size()) : "";
    try {
      connection_ = service_->connect(service_->authenticate(token), weak_from_this());
    } catch (const Error& e) {
      return refuse(e.code() == ErrorCode::kUnauthenticated ? http::status::unauthorized
                                                            : http::status::too_many_requests,
                    e.what());
    }
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.read_message_max(service_->limits().max_frame_bytes);
    ws_.binary(true);
    ws_.async_accept(request_, [self = shared_from_this()](beast::error_code e) {
      if (e) return;
      self->open_ = true;
      self->read_frame();
    });
  }

  void refuse(http::status status, const std::string& reason) {
    response_.emplace(status, request_.version());
    response_->set(http::field::content_type, "text/plain");
    response_->body() = reason;
    response_->keep_alive(false);
    response_->prepare_payload();
    http::async_write(ws_.next_layer(), *response_, [self = shared_from_this()](beast::error_code, std::size_t) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  void read_frame() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_frame(ec); });
  }

  void on_frame(beast::error_code ec) {
    if (ec) return;
    const auto data = buffer_.cdata();
    server::Reply reply =
        service_->handle_frame(*connection_, std::string_view(static_cast<const char*>(data.data()), data.size()));
    buffer_.consume(buffer_.size());
    for (auto& message : reply.messages) enqueue(std::move(message));
    if (reply.close) {
      close_after_queue_ = true;
      if (!writing_) start_close();
    }
    read_frame();
  }

  void enqueue(proto::Envelope message) {
    if (!open_ || closing_) return;
    if (queue_.size() >= kQueueLimit) return beast::get_lowest_layer(ws_).close();
    queue_.push_back(message.SerializeAsString());
    if (!writing_) write_next();
  }

  void write_next() {
    writing_ = true;
    ws_.async_write(net::buffer(queue_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      self->queue_.pop_front();
      if (ec) return;
      if (!self->queue_.empty()) return self->write_next();
      if (self->close_after_queue_) self->start_close();
    });
  }

  void start_close() {
    if (closing_) return;
    closing_ = true;
    ws_.async_close(websocket::close_code::policy_error, [self = shared_from_this()](beast::error_code) {});
  }

  websocket::stream<beast::tcp_stream> ws_;
  server::SyncService* service_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  std::optional<http::response<http::string_body>> response_;
  std::optional<server::Connection> connection_;
  std::deque<std::string> queue_;
  bool open_ = false;
  bool writing_ = false;
  bool close_after_queue_ = false;
  bool closing_ = false;
};

LoopbackServer::LoopbackServer(std::filesystem::path data_dir, server::Limits limits)
    : data_dir_(std::move(data_dir)), limits_(limits) {}

LoopbackServer::~LoopbackServer() { stop(); }

void LoopbackServer::start(std::uint16_t port) {
  if (running()) return;
  // durable=false: the tests do not need fsync on every commit.
  store_ = server::open_sqlite_store(data_dir_, Schema::domain(), clock_, false);
  service_ = std::make_unique<server::SyncService>(*store_, Schema::domain(), limits_, metrics_, clock_);
  io_ = std::make_unique<net::io_context>(1);
  acceptor_ = std::make_unique<tcp::acceptor>(*io_);
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  acceptor_->open(endpoint.protocol());
  acceptor_->set_option(net::socket_base::reuse_address(true));
  acceptor_->bind(endpoint);
  acceptor_->listen();
  port_ = acceptor_->local_endpoint().port();
  accept();
  thread_ = std::thread([this] { io_->run(); });
}

void LoopbackServer::accept() {
  acceptor_->async_accept(net::make_strand(*io_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) return;  // the acceptor was closed
    auto session = std::make_shared<LoopbackSession>(std::move(socket), *service_);
    {
      std::lock_guard lock(sessions_mutex_);
      sessions_.push_back(session);
    }
    session->run();
    accept();
  });
}

void LoopbackServer::stop() {
  if (!running()) return;
  net::post(*io_, [this] {
    beast::error_code ignored;
    acceptor_->close(ignored);
    std::lock_guard lock(sessions_mutex_);
    for (auto& weak : sessions_) {
      if (auto session = weak.lock()) session->shut();
    }
    sessions_.clear();
  });
  thread_.join();  // returns once every session has ended
  acceptor_.reset();
  io_.reset();
  service_.reset();
  store_.reset();
}

std::string LoopbackServer::add_user(const std::string& name, server::Role role,
                                     std::vector<std::string> territories) {
  store_->add_user(server::UserRecord{name, role, std::move(territories)});
  constexpr std::uint64_t kDay = 24ull * 60 * 60 * 1000;
  return store_->issue_token(name, kDay, clock_.now_ms()).token;
}

}  // namespace fieldsync::test
