#include "fieldsync/faultproxy/fault_proxy.hpp"

#include <algorithm>
#include <array>
#include <random>

#include <boost/asio/connect.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "fieldsync/core/error.hpp"

namespace fieldsync::faultproxy {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

// SplitMix64: turns (seed, connection, direction) into well-spread generator seeds.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

// One accepted client and its upstream connection, forwarding both ways. Everything runs
// on the strand both sockets were made with; the proxy reaches it only by posting there.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(FaultProxy& proxy, tcp::socket client, std::uint64_t index)
      : proxy_(proxy),
        index_(index),
        client_(std::move(client)),
        upstream_(client_.get_executor()),
        resolver_(client_.get_executor()),
        up_{&client_, &upstream_, "up", {}, 0, 0, false, false, std::mt19937_64(mix(proxy.seed() ^ mix(2 * index))),
            asio::steady_timer(client_.get_executor())},
        down_{&upstream_, &client_, "down", {}, 0, 0, false, false,
              std::mt19937_64(mix(proxy.seed() ^ mix(2 * index + 1))), asio::steady_timer(client_.get_executor())} {
    up_.buffer.resize(proxy.options_.chunk_bytes);
    down_.buffer.resize(proxy.options_.chunk_bytes);
  }

  void start() {
    asio::dispatch(client_.get_executor(), [self = shared_from_this()] { self->connect_upstream(); });
  }

  // Cuts both sides now (from any thread).
  void cut(CutMode mode) {
    asio::post(client_.get_executor(), [self = shared_from_this(), mode] { self->do_cut(mode, "cut_all"); });
  }

 private:
  struct Direction {
    tcp::socket* from;
    tcp::socket* to;
    const char* name;
    std::vector<char> buffer;
    std::size_t size;    // bytes of the current chunk
    std::size_t offset;  // of them, already written
    bool cut_after;      // the byte budget ends with this chunk
    bool done;           // the reading side ended
    std::mt19937_64 random;
    asio::steady_timer timer;
  };

  void connect_upstream() {
    if (proxy_.refusing()) {
      do_cut(CutMode::kReset, "refusing");
      return;
    }
    const auto target = proxy_.target();
    resolver_.async_resolve(target.host, std::to_string(target.port),
                            [self = shared_from_this()](error_code ec, tcp::resolver::results_type results) {
                              if (ec) return self->upstream_failed(ec);
                              asio::async_connect(self->upstream_, results,
                                                  [self](error_code ec2, const tcp::endpoint&) {
                                                    if (ec2) return self->upstream_failed(ec2);
                                                    self->on_connected();
                                                  });
                            });
  }

  void upstream_failed(error_code ec) {
    ++proxy_.counters_.upstream_failures;
    spdlog::debug("event=upstream_failed connection={} error=\"{}\"", index_, ec.message());
    // The client sees what it would see from a dead server: the connection goes away.
    do_cut(CutMode::kReset, "upstream_failed");
  }

  void on_connected() {
    if (closed_) return;
    error_code ignored;
    client_.set_option(tcp::no_delay(true), ignored);
    upstream_.set_option(tcp::no_delay(true), ignored);
    spdlog::debug("event=connection_open connection={}", index_);
    read(up_);
    read(down_);
  }

  void read(Direction& d) {
    if (closed_) return;
    d.from->async_read_some(asio::buffer(d.buffer), [self = shared_from_this(), &d](error_code ec, std::size_t n) {
      self->on_read(d, ec, n);
    });
  }

  void on_read(Direction& d, error_code ec, std::size_t n) {
    if (closed_) return;
    if (ec) {
      if (ec == asio::error::eof) {
        // Pass the half-close on; the other direction may still carry bytes.
        d.done = true;
        error_code ignored;
        d.to->shutdown(tcp::socket::shutdown_send, ignored);
        if (up_.done && down_.done) do_close("eof");
      } else {
        do_cut(ec == asio::error::connection_reset ? CutMode::kReset : CutMode::kClose, "read_error");
      }
      return;
    }
    const FaultOptions faults = proxy_.faults();
    if (faults.drop_probability > 0 && std::bernoulli_distribution(faults.drop_probability)(d.random)) {
      do_cut(faults.reset ? CutMode::kReset : CutMode::kClose, "drop");
      return;
    }
    d.size = n;
    d.offset = 0;
    d.cut_after = false;
    if (faults.drop_after_bytes) {
      const std::uint64_t left = faults.drop_after_bytes > carried_ ? faults.drop_after_bytes - carried_ : 0;
      if (left <= n) {
        d.size = static_cast<std::size_t>(left);
        d.cut_after = true;
      }
    }
    auto wait = faults.delay;
    if (faults.jitter.count() > 0) {
      wait += std::chrono::milliseconds(
          std::uniform_int_distribution<std::int64_t>(0, faults.jitter.count())(d.random));
    }
    if (faults.stall_probability > 0 && std::bernoulli_distribution(faults.stall_probability)(d.random)) {
      ++proxy_.counters_.stalls;
      spdlog::debug("event=stall connection={} direction={} ms={}", index_, d.name, faults.stall.count());
      wait += faults.stall;
    }
    const std::size_t split_max = faults.split_max;
    if (wait.count() <= 0) {
      write(d, split_max);
      return;
    }
    d.timer.expires_after(wait);
    d.timer.async_wait([self = shared_from_this(), &d, split_max](error_code timer_ec) {
      if (timer_ec || self->closed_) return;
      self->write(d, split_max);
    });
  }

  void write(Direction& d, std::size_t split_max) {
    if (closed_) return;
    if (d.offset == d.size) {
      if (d.cut_after) {
        do_cut(proxy_.faults().reset ? CutMode::kReset : CutMode::kClose, "byte_budget");
      } else {
        read(d);
      }
      return;
    }
    std::size_t piece = d.size - d.offset;
    if (split_max > 0 && piece > 1) {
      piece = std::uniform_int_distribution<std::size_t>(1, std::min(split_max, piece))(d.random);
      ++proxy_.counters_.split_writes;
    }
    asio::async_write(*d.to, asio::buffer(d.buffer.data() + d.offset, piece),
                      [self = shared_from_this(), &d, split_max](error_code ec, std::size_t written) {
                        if (self->closed_) return;
                        if (ec) {
                          self->do_cut(ec == asio::error::connection_reset ? CutMode::kReset : CutMode::kClose,
                                       "write_error");
                          return;
                        }
                        d.offset += written;
                        self->carried_ += written;
                        self->proxy_.counters_.bytes += written;
                        self->write(d, split_max);
                      });
  }

  void do_cut(CutMode mode, const char* why) {
    if (closed_) return;
    ++proxy_.counters_.cuts;
    spdlog::debug("event=connection_cut connection={} mode={} why={} bytes={}", index_,
                  mode == CutMode::kReset ? "reset" : "close", why, carried_);
    if (mode == CutMode::kReset) {
      error_code ignored;
      client_.set_option(asio::socket_base::linger(true, 0), ignored);
      if (upstream_.is_open()) upstream_.set_option(asio::socket_base::linger(true, 0), ignored);
    }
    close_all();
  }

  void do_close(const char* why) {
    if (closed_) return;
    spdlog::debug("event=connection_closed connection={} why={} bytes={}", index_, why, carried_);
    close_all();
  }

  void close_all() {
    closed_ = true;
    error_code ignored;
    resolver_.cancel();
    up_.timer.cancel();
    down_.timer.cancel();
    client_.close(ignored);
    upstream_.close(ignored);
  }

  FaultProxy& proxy_;
  std::uint64_t index_;
  tcp::socket client_;
  tcp::socket upstream_;
  tcp::resolver resolver_;
  Direction up_;    // client -> server
  Direction down_;  // server -> client
  std::uint64_t carried_ = 0;  // bytes forwarded, both ways
  bool closed_ = false;
};

FaultProxy::FaultProxy(ProxyOptions options)
    : options_(std::move(options)),
      acceptor_(io_),
      faults_(options_.faults),
      target_{options_.target_host, options_.target_port} {
  if (options_.chunk_bytes == 0) throw Error(ErrorCode::kInvalidArgument, "chunk_bytes must be at least 1");
}

FaultProxy::~FaultProxy() { stop(); }

void FaultProxy::listen() {
  error_code ec;
  const auto address = asio::ip::make_address(options_.listen_address, ec);
  if (ec) throw Error(ErrorCode::kInvalidArgument, "bad listen address '" + options_.listen_address + "'");
  const tcp::endpoint endpoint(address, options_.listen_port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw Error(ErrorCode::kIo, "cannot listen on " + options_.listen_address + ":" +
                                    std::to_string(options_.listen_port) + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint().port();
  spdlog::info("event=proxy_listening address={} port={} target={}:{} seed={}", options_.listen_address, port_.load(),
               target().host, target().port, options_.seed);
  do_accept();
}

void FaultProxy::do_accept() {
  acceptor_.async_accept(asio::make_strand(io_), [this](error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || stopped_) return;
      spdlog::warn("event=accept_failed error=\"{}\"", ec.message());
    } else {
      ++counters_.connections;
      auto connection = std::make_shared<Connection>(*this, std::move(socket), next_connection_++);
      {
        std::lock_guard lock(mutex_);
        forget_expired();
        connections_.push_back(connection);
      }
      connection->start();
    }
    do_accept();
  });
}

void FaultProxy::start(unsigned threads) {
  listen();
  for (unsigned i = 0; i < std::max(1u, threads); ++i) threads_.emplace_back([this] { io_.run(); });
}

void FaultProxy::run() {
  listen();
  io_.run();
}

void FaultProxy::stop() {
  if (!stopped_.exchange(true)) {
    asio::post(io_, [this] {
      error_code ignored;
      acceptor_.close(ignored);
    });
    cut_all(CutMode::kClose);
    // Let the posted closes run, then end the loop.
    asio::post(io_, [this] { io_.stop(); });
  }
  for (auto& t : threads_) {
    if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
  }
  threads_.clear();
}

void FaultProxy::set_faults(const FaultOptions& faults) {
  std::lock_guard lock(mutex_);
  faults_ = faults;
}

FaultOptions FaultProxy::faults() const {
  std::lock_guard lock(mutex_);
  return faults_;
}

void FaultProxy::set_target(const std::string& host, std::uint16_t port) {
  std::lock_guard lock(mutex_);
  target_ = {host, port};
}

FaultProxy::Target FaultProxy::target() const {
  std::lock_guard lock(mutex_);
  return target_;
}

void FaultProxy::set_refusing(bool refusing) { refusing_ = refusing; }

void FaultProxy::forget_expired() {
  connections_.erase(std::remove_if(connections_.begin(), connections_.end(),
                                    [](const std::weak_ptr<Connection>& c) { return c.expired(); }),
                     connections_.end());
}

std::size_t FaultProxy::cut_all(CutMode mode) {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mutex_);
    forget_expired();
    for (const auto& weak : connections_) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
  }
  for (const auto& c : live) c->cut(mode);
  return live.size();
}

std::size_t FaultProxy::open_connections() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(connections_.begin(), connections_.end(),
                                                [](const std::weak_ptr<Connection>& c) { return !c.expired(); }));
}

ProxyStats FaultProxy::stats() const {
  return ProxyStats{counters_.connections.load(), counters_.upstream_failures.load(), counters_.bytes.load(),
                    counters_.cuts.load(),        counters_.stalls.load(),            counters_.split_writes.load()};
}

std::pair<std::string, std::uint16_t> parse_endpoint(const std::string& text) {
  std::string host;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find("]:");
    if (close == std::string::npos) throw Error(ErrorCode::kInvalidArgument, "expected [v6-address]:port, not '" + text + "'");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) throw Error(ErrorCode::kInvalidArgument, "expected host:port, not '" + text + "'");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  unsigned long value = 0;
  try {
    std::size_t used = 0;
    value = std::stoul(port, &used);
    if (used != port.size()) throw std::invalid_argument(port);
  } catch (const std::exception&) {
    throw Error(ErrorCode::kInvalidArgument, "bad port in '" + text + "'");
  }
  if (value > 65535) throw Error(ErrorCode::kInvalidArgument, "bad port in '" + text + "'");
  return {host, static_cast<std::uint16_t>(value)};
}

}  // namespace fieldsync::faultproxy
