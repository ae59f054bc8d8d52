#include "change_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/record.pb.h"

namespace fieldsync::cli {
namespace {

[[noreturn]] void io_error(const std::string& what, const std::string& path) {
  throw Error(ErrorCode::kIo, what + " '" + path + "': " + std::strerror(errno));
}

std::string read_all(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(ErrorCode::kIo, "cannot read '" + path + "': it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) io_error("cannot open", path);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) io_error("cannot read", path);
  return bytes;
}

void write_atomically(const std::string& path, const std::string& bytes) {
  const std::string temporary = path + ".partial";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) io_error("cannot create", temporary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::filesystem::remove(temporary);
      io_error("cannot write", temporary);
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary);
    throw Error(ErrorCode::kIo, "cannot move the change file into place at '" + path + "': " + ec.message());
  }
}

std::string printable_id(const std::string& raw) {
  auto id = Uuid::from_bytes(raw);
  return id ? id->to_string() : std::string("(malformed id)");
}

}  // namespace

ChangeFileSummary export_change_file(const Replica& replica, std::uint64_t since, const std::string& path) {
  ChangeBatch batch = replica.changes_since(since);
  proto::ChangeFile file;
  file.set_format_version(kChangeFileFormat);
  file.set_source_replica(std::string(replica.replica_id().raw()));
  file.set_from_seq(since);
  file.set_to_seq(batch.to_seq);
  for (const auto& state : batch.states) append_wire_state(*file.add_records(), state);
  std::string bytes;
  if (!file.SerializeToString(&bytes)) throw Error(ErrorCode::kIo, "cannot encode the change file");
  write_atomically(path, bytes);
  return {batch.states.size(), since, batch.to_seq};
}

ChangeFileContents read_change_file(const std::string& path) {
  const std::string bytes = read_all(path);
  proto::ChangeFile file;
  if (!file.ParseFromString(bytes)) {
    throw Error(ErrorCode::kCorruptData, "'" + path + "' is not a readable change file: it is corrupt or truncated");
  }
  // An empty or unrelated file can parse as a message with every field unset.
  if (file.format_version() == 0) {
    throw Error(ErrorCode::kCorruptData, "'" + path + "' is not a change file (it has no format_version)");
  }
  if (file.format_version() != kChangeFileFormat) {
    throw Error(ErrorCode::kSchemaMismatch, "'" + path + "' has change file format_version " +
                                                std::to_string(file.format_version()) + "; this fieldsync reads " +
                                                std::to_string(kChangeFileFormat));
  }
  auto source = Uuid::from_bytes(file.source_replica());
  if (!source) throw Error(ErrorCode::kCorruptData, "'" + path + "' names no valid source replica");
  if (file.from_seq() > file.to_seq()) {
    throw Error(ErrorCode::kCorruptData, "'" + path + "' has from_seq after to_seq");
  }

  ChangeFileContents contents;
  contents.source = *source;
  contents.from_seq = file.from_seq();
  contents.to_seq = file.to_seq();
  contents.record_count = static_cast<std::size_t>(file.records_size());
  for (int i = 0; i < file.records_size(); ++i) {
    const auto& message = file.records(i);
    const auto index = static_cast<std::size_t>(i);
    try {
      contents.states.push_back(decode_wire_state(message));
      contents.state_positions.push_back(index);
    } catch (const Error& e) {
      // Name the record if its envelope at least parses.
      proto::RecordState named;
      named.ParsePartialFromString(message);
      contents.undecodable.push_back({index, named.collection(), printable_id(named.id()), e.code(), e.what()});
    }
  }
  return contents;
}

}  // namespace fieldsync::cli
