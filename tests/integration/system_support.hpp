#pragma once

// Helpers of the system tests: replicas on real SQLite files synced through the real
// client (fieldsync::client::sync_once), a replayable seed, record dumps to compare
// replicas with the server's view, and the fieldsync-server executable run as a child
// process that can be killed.

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <sys/types.h>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/server/principal.hpp"
#include "fieldsync/server/scope.hpp"
#include "fieldsync/server/store.hpp"

namespace fieldsync::testing {

// Starts `args` (args[0] looked up in PATH unless it holds a '/') as a child process with
// stdin from /dev/null and stdout and stderr appended to `log_file`; returns its pid.
// Throws std::runtime_error naming the program when it cannot be started.
pid_t spawn_logged(std::vector<std::string> args, const std::filesystem::path& log_file);

// A fresh directory under the system temp dir, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// FIELDSYNC_SEED from the environment (to replay a failure), else a random one. The test
// prints it either way.
std::uint64_t test_seed();

// (collection, record id text) -> encode_state bytes.
using StateDump = std::map<std::pair<std::string, std::string>, std::string>;

// Every record of `collections` in a replica, deleted ones too.
StateDump dump_replica(const Replica& replica, const std::vector<std::string>& collections);
// Every record of `collections` in the server's store that `reader` may read, judged by
// the server's own ScopePolicy.
StateDump dump_server_scope(server::Store& store, const server::Principal& reader,
                            const std::vector<std::string>& collections);
// The first difference between two dumps, for a failure message ("" when equal).
std::string first_difference(const StateDump& expected, const StateDump& actual);

// A TCP port on 127.0.0.1 free at the time of the call (the system picked it).
std::uint16_t free_tcp_port();

struct ServerProcessOptions {
  // After the defaults, for the server and its admin commands: `--config FILE`, `--store URL`.
  std::vector<std::string> extra_args{};
  // 0: a free one, picked by the system at each start. Fixed: a restart keeps the address
  // (a load balancer in front knows it).
  std::uint16_t port = 0;
};

// The fieldsync-server executable (FIELDSYNC_SERVER_EXE) on 127.0.0.1 as a child process
// with its log in a file. The data directory outlives it.
class ServerProcess {
 public:
  explicit ServerProcess(std::filesystem::path data_dir, std::filesystem::path log_file,
                         ServerProcessOptions options = {});
  ~ServerProcess();  // SIGKILLs a child still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server and waits (at most 10 s) for its `server_started` log line; throws
  // std::runtime_error with the log if it does not come.
  void start();
  // SIGKILL, then reap the child. The process gets no chance to clean up.
  void kill_hard();
  // SIGTERM, then reap; returns the exit status (-1 if it did not exit normally).
  int stop();
  bool running() const { return pid_ > 0; }
  std::uint16_t port() const { return port_; }
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/sync"; }

  // Runs an admin command (`user add ...`, `token issue ...`) on the data directory;
  // returns its stdout, throws std::runtime_error if it fails.
  std::string admin(const std::string& arguments) const;

 private:
  std::filesystem::path data_dir_;
  std::filesystem::path log_file_;
  ServerProcessOptions options_;
  int pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace fieldsync::testing
