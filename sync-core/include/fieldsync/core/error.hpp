#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace fieldsync {

// Every error FieldSync can report, from storage to the wire. The numeric values are
// part of the wire protocol (docs/protocol.md): never renumber, only append.
enum class ErrorCode : int {
  kInvalidArgument = 1,   // a malformed command-line or API argument
  kUnknownCollection = 2,
  kUnknownField = 3,
  kInvalidValue = 4,      // a value of the wrong type or outside its domain
  kMissingField = 5,      // a required field left empty on create
  kNotFound = 6,
  kAlreadyExists = 7,
  kReadOnly = 8,          // a field the engine owns, or a read-only collection
  kCorruptData = 9,       // a stored or received state that does not decode
  kStorage = 10,          // SQLite reported an error
  kSchemaMismatch = 11,
  kClockSkew = 12,
  kIo = 13,
  // Sync protocol and server.
  kUnauthenticated = 20,     // no, wrong, expired or revoked token
  kForbidden = 21,           // a record outside the user's scope, or a role that may not write it
  kProtocol = 22,            // a malformed frame, a message of the wrong type or out of order
  kUnsupportedVersion = 23,  // the peer speaks a protocol version we do not
  kTooLarge = 24,            // a frame or batch over the configured limit
  kRateLimited = 25,
  kReplicaIdReused = 26,     // the replica must take a new id (restored backup, copied database)
  kResyncRequired = 27,      // the replica is behind the tombstone horizon
  kTimeout = 28,
  kShuttingDown = 29,
  kInternal = 30,
  // Client side only, never on the wire: the server's certificate was refused (untrusted
  // CA, another host name) or no TLS session could be agreed. Retrying cannot help until
  // the CA file or the server address is fixed.
  kTls = 31,
  // A pushed record claims writes of other replicas the server does not hold (changes
  // relayed through files, a forged version vector or dot): refused per record. The
  // client keeps it queued and pushes it again at its next sync.
  kUnverifiedHistory = 32,
  // The sales rules (the domain schema's lifecycles, roles and delete rules) forbid the
  // write: the reason names the rule. Refused per record; the user sees why.
  kRuleBroken = 33,
};

// The stable name of a code, e.g. "invalid_value".
std::string_view error_code_name(ErrorCode code);

// The one error type of FieldSync. Thrown inside sync-core and the tools; the network
// layers catch it at their boundary and turn it into an error reply.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}

  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace fieldsync
