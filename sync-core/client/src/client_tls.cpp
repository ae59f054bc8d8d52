#include "fieldsync/client/tls.hpp"

#include <fstream>
#include <string>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>

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

void expect_server_host(SSL* ssl, const std::string& host) {
  boost::system::error_code not_ip;
  boost::asio::ip::make_address(host, not_ip);
  // OpenSSL's own host check (rather than a verify callback) records a mismatch as the
  // verify result, so that tls_handshake_error() can say "not valid for HOST" instead of a
  // bare "certificate verify failed".
  bool ok = true;
  if (not_ip) {
    // SNI lets one address serve several names; RFC 6066 allows host names only.
    // SSL_set_tlsext_host_name() spelled out: the macro's C cast breaks -Wold-style-cast.
    ok = SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(host.c_str())) == 1;
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    ok = ok && SSL_set1_host(ssl, host.c_str()) == 1;
  } else {
    ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
  }
  if (!ok) {
    ERR_clear_error();
    throw Error(ErrorCode::kInvalidArgument, "cannot check a TLS certificate against the host '" + host + "'");
  }
}

Error tls_handshake_error(SSL* ssl, const boost::system::error_code& ec, const WsUrl& url, const std::string& ca_file) {
  const std::string where = url.host_header();
  const long verify = SSL_get_verify_result(ssl);
  ERR_clear_error();
  if (verify == X509_V_OK) {
    // OpenSSL's own errors (a protocol alert, "wrong version number") mean the two sides
    // cannot agree on TLS; anything else (reset, EOF) is the network dropping the connection.
    if (ec.category() != boost::asio::error::get_ssl_category()) {
      return Error(ErrorCode::kIo, "the connection to " + where + " was lost during the TLS handshake: " + ec.message());
    }
    return Error(ErrorCode::kTls, "the TLS handshake with " + where + " failed: " + ec.message() +
                                      " (is it a wss:// server? a ws:// server answers TLS with errors like 'wrong "
                                      "version number')");
  }
  const std::string reason = X509_verify_cert_error_string(verify);
  if (verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH) {
    return Error(ErrorCode::kTls, "the certificate of the sync server at " + where + " is not valid for '" + url.host +
                                      "' (" + reason + "): connect with a host name the certificate was issued for");
  }
  return Error(ErrorCode::kTls,
               "the certificate of the sync server at " + where + " was refused (" + reason + "): " +
                   (ca_file.empty() ? std::string("it does not chain to a CA the system trusts; name the server's CA "
                                                  "with a CA file (ConnectionOptions::ca_file, `fieldsync sync "
                                                  "--ca-file`)")
                                    : "it does not chain to a CA in the CA file " + ca_file));
}

}  // namespace fieldsync::client
