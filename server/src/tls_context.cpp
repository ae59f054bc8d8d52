#include "tls_context.hpp"

#include <fstream>
#include <string>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "fieldsync/core/error.hpp"

namespace fieldsync::server {
namespace ssl = boost::asio::ssl;

namespace {

// OpenSSL's reason for the last failure ("no start line", "key values mismatch"), which
// says more than the error_code Asio makes of it.
std::string openssl_reason(const boost::system::error_code& ec) {
  std::string reason = ec.message();
  if (const unsigned long code = ERR_peek_last_error(); code != 0) {
    if (const char* text = ERR_reason_error_string(code)) reason = text;
  }
  ERR_clear_error();
  return reason;
}

// A missing or unreadable file is the common mistake: say so plainly, before OpenSSL
// reports it as a parse failure.
void require_readable(const std::filesystem::path& file, const char* what) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorCode::kIo, std::string("cannot read the TLS ") + what + " file " + file.string());
}

}  // namespace

std::unique_ptr<ssl::context> make_tls_context(const ServerConfig& config) {
  if (!config.tls_enabled()) return nullptr;
  const std::string cert = config.tls_cert_file.string();
  const std::string key = config.tls_key_file.string();
  require_readable(config.tls_cert_file, "certificate");
  require_readable(config.tls_key_file, "private key");

  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  // TLS 1.0 and 1.1 are deprecated (RFC 8996); every client FieldSync supports speaks 1.2.
  if (SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION) != 1) {
    throw Error(ErrorCode::kInternal, "OpenSSL refused to set TLS 1.2 as the minimum version");
  }
  context->set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                       ssl::context::single_dh_use);

  // An encrypted key would make OpenSSL ask for its passphrase on the terminal, hanging a
  // server started by systemd: answer with no passphrase, so that loading fails instead.
  context->set_password_callback([](std::size_t, ssl::context::password_purpose) { return std::string(); });

  ERR_clear_error();
  boost::system::error_code ec;
  context->use_certificate_chain_file(cert, ec);
  if (ec) {
    throw Error(ErrorCode::kInvalidArgument,
                "the TLS certificate file " + cert + " is not a PEM certificate chain: " + openssl_reason(ec));
  }
  context->use_private_key_file(key, ssl::context::pem, ec);
  if (ec) {
    const std::string reason = openssl_reason(ec);
    if (reason.find("mismatch") != std::string::npos) {
      throw Error(ErrorCode::kInvalidArgument,
                  "the TLS private key " + key + " does not belong to the certificate " + cert + " (" + reason + ")");
    }
    throw Error(ErrorCode::kInvalidArgument,
                "the TLS private key file " + key + " is not an unencrypted PEM private key: " + reason);
  }
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    ERR_clear_error();
    throw Error(ErrorCode::kInvalidArgument,
                "the TLS private key " + key + " does not belong to the certificate " + cert);
  }
  return context;
}

}  // namespace fieldsync::server
