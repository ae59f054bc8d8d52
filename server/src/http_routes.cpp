#include "http_routes.hpp"

#include <cctype>
#include <variant>

#include <spdlog/spdlog.h>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include "api_json.hpp"
#include "enrol_route.hpp"
#include "log_fields.hpp"

namespace fieldsync::server {
namespace http = boost::beast::http;
namespace {

constexpr std::string_view kHistoryPrefix = "/api/history/";

HttpResponse unauthorized(const HttpRequest& request, const std::string& why) {
  HttpResponse response = text_response(request, http::status::unauthorized, why + "\n");
  response.set(http::field::www_authenticate, "Bearer");
  return response;
}

// The principal of the request's bearer token, or the 401 to answer.
std::variant<Principal, HttpResponse> authenticate_request(ServerContext& context, const HttpRequest& request) {
  try {
    return context.service.authenticate(bearer_token(request));
  } catch (const Error& e) {
    return unauthorized(request, e.what());
  }
}

HttpResponse history(ServerContext& context, const HttpRequest& request, std::string_view rest) {
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size()) {
    return text_response(request, http::status::not_found, "use /api/history/<collection>/<record id>\n");
  }
  const std::string collection(rest.substr(0, slash));
  const std::string_view id_text = rest.substr(slash + 1);

  auto authenticated = authenticate_request(context, request);
  if (auto* refusal = std::get_if<HttpResponse>(&authenticated)) return std::move(*refusal);
  const Principal& who = std::get<Principal>(authenticated);
  if (!context.schema.collection(collection)) {
    return text_response(request, http::status::not_found, "unknown collection '" + collection + "'\n");
  }
  auto id = Uuid::parse(id_text);
  if (!id) return text_response(request, http::status::bad_request, "the record id is not a UUID\n");
  if (!who.sees_everything()) {
    // A rep sees the history of the records they may read, nothing else. A record the
    // server does not hold and one outside their territories get the same answer, so the
    // answer does not tell whether a record exists.
    auto state = context.store.get(collection, *id);
    if (!state || !context.scope.may_read(who, *state)) {
      return text_response(request, http::status::not_found, "no such record in your scope\n");
    }
  }
  return text_response(request, http::status::ok, history_json(context.store.history(collection, *id)),
                       "application/json");
}

// Every user's name, display name and role, for any authenticated user: apps name the
// authors of edits and conflicts by them. Territories and tokens stay private.
HttpResponse users(ServerContext& context, const HttpRequest& request) {
  auto authenticated = authenticate_request(context, request);
  if (auto* refusal = std::get_if<HttpResponse>(&authenticated)) return std::move(*refusal);
  return text_response(request, http::status::ok, users_json(context.store.users(), context.store.devices()), "application/json");
}

}  // namespace

std::string_view request_path(std::string_view target) {
  return target.substr(0, target.find('?'));
}

std::string bearer_token(const HttpRequest& request) {
  auto header = request.find(http::field::authorization);
  if (header == request.end()) return {};
  std::string_view value = header->value();
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) != kScheme[i]) return {};
  }
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  return std::string(value);
}

namespace {

// Calls `on_entry` with each entry of the Sec-WebSocket-Protocol header(s), trimmed, until
// it returns true.
template <typename OnEntry>
bool any_subprotocol(const HttpRequest& request, OnEntry&& on_entry) {
  auto [first, last] = request.equal_range(http::field::sec_websocket_protocol);
  for (auto header = first; header != last; ++header) {
    std::string_view list = header->value();
    while (!list.empty()) {
      const auto comma = list.find(',');
      std::string_view entry = list.substr(0, comma);
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
      while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
      while (!entry.empty() && entry.back() == ' ') entry.remove_suffix(1);
      if (on_entry(entry)) return true;
    }
  }
  return false;
}

}  // namespace

std::string upgrade_token(const HttpRequest& request) {
  if (std::string token = bearer_token(request); !token.empty()) return token;
  std::string token;
  any_subprotocol(request, [&](std::string_view entry) {
    if (!entry.starts_with(kTokenSubprotocolPrefix)) return false;
    token = std::string(entry.substr(kTokenSubprotocolPrefix.size()));
    return true;
  });
  return token;
}

bool offers_sync_subprotocol(const HttpRequest& request) {
  return any_subprotocol(request, [](std::string_view entry) { return entry == kSyncSubprotocol; });
}

HttpResponse text_response(const HttpRequest& request, http::status status, std::string body,
                           std::string_view content_type) {
  HttpResponse response{status, request.version()};
  response.set(http::field::server, "fieldsync-server");
  response.set(http::field::content_type, content_type);
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

bool route_waits_on_store(const HttpRequest& request) {
  const std::string_view path = request_path(request.target());
  return (request.method() == http::verb::get && (path == "/users" || path.starts_with(kHistoryPrefix))) ||
         (request.method() == http::verb::post && path == "/api/enrol");
}

HttpResponse route_http(ServerContext& context, const HttpRequest& request, const RequestOrigin& origin) {
  const std::string_view path = request_path(request.target());
  const bool known = path == "/healthz" || path == "/metrics" || path.starts_with(kHistoryPrefix) || path == "/sync" ||
                     path == "/users" || path == kEnrolPath;
  if (!known) return text_response(request, http::status::not_found, "not found\n");
  if (path == "/sync") {
    return text_response(request, http::status::upgrade_required, "/sync speaks WebSocket only\n");
  }
  if (path == kEnrolPath) {
    if (request.method() != http::verb::post) {
      HttpResponse response = text_response(request, http::status::method_not_allowed, "only POST is allowed here\n");
      response.set(http::field::allow, "POST");
      return response;
    }
    try {
      return enrol(context, request, origin);
    } catch (const std::exception& e) {
      spdlog::error("event=http_error path={} error={}", quote_field(path), quote_field(e.what()));
      return text_response(request, http::status::internal_server_error, "internal error\n");
    }
  }
  if (request.method() != http::verb::get) {
    HttpResponse response = text_response(request, http::status::method_not_allowed, "only GET is allowed here\n");
    response.set(http::field::allow, "GET");
    return response;
  }
  try {
    if (path == "/healthz") return text_response(request, http::status::ok, "ok");
    if (path == "/metrics") {
      return text_response(request, http::status::ok, context.metrics.render(), "text/plain; version=0.0.4");
    }
    if (path == "/users") return users(context, request);
    return history(context, request, path.substr(kHistoryPrefix.size()));
  } catch (const std::exception& e) {
    spdlog::error("event=http_error path={} error={}", quote_field(path), quote_field(e.what()));
    return text_response(request, http::status::internal_server_error, "internal error\n");
  }
}

}  // namespace fieldsync::server
