#include "enrol_route.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <boost/beast/http/field.hpp>

#include "admin_commands.hpp"
#include "api_json.hpp"
#include "enrolment_code.hpp"
#include "enrolment_guard.hpp"
#include "log_fields.hpp"

namespace fieldsync::server {
namespace http = boost::beast::http;
namespace {

HttpResponse json_error(const HttpRequest& request, http::status status, std::string_view error,
                        std::string_view message) {
  return text_response(request, status,
                       "{\"error\":" + json_string(error) + ",\"message\":" + json_string(message) + "}\n",
                       "application/json");
}

// The stable error name a client shows in its words, and the message for people.
std::pair<std::string_view, std::string_view> refusal_text(EnrolmentStatus status) {
  switch (status) {
    case EnrolmentStatus::kUsed:
      return {"code_used", "this enrolment code was used already: ask the office for a new one"};
    case EnrolmentStatus::kExpired:
      return {"code_expired", "this enrolment code has expired: ask the office for a new one"};
    case EnrolmentStatus::kReplaced:
      return {"code_replaced", "a newer enrolment code was issued for this user: use that one"};
    case EnrolmentStatus::kUserDisabled:
      return {"user_disabled", "this user is disabled: ask the office"};
    case EnrolmentStatus::kUnknown:
    case EnrolmentStatus::kIssued:
      break;
  }
  return {"code_unknown", "no such enrolment code: check what you typed"};
}

std::string_view log_reason(EnrolmentStatus status) { return refusal_text(status).first; }

}  // namespace

HttpResponse enrol(ServerContext& context, const HttpRequest& request, const RequestOrigin& origin) {
  // Guessing is counted per client: behind a trusted proxy, the address the proxy saw.
  const std::string& address = origin.client;
  const std::string remote = origin.forwarded() ? origin.client + " via=" + origin.endpoint : origin.endpoint;
  if (const auto wait = context.enrolment.try_attempt(address); wait.count() > 0) {
    spdlog::warn("event=enrol_refused remote={} reason=rate_limited retry_after_s={}", remote, wait.count());
    HttpResponse response = json_error(request, http::status::too_many_requests, "rate_limited",
                                       "too many wrong codes: try again in " + std::to_string(wait.count()) + " s");
    response.set(http::field::retry_after, std::to_string(wait.count()));
    return response;
  }
  const auto body = nlohmann::json::parse(request.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("code") || !body["code"].is_string()) {
    spdlog::warn("event=enrol_refused remote={} reason=malformed", remote);
    return json_error(request, http::status::bad_request, "malformed", "send {\"code\": \"<enrolment code>\"}");
  }
  const auto code = normalise_enrolment_code(body["code"].get<std::string>());
  const EnrolmentExchange exchange =
      code ? context.store.redeem_enrolment_code(enrolment_code_hash(*code), context.clock.now_ms())
           : EnrolmentExchange{};
  if (exchange.status != EnrolmentStatus::kIssued) {
    // The user is named only for a code that exists: an operator sees who needs a new one.
    spdlog::warn("event=enrol_refused remote={} reason={} user={}", remote, log_reason(exchange.status),
                 quote_field(exchange.user));
    const auto [error, message] = refusal_text(exchange.status);
    const auto status = exchange.status == EnrolmentStatus::kUnknown ? http::status::not_found : http::status::gone;
    return json_error(request, status, error, message);
  }
  context.enrolment.succeeded(address);
  spdlog::info("event=enrolled remote={} user={} token_id={} expires={}", remote, quote_field(exchange.user),
               exchange.token.token_id, iso_time(exchange.token.expires_ms));
  return text_response(request, http::status::ok,
                       "{\"token\":" + json_string(exchange.token.token) + ",\"user\":" + json_string(exchange.user) +
                           ",\"token_id\":" + json_string(exchange.token.token_id) +
                           ",\"expires\":" + json_string(iso_time(exchange.token.expires_ms)) + "}\n",
                       "application/json");
}

}  // namespace fieldsync::server
