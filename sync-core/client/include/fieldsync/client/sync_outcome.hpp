#pragma once

#include <optional>

#include "fieldsync/client/websocket_client.hpp"
#include "fieldsync/core/client_sync.hpp"
#include "fieldsync/core/error.hpp"

namespace fieldsync::client {

// Why a connection's sync did not finish, or nullopt if it reached kDone. The transport's
// own failure comes first (a 401 says more than "closed during connecting"); then the
// ClientSync's error (one the server sent, or a protocol error it found).
std::optional<Error> sync_failure(const WebSocketClient& client, const ClientSync& sync);

// Errors that another attempt cannot cure: the live sync stops on them instead of retrying.
bool is_permanent(const Error& error);

}  // namespace fieldsync::client
