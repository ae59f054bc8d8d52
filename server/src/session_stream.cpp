#include "session_stream.hpp"

#include <algorithm>

#include <boost/asio/ip/tcp.hpp>

namespace fieldsync::server {
namespace beast = boost::beast;

void end_connection(PlainStream& stream, std::chrono::milliseconds, std::shared_ptr<void>) {
  beast::error_code ignored;
  stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  stream.close();
}

void end_connection(TlsStream& stream, std::chrono::milliseconds timeout, std::shared_ptr<void> keep_alive) {
  constexpr std::chrono::milliseconds kCloseNotifyWait{1000};
  auto& tcp = beast::get_lowest_layer(stream);
  tcp.expires_after(std::min(timeout, kCloseNotifyWait));
  stream.async_shutdown([&tcp, keep_alive = std::move(keep_alive)](beast::error_code) {
    // A peer that closes without close_notify is common (browsers, curl): not an error here.
    tcp.close();
  });
}

}  // namespace fieldsync::server
