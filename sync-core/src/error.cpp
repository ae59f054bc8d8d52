#include "fieldsync/core/error.hpp"

namespace fieldsync {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kUnknownCollection: return "unknown_collection";
    case ErrorCode::kUnknownField: return "unknown_field";
    case ErrorCode::kInvalidValue: return "invalid_value";
    case ErrorCode::kMissingField: return "missing_field";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kAlreadyExists: return "already_exists";
    case ErrorCode::kReadOnly: return "read_only";
    case ErrorCode::kCorruptData: return "corrupt_data";
    case ErrorCode::kStorage: return "storage";
    case ErrorCode::kSchemaMismatch: return "schema_mismatch";
    case ErrorCode::kClockSkew: return "clock_skew";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kForbidden: return "forbidden";
    case ErrorCode::kProtocol: return "protocol";
    case ErrorCode::kUnsupportedVersion: return "unsupported_version";
    case ErrorCode::kTooLarge: return "too_large";
    case ErrorCode::kRateLimited: return "rate_limited";
    case ErrorCode::kReplicaIdReused: return "replica_id_reused";
    case ErrorCode::kResyncRequired: return "resync_required";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kShuttingDown: return "shutting_down";
    case ErrorCode::kInternal: return "internal";
    case ErrorCode::kTls: return "tls";
    case ErrorCode::kUnverifiedHistory: return "unverified_history";
    case ErrorCode::kRuleBroken: return "rule_broken";
  }
  return "unknown";
}

}  // namespace fieldsync
