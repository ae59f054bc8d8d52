#include "fieldsync/client/sync_outcome.hpp"

#include <string>

namespace fieldsync::client {

std::optional<Error> sync_failure(const WebSocketClient& client, const ClientSync& sync) {
  if (sync.phase() == ClientSync::Phase::kDone) return std::nullopt;
  if (client.failure()) return client.failure();
  if (sync.error()) return sync.error();
  return Error(ErrorCode::kIo, "the sync with " + client.url().text() + " ended during " +
                                   std::string(phase_name(sync.phase())));
}

bool is_permanent(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kInvalidArgument:    // a bad URL stays bad
    case ErrorCode::kUnauthenticated:    // the user must sign in again
    case ErrorCode::kUnsupportedVersion: // the app must be updated
    case ErrorCode::kResyncRequired:     // the replica must start over
    case ErrorCode::kSchemaMismatch:
    case ErrorCode::kCorruptData:
    case ErrorCode::kStorage:            // the local database is in trouble
    case ErrorCode::kNotFound:           // no sync endpoint at that URL
    case ErrorCode::kTls:                // the CA file or the address must be fixed first
      return true;
    default:
      return false;  // network loss, timeouts, restarts, rate limits: try again later
  }
}

}  // namespace fieldsync::client
