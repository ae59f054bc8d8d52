#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fieldsync/core/replica.hpp"

namespace fieldsync::cli {

// The only fieldsync.proto.ChangeFile layout this tool writes and reads.
inline constexpr std::uint32_t kChangeFileFormat = 1;

struct ChangeFileSummary {
  std::size_t records = 0;
  std::uint64_t from_seq = 0;
  std::uint64_t to_seq = 0;
};

// Writes the replica's changes after `since` to `path` as a binary ChangeFile. The file
// is written next to its destination and renamed into place, so a crash never leaves a
// half-written change file under the real name. Throws Error(kIo).
ChangeFileSummary export_change_file(const Replica& replica, std::uint64_t since, const std::string& path);

// A change file's contents. Records that do not decode are kept as rejections (with
// their position in the file) so that the rest can still be merged.
struct ChangeFileContents {
  ReplicaId source;
  std::uint64_t from_seq = 0;
  std::uint64_t to_seq = 0;
  std::size_t record_count = 0;
  std::vector<RecordState> states;
  std::vector<std::size_t> state_positions;  // index in the file of each entry of `states`
  std::vector<RecordRejection> undecodable;
};

// Throws Error(kIo) if the file cannot be read, Error(kCorruptData) if it is not a
// change file (corrupt, truncated mid-record, empty), Error(kSchemaMismatch) for a
// format_version this tool does not know.
ChangeFileContents read_change_file(const std::string& path);

}  // namespace fieldsync::cli
