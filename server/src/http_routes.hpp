#pragma once

#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "server_context.hpp"

namespace fieldsync::server {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// The path of a request target, without its query string.
std::string_view request_path(std::string_view target);

// The token of an `Authorization: Bearer <token>` header; empty if there is none.
std::string bearer_token(const HttpRequest& request);

HttpResponse text_response(const HttpRequest& request, boost::beast::http::status status, std::string body,
                           std::string_view content_type = "text/plain; charset=utf-8");

// Answers a plain (non-upgrade) HTTP request: GET /healthz, GET /metrics,
// GET /api/history/<collection>/<id>; everything else 404. Never throws: a failure inside
// becomes a 500. Runs on the calling session's strand and may block on the store.
HttpResponse route_http(ServerContext& context, const HttpRequest& request);

}  // namespace fieldsync::server
