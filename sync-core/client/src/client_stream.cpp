#include "client_stream.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

#include "client_tls.hpp"
#include "fieldsync/core/error.hpp"

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
  prepare_tls();
}

beast::tcp_stream& ClientStream::tcp() { return tls_ ? beast::get_lowest_layer(*tls_) : beast::get_lowest_layer(*plain_); }

void ClientStream::prepare_tls() {
  SSL* ssl = tls_->next_layer().native_handle();
  boost::system::error_code not_ip;
  boost::asio::ip::make_address(url_.host, not_ip);
  // OpenSSL's own host check (rather than a verify callback) records a mismatch as the
  // verify result, so that tls_failure() can say "not valid for HOST" instead of a bare
  // "certificate verify failed".
  bool ok = true;
  if (not_ip) {
    // SNI lets one address serve several names; RFC 6066 allows host names only.
    // SSL_set_tlsext_host_name() spelled out: the macro's C cast breaks -Wold-style-cast.
    ok = SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(url_.host.c_str())) == 1;
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    ok = ok && SSL_set1_host(ssl, url_.host.c_str()) == 1;
  } else {
    ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), url_.host.c_str()) == 1;
  }
  if (!ok) {
    ERR_clear_error();
    throw Error(ErrorCode::kInvalidArgument, "cannot check a TLS certificate against the host '" + url_.host + "'");
  }
}

std::string ClientStream::tls_failure(const beast::error_code& ec) {
  const std::string where = url_.host_header();
  const long verify = SSL_get_verify_result(tls_->next_layer().native_handle());
  ERR_clear_error();
  if (verify == X509_V_OK) {
    return "the TLS handshake with " + where + " failed: " + ec.message() +
           " (is it a wss:// server? a ws:// server answers TLS with errors like 'wrong version number')";
  }
  const std::string reason = X509_verify_cert_error_string(verify);
  if (verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH) {
    return "the certificate of the sync server at " + where + " is not valid for '" + url_.host + "' (" + reason +
           "): connect with a host name the certificate was issued for";
  }
  return "the certificate of the sync server at " + where + " was refused (" + reason + "): " +
         (ca_file_.empty() ? std::string("it does not chain to a CA the system trusts; name the server's CA with a CA "
                                         "file (ConnectionOptions::ca_file, `fieldsync sync --ca-file`)")
                           : "it does not chain to a CA in the CA file " + ca_file_);
}

}  // namespace fieldsync::client
