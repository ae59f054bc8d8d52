#include "client_tls.hpp"

#include <fstream>
#include <string>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "fieldsync/core/error.hpp"

namespace fieldsync::client {
namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context> make_client_tls_context(const ConnectionOptions& options) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  // TLS 1.0 and 1.1 are deprecated (RFC 8996); the server refuses them too.
  if (SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION) != 1) {
    throw Error(ErrorCode::kInternal, "OpenSSL refused to set TLS 1.2 as the minimum version");
  }
  context->set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (options.ca_file.empty()) {
    context->set_default_verify_paths(ec);
    if (ec) throw Error(ErrorCode::kIo, "cannot load the system's trusted CA certificates: " + ec.message());
    return context;
  }
  // Say plainly when the file is missing; OpenSSL would report a parse failure.
  if (!std::ifstream(options.ca_file, std::ios::binary)) {
    throw Error(ErrorCode::kIo, "cannot read the CA file " + options.ca_file);
  }
  ERR_clear_error();
  context->load_verify_file(options.ca_file, ec);
  if (ec) {
    ERR_clear_error();
    throw Error(ErrorCode::kInvalidArgument,
                "the CA file " + options.ca_file + " holds no PEM certificate (" + ec.message() + ")");
  }
  return context;
}

}  // namespace fieldsync::client
