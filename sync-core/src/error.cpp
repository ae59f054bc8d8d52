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
  }
  return "unknown";
}

}  // namespace fieldsync
