// fieldsync-faultproxy itself, in-process in front of a small TCP echo server: bytes go
// through intact and in order whatever the delays and splits; a byte budget, a cut and a
// refusing proxy end connections the way they say (orderly close or TCP reset).

#include <atomic>
#include <random>
#include <string>
#include <chrono>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "fieldsync/core/error.hpp"
#include "fieldsync/faultproxy/fault_proxy.hpp"

namespace fieldsync::faultproxy {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// Echoes every byte back on each connection, one thread per connection.
class EchoServer {
 public:
  EchoServer() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    thread_ = std::thread([this] {
      for (;;) {
        boost::system::error_code ec;
        tcp::socket socket(io_);
        acceptor_.accept(socket, ec);
        if (ec || stop_) return;
        workers_.emplace_back([s = std::move(socket)]() mutable {
          std::array<char, 4096> buffer{};
          boost::system::error_code e;
          for (;;) {
            const std::size_t n = s.read_some(asio::buffer(buffer), e);
            if (e) return;
            asio::write(s, asio::buffer(buffer.data(), n), e);
            if (e) return;
          }
        });
      }
    });
  }
  ~EchoServer() {
    stop_ = true;
    {
      boost::system::error_code ignored;
      tcp::socket poke(io_);
      poke.connect(acceptor_.local_endpoint(), ignored);
    }
    thread_.join();
    for (auto& w : workers_) w.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<std::thread> workers_;
};

ProxyOptions options_for(const EchoServer& echo, std::uint64_t seed) {
  ProxyOptions options;
  options.target_port = echo.port();
  options.seed = seed;
  options.chunk_bytes = 1024;
  return options;
}

tcp::socket connect_to(asio::io_context& io, std::uint16_t port) {
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  return socket;
}

// Reads until the connection ends; returns the bytes and the error that ended it.
std::pair<std::string, boost::system::error_code> read_to_end(tcp::socket& socket) {
  std::string out;
  std::array<char, 4096> buffer{};
  boost::system::error_code ec;
  for (;;) {
    const std::size_t n = socket.read_some(asio::buffer(buffer), ec);
    if (ec) return {out, ec};
    out.append(buffer.data(), n);
  }
}

TEST(FaultProxyTest, ForwardsEveryByteInOrderThroughDelaysSplitsAndStalls) {
  spdlog::set_level(spdlog::level::warn);
  EchoServer echo;
  ProxyOptions options = options_for(echo, 7);
  options.faults.delay = 1ms;
  options.faults.jitter = 2ms;
  options.faults.split_max = 13;
  options.faults.stall_probability = 0.05;
  options.faults.stall = 20ms;
  FaultProxy proxy(options);
  proxy.start(2);
  asio::io_context io;
  tcp::socket socket = connect_to(io, proxy.port());
  std::mt19937_64 random(1);
  std::string sent(64 * 1024, '\0');
  for (auto& c : sent) c = static_cast<char>(random());
  std::thread writer([&] { asio::write(socket, asio::buffer(sent)); });
  std::string received(sent.size(), '\0');
  asio::read(socket, asio::buffer(received));
  writer.join();
  EXPECT_EQ(received, sent);
  // The proxy counts a write when its completion handler runs, which may be just after
  // the peer has read the bytes (seen under ThreadSanitizer's slowdown).
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (proxy.stats().bytes < 2 * sent.size() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  const ProxyStats stats = proxy.stats();
  EXPECT_EQ(stats.connections, 1u);
  EXPECT_EQ(stats.bytes, 2 * sent.size());
  EXPECT_GT(stats.split_writes, 2 * sent.size() / 1024) << "chunks were not split";
  EXPECT_GT(stats.stalls, 0u);
}

TEST(FaultProxyTest, ByteBudgetCutsTheConnectionAfterExactlyThatManyBytes) {
  EchoServer echo;
  ProxyOptions options = options_for(echo, 8);
  options.faults.drop_after_bytes = 1000;  // both ways: 500 out and 500 back at most
  FaultProxy proxy(options);
  proxy.start();
  asio::io_context io;
  tcp::socket socket = connect_to(io, proxy.port());
  // Send in small steps and wait for each echo, so that the budget is reached mid-stream.
  std::string received;
  boost::system::error_code ec;
  std::array<char, 100> piece{};
  piece.fill('x');
  while (!ec) {
    asio::write(socket, asio::buffer(piece), ec);
    if (ec) break;
    std::array<char, 100> back{};
    const std::size_t n = asio::read(socket, asio::buffer(back), ec);
    received.append(back.data(), n);
  }
  EXPECT_EQ(received.size(), 500u);
  EXPECT_EQ(proxy.stats().bytes, 1000u);
  EXPECT_EQ(proxy.stats().cuts, 1u);
}

TEST(FaultProxyTest, CutAllResetsOpenConnectionsAndRefusingTurnsNewOnesAway) {
  EchoServer echo;
  FaultProxy proxy(options_for(echo, 9));
  proxy.start();
  asio::io_context io;
  tcp::socket a = connect_to(io, proxy.port());
  tcp::socket b = connect_to(io, proxy.port());
  for (auto* s : {&a, &b}) {  // both pairs are up: an echo came back through each
    asio::write(*s, asio::buffer(std::string("ping")));
    std::array<char, 4> back{};
    asio::read(*s, asio::buffer(back));
  }
  EXPECT_EQ(proxy.cut_all(CutMode::kReset), 2u);
  EXPECT_EQ(read_to_end(a).second, asio::error::connection_reset);
  EXPECT_EQ(read_to_end(b).second, asio::error::connection_reset);

  proxy.set_refusing(true);
  tcp::socket c = connect_to(io, proxy.port());
  EXPECT_EQ(read_to_end(c).second, asio::error::connection_reset);
  proxy.set_refusing(false);

  FaultOptions orderly;
  orderly.drop_probability = 1.0;  // the first chunk ends the connection, without a reset
  proxy.set_faults(orderly);
  tcp::socket d = connect_to(io, proxy.port());
  asio::write(d, asio::buffer(std::string("ping")));
  auto [bytes, ec] = read_to_end(d);
  EXPECT_EQ(bytes, "");
  EXPECT_EQ(ec, asio::error::eof);
}

TEST(FaultProxyTest, ParsesEndpoints) {
  EXPECT_EQ(parse_endpoint("127.0.0.1:8787"), std::make_pair(std::string("127.0.0.1"), std::uint16_t{8787}));
  EXPECT_EQ(parse_endpoint("[::1]:0"), std::make_pair(std::string("::1"), std::uint16_t{0}));
  EXPECT_THROW(parse_endpoint("localhost"), fieldsync::Error);
  EXPECT_THROW(parse_endpoint("localhost:99999"), fieldsync::Error);
  EXPECT_THROW(parse_endpoint("localhost:80x"), fieldsync::Error);
}

}  // namespace
}  // namespace fieldsync::faultproxy
