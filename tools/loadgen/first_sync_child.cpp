#include "first_sync_child.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "common.hpp"
#include "fieldsync/core/error.hpp"

extern char** environ;

namespace fieldsync::loadgen {
namespace {

struct Exit {
  double seconds = 0;
  std::size_t peak_rss_kib = 0;
};

// Runs `args` (args[0] the program) with stdout to /dev/null and waits for it, sampling its
// peak resident memory meanwhile. Throws Error if it cannot start or does not exit with 0.
Exit run_sampled(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0].c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw Error(ErrorCode::kIo, "cannot start " + args[0]);
  Exit exit;
  int status = 0;
  for (;;) {
    // VmHWM only grows; the last sample before the exit misses at most one interval.
    exit.peak_rss_kib = std::max(exit.peak_rss_kib, resident_kib(pid, "VmHWM"));
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0) throw Error(ErrorCode::kIo, "lost " + args[0]);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  exit.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw Error(ErrorCode::kInternal, args[0] + " " + args[3] + " failed");
  }
  return exit;
}

}  // namespace

std::optional<ChildSync> run_first_sync_child(const std::string& url, const std::string& token, const std::string& path) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  // build/<dir>/tools/loadgen/fieldsync-loadgen -> build/<dir>/tools/fieldsync/fieldsync
  const std::string cli = (self.parent_path().parent_path() / "fieldsync" / "fieldsync").string();
  if (!std::filesystem::exists(cli, ec)) return std::nullopt;
  run_sampled({cli, "--db", path, "init"});
  const Exit sync = run_sampled({cli, "--db", path, "sync", "--server", url, "--token", token, "--allow-plaintext"});
  return ChildSync{sync.seconds, sync.peak_rss_kib};
}

}  // namespace fieldsync::loadgen
