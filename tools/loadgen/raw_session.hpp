#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "fieldsync/client/ws_url.hpp"
#include "fieldsync/core/record_state.hpp"
#include "fieldsync/sync.pb.h"

namespace fieldsync::loadgen {

// The hello a raw connection sends: a replica the server may not know yet.
struct HelloFields {
  std::string replica_id;  // 16 raw bytes
  std::uint64_t counter = 0;
  std::uint64_t checkpoint = 0;
  std::string client_name = "fieldsync-loadgen";
};

// A blocking WebSocket session speaking the protocol by hand, without a Replica: for
// setting up a server (bulk pushes) and reading its welcome. One request at a time.
// Throws Error on any failure.
class RawSession {
 public:
  RawSession(const std::string& url, const std::string& token, const HelloFields& hello);
  ~RawSession();
  RawSession(const RawSession&) = delete;
  RawSession& operator=(const RawSession&) = delete;

  const proto::Welcome& welcome() const { return welcome_; }
  // Sends `message` with the next request id and returns the reply to it (live batches,
  // which carry request id 0, are skipped). A server error reply throws.
  proto::Envelope request(proto::Envelope message);
  // Sends without waiting for a reply (replies pile up unread): a misbehaving client.
  void send(proto::Envelope message);
  // Sends `bytes` as one binary frame, whatever they hold.
  void send_frame(std::string_view bytes);
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  proto::Welcome welcome_;
  std::uint64_t next_request_ = 1;
};

// 16 random bytes, a version 4 UUID: a replica the server has never seen.
std::string random_replica_id();

// The welcome the server sends to `token` (its scope and limits).
proto::Welcome fetch_welcome(const std::string& url, const std::string& token);

// Many idle connections on one io_context: each upgrades, says hello with a fresh random
// replica id, reads the welcome, then keeps a read pending (so Beast answers the server's
// pings) until the pool is destroyed. At most `max_in_flight` attempts run at once.
// Threads: open() and the destructor from one thread; the io_context runs on a thread
// of the pool's own; the counters may be read from anywhere.
class IdlePool {
 public:
  IdlePool(std::string url, std::string token, std::size_t max_in_flight);
  ~IdlePool();  // closes every connection
  IdlePool(const IdlePool&) = delete;
  IdlePool& operator=(const IdlePool&) = delete;

  // Starts opening `count` connections; returns at once.
  void open(std::size_t count);
  std::size_t welcomed() const { return welcomed_.load(); }
  std::size_t failed() const { return failed_.load(); }
  std::size_t settled() const { return welcomed() + failed(); }
  std::size_t dropped() const { return dropped_.load(); }  // welcomed, then closed by the server
  std::string first_failure() const;

  struct Connection;

 private:
  friend struct Connection;
  void launch_next();
  void on_settled(bool welcomed, const std::string& failure);

  client::WsUrl url_;
  std::string token_;
  std::size_t max_in_flight_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::endpoint endpoint_;
  std::size_t to_open_ = 0;   // on the io thread
  std::size_t launched_ = 0;  // on the io thread
  std::atomic<std::size_t> welcomed_{0};
  std::atomic<std::size_t> failed_{0};
  std::atomic<std::size_t> dropped_{0};
  mutable std::mutex failure_mutex_;
  std::string first_failure_;
  struct Runner;
  std::unique_ptr<Runner> runner_;
};

}  // namespace fieldsync::loadgen
