#pragma once

#include <memory>

#include <boost/asio/ssl/context.hpp>

#include "fieldsync/server/config.hpp"

namespace fieldsync::server {

// The server's TLS context, made once at start-up from config.tls_cert_file and
// config.tls_key_file: TLS 1.2 and later only. nullptr when TLS is not configured.
//
// Throws Error(kIo) when a file cannot be read, and Error(kInvalidArgument) when it holds
// no PEM certificate chain or key, or the key does not belong to the certificate; each
// message names the file, so that a bad deployment fails at start and says why.
std::unique_ptr<boost::asio::ssl::context> make_tls_context(const ServerConfig& config);

}  // namespace fieldsync::server
