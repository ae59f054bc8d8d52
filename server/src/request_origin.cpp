#include "request_origin.hpp"

#include <algorithm>
#include <string_view>

#include "enrolment_guard.hpp"

namespace fieldsync::server {
namespace {

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace

bool RequestOrigin::forwarded() const { return client != address_of(endpoint); }

RequestOrigin origin_of(const std::string& endpoint,
                        const boost::beast::http::request<boost::beast::http::string_body>& request,
                        std::span<const boost::asio::ip::address> trusted) {
  RequestOrigin origin{endpoint, address_of(endpoint)};
  boost::system::error_code ec;
  const auto peer = boost::asio::ip::make_address(origin.client, ec);
  if (ec || std::find(trusted.begin(), trusted.end(), peer) == trusted.end()) return origin;
  const auto header = request.find("X-Forwarded-For");
  if (header == request.end()) return origin;
  const std::string_view list = header->value();
  const auto comma = list.rfind(',');
  const std::string_view last = trimmed(comma == std::string_view::npos ? list : list.substr(comma + 1));
  const auto client = boost::asio::ip::make_address(std::string(last), ec);
  if (!ec) origin.client = client.to_string();
  return origin;
}

}  // namespace fieldsync::server
