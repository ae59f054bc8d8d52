#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace fieldsync::client {

// Every limit and timeout of one client connection, in one place.
struct ConnectionOptions {
  // TCP connect, per attempt over all the resolved addresses. (Name resolution itself is
  // left to the system resolver's own timeout: Asio cannot abort getaddrinfo.)
  std::chrono::milliseconds connect_timeout{10'000};
  // The WebSocket upgrade, and the closing handshake at the end.
  std::chrono::milliseconds handshake_timeout{10'000};
  // Nothing received for this long means the link is dead. A WebSocket ping goes out at
  // half of it, so a quiet but healthy server always answers in time.
  std::chrono::milliseconds idle_timeout{60'000};
  // Larger messages from the server are refused (the server's own default is 8 MiB).
  std::size_t max_message_bytes = 16 * 1024 * 1024;
  // Messages waiting to be written. The protocol keeps one request in flight, so reaching
  // this means the server stopped reading: the connection is closed, not left to grow.
  std::size_t send_queue_messages = 64;
  std::string user_agent = "fieldsync-client/0.1";

  // wss://: the CA certificates (a PEM file) the server's certificate must chain to. Empty:
  // the system's trust store (OpenSSL's default verify paths). The certificate must also
  // name the URL's host (DNS name or IP address) and TLS must be 1.2 or later.
  std::string ca_file;
  // ws:// (no TLS) to a host that is not loopback. Off: such a URL is refused, because the
  // token would cross the network readable by anyone on the path. Loopback (127.0.0.0/8,
  // ::1, localhost) may always use ws://.
  bool allow_plaintext = false;
};

}  // namespace fieldsync::client
