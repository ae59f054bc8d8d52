#pragma once

// fieldsync-faultproxy as a library: a TCP proxy that sits between sync clients and the
// server and injects network faults into the byte streams it forwards. The program
// (src/main.cpp) is a thin command line over it; tests drive it in-process, change its
// faults while it runs and cut every connection at a moment of their choosing.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace fieldsync::faultproxy {

// The faults applied to each chunk of bytes read from one side before it is written to
// the other. All zero: a plain proxy. Probabilities are per chunk (one read, up to
// ProxyOptions::chunk_bytes).
struct FaultOptions {
  std::chrono::milliseconds delay{0};   // every chunk waits this long ...
  std::chrono::milliseconds jitter{0};  // ... plus a uniform [0, jitter]
  std::uint64_t drop_after_bytes = 0;   // a connection is cut once it carried this many bytes (both ways); 0: never
  double drop_probability = 0;          // a chunk cuts the connection instead of being forwarded
  bool reset = false;                   // cuts are TCP resets (SO_LINGER 0), not orderly closes
  std::size_t split_max = 0;            // chunks go out in random pieces of 1..split_max bytes; 0: whole
  double stall_probability = 0;         // a chunk stops its direction for `stall` first
  std::chrono::milliseconds stall{0};
};

struct ProxyOptions {
  std::string listen_address = "127.0.0.1";
  std::uint16_t listen_port = 0;  // 0: any free port (see FaultProxy::port())
  std::string target_host = "127.0.0.1";
  std::uint16_t target_port = 0;
  std::uint64_t seed = 1;  // every connection's fault choices derive from it
  FaultOptions faults;
  std::size_t chunk_bytes = 16 * 1024;
};

enum class CutMode { kClose, kReset };

struct ProxyStats {
  std::uint64_t connections = 0;       // accepted
  std::uint64_t upstream_failures = 0; // the target refused or was unreachable
  std::uint64_t bytes = 0;             // forwarded, both ways
  std::uint64_t cuts = 0;              // connections cut by a fault or by cut_all()
  std::uint64_t stalls = 0;
  std::uint64_t split_writes = 0;      // pieces written by split chunks
};

class Connection;

// Listens, and for each accepted client connects to the target and forwards both ways,
// applying the current FaultOptions. One Connection object per accepted pair, on its own
// strand; faults that wait (delay, stall) use timers on that strand.
//
// Threads: start() runs the io_context on `threads` threads of its own; run() on the
// caller's. Every other member may be called from any thread.
class FaultProxy {
 public:
  explicit FaultProxy(ProxyOptions options);
  ~FaultProxy();  // stops and joins
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  // Binds and listens (throws fieldsync::Error(kIo) if it cannot), then serves on
  // `threads` background threads.
  void start(unsigned threads = 1);
  // Binds and listens, then serves on the calling thread until stop().
  void run();
  // Stops accepting, cuts every connection, ends run() and joins start()'s threads.
  void stop();

  std::uint16_t port() const { return port_.load(); }
  std::uint64_t seed() const { return options_.seed; }

  // The faults for every chunk from now on, on every connection, old and new.
  void set_faults(const FaultOptions& faults);
  FaultOptions faults() const;
  // Where new connections go (a restarted server listens on a new port).
  void set_target(const std::string& host, std::uint16_t port);
  // While refusing, new connections are accepted and cut at once, like a dead server.
  void set_refusing(bool refusing);
  // Cuts every open connection now; returns how many there were.
  std::size_t cut_all(CutMode mode = CutMode::kReset);
  std::size_t open_connections() const;
  ProxyStats stats() const;

 private:
  friend class Connection;
  struct Target {
    std::string host;
    std::uint16_t port;
  };
  void listen();
  void do_accept();
  Target target() const;
  bool refusing() const { return refusing_.load(); }
  void forget_expired();

  ProxyOptions options_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<std::uint16_t> port_{0};
  std::atomic<bool> refusing_{false};
  std::atomic<bool> stopped_{false};
  std::uint64_t next_connection_ = 0;  // on the acceptor's handler only
  mutable std::mutex mutex_;           // guards faults_, target_, connections_
  FaultOptions faults_;
  Target target_;
  std::vector<std::weak_ptr<Connection>> connections_;
  std::vector<std::thread> threads_;

 public:
  // Counters, updated by the connections.
  struct Counters {
    std::atomic<std::uint64_t> connections{0}, upstream_failures{0}, bytes{0}, cuts{0}, stalls{0}, split_writes{0};
  };

 private:
  Counters counters_;
};

// "host:port" or "[v6]:port" -> (host, port); throws fieldsync::Error(kInvalidArgument).
std::pair<std::string, std::uint16_t> parse_endpoint(const std::string& text);

}  // namespace fieldsync::faultproxy
