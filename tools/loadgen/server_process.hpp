#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "fieldsync/server/store.hpp"
#include "options.hpp"
#include "report.hpp"

namespace fieldsync::loadgen {

struct ServerProcessConfig {
  unsigned threads = 2;
  bool durable = true;
  std::size_t max_connections_per_user = 16;
  std::size_t max_connections_per_address = 256;  // the server's default; every client here is 127.0.0.1
  // Run on the prepared store before the server starts (more users, their tokens);
  // `now_ms` is the clock the tokens are issued by.
  std::function<void(server::Store& store, std::uint64_t now_ms)> prepare;
};

// The real fieldsync-server binary run as a child process, so that its memory can be read
// from /proc/<pid>/status apart from the load generator's. Its data directory (in `dir`)
// is prepared first: one rep and a token. Its log goes to `dir`/server.log.
// Threads: one controlling thread.
class ServerProcess {
 public:
  // Starts the binary and waits (at most 15 s) until it accepts connections. Throws
  // Error(kIo) if it cannot be started or exits early (with the end of its log).
  ServerProcess(const std::string& binary, const std::filesystem::path& dir, const ServerProcessConfig& config);
  ~ServerProcess();  // SIGTERM, then SIGKILL after 20 s
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& url() const { return url_; }
  const std::string& token() const { return token_; }

 private:
  std::string log_tail() const;

  std::filesystem::path log_path_;
  pid_t pid_ = -1;
  std::string url_;
  std::string token_;
};

// The fieldsync-server next to this program in a build tree (build/<dir>/server/), or ""
// when there is none.
std::string find_server_binary();

// The server whose memory a scenario reads: a child process started in `dir` (the build
// tree's binary, or --server-binary), or the external --server with --token (its memory
// is read only with --server-pid; pid is then 0).
struct MeasuredServer {
  std::unique_ptr<ServerProcess> child;
  std::string url;
  std::string token;
  int pid = 0;
};
// Notes what it started (or found) in `report`. Throws Error(kInvalidArgument).
MeasuredServer measured_server(const Options& options, const std::filesystem::path& dir,
                               const ServerProcessConfig& config, Report& report);

}  // namespace fieldsync::loadgen
