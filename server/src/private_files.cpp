#include "private_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "fieldsync/core/error.hpp"

namespace fieldsync::server {
namespace fs = std::filesystem;

void create_private_directory(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return;
  fs::create_directories(dir, ec);
  if (!ec) fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) throw Error(ErrorCode::kIo, "cannot create data directory " + dir.string() + ": " + ec.message());
}

void prepare_private_database(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw Error(ErrorCode::kIo, "cannot create " + file.string() + ": " + std::strerror(errno));
  }
  ::close(fd);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const fs::path path = file.string() + suffix;
    std::error_code ec;
    if (!fs::exists(path, ec)) continue;
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
    if (ec) throw Error(ErrorCode::kIo, "cannot make " + path.string() + " private (mode 0600): " + ec.message());
  }
}

}  // namespace fieldsync::server
