#pragma once

// Network helpers of the TLS tests that the sync client does not cover: an HTTPS GET with
// a chosen CA, and a raw TCP connection that sends some bytes and waits for the server to
// close it. Each runs its own io_context on a thread and waits with a deadline, so that a
// server that hangs fails the test instead of blocking it.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace fieldsync::testing {

struct HttpsResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers{};  // by lower-case name
};

// GET `target` over TLS from 127.0.0.1:port, verifying the server's certificate against
// `ca_file` and `host` (also sent as SNI when it is a name). Throws std::runtime_error
// (saying which step failed) on any failure, including a refused certificate.
HttpsResult https_get(std::uint16_t port, const std::string& target, const std::filesystem::path& ca_file,
                      const std::string& host = "127.0.0.1");

// The same with another method and a body (sent as application/json when not empty), and
// more header fields.
HttpsResult https_request(std::uint16_t port, const std::string& method, const std::string& target,
                          const std::filesystem::path& ca_file, const std::string& body,
                          const std::string& host = "127.0.0.1",
                          const std::map<std::string, std::string>& headers = {});

// Connects to 127.0.0.1:port over plain TCP, sends `bytes` (if any), and reads until the
// server closes the connection. Returns what was received, or nullopt if the connection
// was still open after `limit`.
std::optional<std::string> send_and_wait_for_close(std::uint16_t port, const std::string& bytes,
                                                   std::chrono::milliseconds limit);

}  // namespace fieldsync::testing
