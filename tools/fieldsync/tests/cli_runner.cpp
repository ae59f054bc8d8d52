#include "cli_runner.hpp"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>

extern char** environ;

namespace fieldsync::cli::test {

CliSandbox::CliSandbox() {
  std::string pattern = (std::filesystem::temp_directory_path() / "fieldsync-cli-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
}

CliSandbox::~CliSandbox() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void CliSandbox::write_file(const std::string& name, const std::string& bytes) const {
  std::ofstream out(path(name), std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + path(name));
}

std::string CliSandbox::read_file(const std::string& name) const {
  std::ifstream in(path(name), std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

CliResult CliSandbox::run(const std::vector<std::string>& args) const {
  const std::string out_file = path(".stdout");
  const std::string err_file = path(".stderr");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);

  std::vector<std::string> argv_storage{FIELDSYNC_CLI_PATH};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = 0;
  int rc = posix_spawn(&pid, FIELDSYNC_CLI_PATH, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + std::string(FIELDSYNC_CLI_PATH));
  int status = 0;
  waitpid(pid, &status, 0);

  CliResult result;
  // A crash (signal) is reported as 128 + signal, like a shell would, so it never passes as 0 or 1.
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(".stdout");
  result.err = read_file(".stderr");
  return result;
}

CliResult CliSandbox::run_db(const std::string& db, std::vector<std::string> args) const {
  args.insert(args.begin(), {"--db", path(db)});
  return run(args);
}

std::string CliSandbox::init(const std::string& db) const {
  CliResult r = run_db(db, {"init"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string id = r.out;
  while (!id.empty() && id.back() == '\n') id.pop_back();
  return id;
}

}  // namespace fieldsync::cli::test
