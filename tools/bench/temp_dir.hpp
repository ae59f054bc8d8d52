#pragma once

#include <filesystem>
#include <string>

namespace fieldsync::bench {

// A fresh directory, removed with everything in it when this goes out of scope.
class TempDir {
 public:
  // Under `parent`, or the system temp dir when `parent` is empty. Throws Error(kIo).
  explicit TempDir(const std::string& parent);
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const { return path_; }
  // A path inside the directory, for a database that does not exist yet.
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  // Deletes a database and its WAL and shared-memory files, so that the next run starts clean.
  void remove_database(const std::string& name) const;

 private:
  std::filesystem::path path_;
};

}  // namespace fieldsync::bench
