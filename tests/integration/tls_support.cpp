#include "tls_support.hpp"

#include <openssl/ssl.h>

#include <cctype>
#include <future>
#include <stdexcept>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace fieldsync::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr auto kStepLimit = std::chrono::seconds(5);

// An io_context running on a thread of its own while the helper waits on futures.
class IoThread {
 public:
  IoThread() : work_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~IoThread() {
    work_.reset();
    io_.stop();
    thread_.join();
  }
  asio::io_context& io() { return io_; }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
};

template <class T>
T await(std::future<T> future, const char* step) {
  if (future.wait_for(kStepLimit) != std::future_status::ready) {
    throw std::runtime_error(std::string(step) + ": no result within 5 s");
  }
  try {
    return future.get();
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(std::string(step) + ": " + e.code().message());
  }
}

tcp::endpoint loopback(std::uint16_t port) { return {asio::ip::make_address("127.0.0.1"), port}; }

}  // namespace

HttpsResult https_get(std::uint16_t port, const std::string& target, const std::filesystem::path& ca_file,
                      const std::string& host) {
  return https_request(port, "GET", target, ca_file, "", host);
}

HttpsResult https_request(std::uint16_t port, const std::string& method, const std::string& target,
                          const std::filesystem::path& ca_file, const std::string& body, const std::string& host,
                          const std::map<std::string, std::string>& headers) {
  IoThread thread;
  ssl::context context(ssl::context::tls_client);
  context.load_verify_file(ca_file.string());
  context.set_verify_mode(ssl::verify_peer);
  // A second implementation of the host check (the client library uses OpenSSL's own).
  context.set_verify_callback(ssl::host_name_verification(host));
  beast::ssl_stream<beast::tcp_stream> stream(thread.io(), context);
  boost::system::error_code not_ip;
  asio::ip::make_address(host, not_ip);
  if (not_ip) {  // SNI; SSL_set_tlsext_host_name() without the macro's C cast
    SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(host.c_str()));
  }

  await(beast::get_lowest_layer(stream).async_connect(loopback(port), asio::use_future), "connect");
  await(stream.async_handshake(ssl::stream_base::client, asio::use_future), "TLS handshake");
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, host);
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = body;
  }
  request.prepare_payload();
  await(http::async_write(stream, request, asio::use_future), "write");
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  await(http::async_read(stream, buffer, response, asio::use_future), "read");
  HttpsResult result{static_cast<int>(response.result_int()), response.body()};
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result.headers[name] = std::string(field.value());
  }
  return result;
}

std::optional<std::string> send_and_wait_for_close(std::uint16_t port, const std::string& bytes,
                                                   std::chrono::milliseconds limit) {
  IoThread thread;
  tcp::socket socket(thread.io());
  await(socket.async_connect(loopback(port), asio::use_future), "connect");
  if (!bytes.empty()) await(asio::async_write(socket, asio::buffer(bytes), asio::use_future), "write");
  std::string received;
  // Reads until the server closes: the read then ends with an error (end of file or reset).
  auto closed = asio::async_read(socket, asio::dynamic_buffer(received), asio::use_future);
  const bool in_time = closed.wait_for(limit) == std::future_status::ready;
  if (!in_time) asio::post(thread.io(), [&socket] { socket.close(); });
  try {
    closed.get();
  } catch (const boost::system::system_error&) {
    // expected: the connection ended
  }
  if (!in_time) return std::nullopt;
  return received;
}

}  // namespace fieldsync::testing
