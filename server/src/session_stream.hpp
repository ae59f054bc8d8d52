#pragma once

#include <chrono>
#include <memory>

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace fieldsync::server {

// The two transports a connection can run over. HttpSession and WsSession are templates
// on one of them; the few things that differ between the two are here.
using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// Ends a connection once the last response is written. Plain TCP is half-closed and closed
// at once. TLS first sends close_notify, so that a client can tell a complete response from
// a cut one, and waits for the peer's at most a second (and at most `timeout`): an idle
// keep-alive client never answers, and must not hold up a server that is stopping.
// `keep_alive` (the session owning `stream`) is held until the connection is closed.
void end_connection(PlainStream& stream, std::chrono::milliseconds timeout, std::shared_ptr<void> keep_alive);
void end_connection(TlsStream& stream, std::chrono::milliseconds timeout, std::shared_ptr<void> keep_alive);

}  // namespace fieldsync::server
