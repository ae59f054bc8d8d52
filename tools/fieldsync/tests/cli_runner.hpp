#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace fieldsync::cli::test {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// A private temporary directory in which the tests run the real `fieldsync` binary.
// Removed, with everything in it, on destruction.
class CliSandbox {
 public:
  CliSandbox();
  CliSandbox(const CliSandbox&) = delete;
  CliSandbox& operator=(const CliSandbox&) = delete;
  ~CliSandbox();

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void write_file(const std::string& name, const std::string& bytes) const;
  std::string read_file(const std::string& name) const;

  // Runs fieldsync with `args` (no shell involved) and captures both output streams.
  CliResult run(const std::vector<std::string>& args) const;
  // Runs `fieldsync --db <db> args...`.
  CliResult run_db(const std::string& db, std::vector<std::string> args) const;
  // `init`s a replica named `db` and returns its replica id; fails the test if it cannot.
  std::string init(const std::string& db) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace fieldsync::cli::test
