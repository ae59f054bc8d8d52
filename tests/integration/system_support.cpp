#include "system_support.hpp"

#include "fieldsync/test/pg_database.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "fieldsync/core/schema.hpp"

extern char** environ;

namespace fieldsync::testing {

pid_t spawn_logged(std::vector<std::string> args, const std::filesystem::path& log_file) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  // posix_spawnp searches PATH only for a name without '/', as a shell does.
  const int rc = posix_spawnp(&pid, args.front().c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw std::runtime_error("cannot start " + args.front() + " (is it installed? tools/bootstrap): " + std::strerror(rc));
  }
  return pid;
}

ScratchDir::ScratchDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "fieldsync-sys-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::uint64_t test_seed() {
  if (const char* text = std::getenv("FIELDSYNC_SEED"); text && *text) return std::stoull(text);
  std::random_device random;
  return (static_cast<std::uint64_t>(random()) << 32) | random();
}

StateDump dump_replica(const Replica& replica, const std::vector<std::string>& collections) {
  StateDump out;
  ListQuery all;
  all.include_deleted = true;
  for (const auto& collection : collections) {
    for (const auto& record : replica.list(collection, all)) {
      out[{collection, record.state.id.to_string()}] = encode_state(record.state);
    }
  }
  return out;
}

StateDump dump_server_scope(server::Store& store, const server::Principal& reader,
                            const std::vector<std::string>& collections) {
  server::ScopePolicy scope(Schema::domain(), store);
  auto wanted = [&](const RecordState& state) {
    for (const auto& c : collections) {
      if (c == state.collection) return scope.may_read(reader, state);
    }
    return false;
  };
  StateDump out;
  std::uint64_t after = 0;
  for (;;) {
    server::ChangePage page = store.changes_since(after, 1000, scope.read_scope(reader), wanted);
    for (const auto& state : page.states) out[{state.collection, state.id.to_string()}] = encode_state(state);
    after = page.to_seq;
    if (!page.more) break;
  }
  return out;
}

std::string first_difference(const StateDump& expected, const StateDump& actual) {
  for (const auto& [key, bytes] : expected) {
    auto it = actual.find(key);
    if (it == actual.end()) return "missing " + key.first + " " + key.second;
    if (it->second != bytes) return "different state of " + key.first + " " + key.second;
  }
  for (const auto& [key, bytes] : actual) {
    if (!expected.count(key)) return "unexpected " + key.first + " " + key.second;
  }
  return {};
}

std::uint16_t free_tcp_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

ServerProcess::ServerProcess(std::filesystem::path data_dir, std::filesystem::path log_file,
                             ServerProcessOptions options)
    : data_dir_(std::move(data_dir)), log_file_(std::move(log_file)), options_(std::move(options)) {}

ServerProcess::~ServerProcess() {
  if (running()) kill_hard();
}

void ServerProcess::start() {
  if (running()) throw std::runtime_error("the server process is already running");
  std::error_code ec;
  const auto log_offset = std::filesystem::exists(log_file_) ? std::filesystem::file_size(log_file_, ec) : 0;

  const std::string exe = FIELDSYNC_SERVER_EXE;
  std::vector<std::string> args = {exe,         "--listen", "127.0.0.1:" + std::to_string(options_.port),
                                    "--data-dir",  data_dir_.string(),
                                    "--log-level", "info",     "--threads",
                                    "2"};
  // The suite's second run: the same data directory stands for one PostgreSQL database.
  if (const std::string store = test::test_store_for(data_dir_); !store.empty()) {
    args.insert(args.end(), {"--store", store});
  }
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  pid_ = spawn_logged(std::move(args), log_file_);

  // The log line `event=server_started address=... port=N ...` says it is serving.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::string log;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(log_file_);
    in.seekg(static_cast<std::streamoff>(log_offset));
    std::stringstream text;
    text << in.rdbuf();
    log = text.str();
    auto started = log.find("event=server_started");
    if (started != std::string::npos) {
      auto port_at = log.find(" port=", started);
      if (port_at != std::string::npos) {
        port_ = static_cast<std::uint16_t>(std::stoul(log.substr(port_at + 6)));
        return;
      }
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("fieldsync-server exited at start:\n" + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill_hard();
  throw std::runtime_error("fieldsync-server did not start within 10 s:\n" + log);
}

void ServerProcess::kill_hard() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

int ServerProcess::stop() {
  if (!running()) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ServerProcess::admin(const std::string& arguments) const {
  const std::string store = test::test_store_for(data_dir_);
  std::string command = std::string(FIELDSYNC_SERVER_EXE) + " --data-dir '" + data_dir_.string() + "' " +
                        (store.empty() ? "" : "--store '" + store + "' ");
  for (const auto& extra : options_.extra_args) command += "'" + extra + "' ";
  command += arguments + " 2>>'" + log_file_.string() + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  std::string out;
  std::array<char, 512> chunk{};
  while (std::fgets(chunk.data(), chunk.size(), pipe)) out += chunk.data();
  const int status = ::pclose(pipe);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("'" + arguments + "' failed (see " + log_file_.string() + "): " + out);
  }
  return out;
}

}  // namespace fieldsync::testing
