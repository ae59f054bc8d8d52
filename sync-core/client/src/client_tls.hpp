#pragma once

#include <memory>

#include <boost/asio/ssl/context.hpp>

#include "fieldsync/client/connection_options.hpp"

namespace fieldsync::client {

// A TLS client context for wss://: TLS 1.2 or later, the peer's certificate verified
// against options.ca_file (or the system's trust store when it is empty). Throws
// Error(kIo) when the CA file cannot be read, Error(kInvalidArgument) when it holds no
// PEM certificate.
std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(const ConnectionOptions& options);

}  // namespace fieldsync::client
