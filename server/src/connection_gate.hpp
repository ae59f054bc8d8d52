#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>

#include <boost/asio/ip/address.hpp>

namespace fieldsync::server {

class ConnectionGate;

// One admitted TCP connection's place in the ConnectionGate, given back when the slot is
// destroyed. Move-only; it travels with the connection from the listener through the TLS
// handshake and the HTTP session into the WebSocket session.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  ConnectionSlot(std::shared_ptr<ConnectionGate> gate, boost::asio::ip::address address);
  ConnectionSlot(ConnectionSlot&& other) noexcept = default;
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept;
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot();

 private:
  void release();

  std::shared_ptr<ConnectionGate> gate_;  // empty: released, or moved from
  boost::asio::ip::address address_;
};

// Caps open TCP connections of every kind, in all and per remote address, so that a flood
// of idle sockets can neither exhaust the process's descriptors (a server out of them
// cannot even answer /healthz) nor, from one address, crowd out everyone else. A refused
// connection is closed at once by the caller. Thread-safe.
class ConnectionGate : public std::enable_shared_from_this<ConnectionGate> {
 public:
  enum class Verdict { kAdmitted, kOverTotal, kOverPerAddress };

  ConnectionGate(std::size_t max_total, std::size_t max_per_address);

  // A slot for a connection from `address` (admitted), or an empty one and why not.
  Verdict admit(const boost::asio::ip::address& address, ConnectionSlot& slot);
  std::size_t open() const;

 private:
  friend class ConnectionSlot;
  void release(const boost::asio::ip::address& address);

  const std::size_t max_total_;
  const std::size_t max_per_address_;
  mutable std::mutex mutex_;
  std::size_t total_ = 0;
  std::map<boost::asio::ip::address, std::size_t> per_address_;
};

}  // namespace fieldsync::server
