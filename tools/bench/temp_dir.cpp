#include "temp_dir.hpp"

#include <stdlib.h>

#include <vector>

#include "fieldsync/core/error.hpp"

namespace fieldsync::bench {

TempDir::TempDir(const std::string& parent) {
  const std::filesystem::path base = parent.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(parent);
  std::string pattern = (base / "fieldsync-bench-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (!mkdtemp(buffer.data())) throw Error(ErrorCode::kIo, "cannot make a temporary directory under " + base.string());
  path_ = buffer.data();
}

TempDir::~TempDir() {
  std::error_code ignored;  // nothing useful to do from a destructor if this fails
  std::filesystem::remove_all(path_, ignored);
}

void TempDir::remove_database(const std::string& name) const {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ / (name + suffix));
}

}  // namespace fieldsync::bench
