#pragma once

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include "fieldsync/client/connection_options.hpp"
#include "fieldsync/client/ws_url.hpp"
#include "fieldsync/core/error.hpp"

namespace fieldsync::client {

// The client's side of TLS, shared by the sync connection (wss://) and other connections
// to the same server (the CLI's HTTPS requests), so that every one of them verifies the
// server alike: same trust store, same host-name check, same messages.

// A TLS client context: TLS 1.2 or later, the peer's certificate verified against
// options.ca_file (or the system's trust store when it is empty). Throws Error(kIo) when
// the CA file cannot be read, Error(kInvalidArgument) when it holds no PEM certificate.
std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(const ConnectionOptions& options);

// Before the handshake on `ssl`: send `host` as SNI (names only) and require the server's
// certificate to name it (DNS name or IP address). Throws Error(kInvalidArgument) if
// OpenSSL cannot check against that host.
void expect_server_host(SSL* ssl, const std::string& host);

// Why the client's TLS handshake on `ssl` with `url` failed, in words a user can act on:
// an untrusted certificate (and which CA file was used, `ca_file`, empty for the system's),
// one issued for another host, or a server not speaking TLS. Those are Error(kTls): only a
// new CA file or address cures them. A connection lost mid-handshake is Error(kIo).
Error tls_handshake_error(SSL* ssl, const boost::system::error_code& ec, const WsUrl& url, const std::string& ca_file);

}  // namespace fieldsync::client
