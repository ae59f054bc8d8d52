#pragma once

#include <string>

#include "http_routes.hpp"

namespace fieldsync::server {

inline constexpr std::string_view kEnrolPath = "/api/enrol";

// POST /api/enrol with {"code": "K7QF-M2XA-9D"}: exchanges a one-time enrolment code for a
// new token of its user (docs/protocol.md, "Enrolment"). `origin` names the client
// for the guessing limit and the log. The code is never logged.
HttpResponse enrol(ServerContext& context, const HttpRequest& request, const RequestOrigin& origin);

}  // namespace fieldsync::server
