#pragma once

#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "request_origin.hpp"
#include "server_context.hpp"

namespace fieldsync::server {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// The path of a request target, without its query string.
std::string_view request_path(std::string_view target);

// The token of an `Authorization: Bearer <token>` header; empty if there is none.
std::string bearer_token(const HttpRequest& request);

// Browsers cannot set headers on a WebSocket upgrade, but they can offer subprotocols:
// `new WebSocket(url, ["fieldsync.v1", "fieldsync.bearer." + token])`. The server selects
// kSyncSubprotocol and never echoes the token entry. Tokens stay out of URLs (and so out
// of access logs).
inline constexpr std::string_view kSyncSubprotocol = "fieldsync.v1";
inline constexpr std::string_view kTokenSubprotocolPrefix = "fieldsync.bearer.";

// The token of a WebSocket upgrade: the Authorization header's, or else the one offered as
// a `fieldsync.bearer.<token>` subprotocol; empty if there is neither.
std::string upgrade_token(const HttpRequest& request);
// Whether the upgrade offers kSyncSubprotocol (the response must then select it).
bool offers_sync_subprotocol(const HttpRequest& request);

HttpResponse text_response(const HttpRequest& request, boost::beast::http::status status, std::string body,
                           std::string_view content_type = "text/plain; charset=utf-8");

// Answers a plain (non-upgrade) HTTP request: GET /healthz, GET /metrics,
// GET /api/history/<collection>/<id>, GET /users, POST /api/enrol; everything else 404. Never
// throws: a failure inside becomes a 500. May block on the store when route_waits_on_store()
// says so: the session then calls it on a store worker. `origin`: who sent it.
HttpResponse route_http(ServerContext& context, const HttpRequest& request, const RequestOrigin& origin = {"?", "?"});
// Whether answering the request reads the store (history, users, enrolment): not on an I/O thread.
bool route_waits_on_store(const HttpRequest& request);

}  // namespace fieldsync::server
