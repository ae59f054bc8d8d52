#include "client_stream.hpp"

#include "fieldsync/client/tls.hpp"

namespace fieldsync::client {

namespace beast = boost::beast;

ClientStream::ClientStream(const Strand& strand, const WsUrl& url, const ConnectionOptions& options)
    : url_(url), ca_file_(options.ca_file) {
  if (!url.tls) {
    plain_.emplace(strand);
    return;
  }
  context_ = make_client_tls_context(options);
  tls_.emplace(strand, *context_);
  expect_server_host(tls_->next_layer().native_handle(), url_.host);
}

beast::tcp_stream& ClientStream::tcp() { return tls_ ? beast::get_lowest_layer(*tls_) : beast::get_lowest_layer(*plain_); }

Error ClientStream::tls_failure(const beast::error_code& ec) {
  return tls_handshake_error(tls_->next_layer().native_handle(), ec, url_, ca_file_);
}

}  // namespace fieldsync::client
