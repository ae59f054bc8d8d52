#include "server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "common.hpp"
#include "fieldsync/core/clock.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/server/sqlite_store.hpp"

extern char** environ;

namespace fieldsync::loadgen {

namespace {

using boost::asio::ip::tcp;

std::uint16_t pick_free_port() {
  boost::asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

bool accepts_connections(std::uint16_t port) {
  boost::asio::io_context io;
  tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port), ec);
  return !ec;
}

}  // namespace

ServerProcess::ServerProcess(const std::string& binary, const std::filesystem::path& dir,
                             const ServerProcessConfig& config)
    : log_path_(dir / "server.log") {
  const auto data_dir = dir / "data";
  {
    SystemClock clock;
    auto store = server::open_sqlite_store(data_dir, Schema::domain(), clock, config.durable);
    store->add_user({"idle-rep", server::Role::kRep, {"north"}});
    token_ = store->issue_token("idle-rep", 24 * 3'600'000ULL, clock.now_ms()).token;
    if (config.prepare) config.prepare(*store, clock.now_ms());
  }
  const auto config_path = dir / "server.toml";
  {
    std::ofstream toml(config_path);
    toml << "durable = " << (config.durable ? "true" : "false") << "\n"
         << "[limits]\n"
         << "max_connections_per_user = " << config.max_connections_per_user << "\n"
         << "max_connections_per_address = " << config.max_connections_per_address << "\n";
    if (!toml) throw Error(ErrorCode::kIo, "cannot write " + config_path.string());
  }
  const std::uint16_t port = pick_free_port();
  url_ = "ws://127.0.0.1:" + std::to_string(port) + "/sync";

  std::vector<std::string> args = {binary,
                                   "--config", config_path.string(),
                                   "--data-dir", data_dir.string(),
                                   "--listen", "127.0.0.1:" + std::to_string(port),
                                   "--threads", std::to_string(config.threads),
                                   "--log-level", "warn"};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  const int spawned = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    pid_ = -1;
    throw Error(ErrorCode::kIo, "cannot start " + binary + ": " + std::strerror(spawned));
  }

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (!accepts_connections(port)) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw Error(ErrorCode::kIo, binary + " exited at start:\n" + log_tail());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw Error(ErrorCode::kIo, binary + " does not accept connections after 15 s:\n" + log_tail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string ServerProcess::log_tail() const {
  std::ifstream log(log_path_);
  std::stringstream text;
  text << log.rdbuf();
  std::string all = text.str();
  return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

std::string find_server_binary() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  // build/<dir>/tools/loadgen/fieldsync-loadgen -> build/<dir>/server/fieldsync-server
  const auto candidate = self.parent_path().parent_path().parent_path() / "server" / "fieldsync-server";
  if (std::filesystem::exists(candidate, ec)) return candidate.string();
  return {};
}

MeasuredServer measured_server(const Options& options, const std::filesystem::path& dir,
                               const ServerProcessConfig& config, Report& report) {
  MeasuredServer server;
  if (!options.server_url.empty()) {
    if (options.token.empty()) throw Error(ErrorCode::kInvalidArgument, "--server needs --token");
    server.url = options.server_url;
    server.token = options.token;
    server.pid = options.server_pid;
    report.parameter("server", "external " + server.url +
                                   (server.pid ? ", pid " + std::to_string(server.pid) : ", no --server-pid: memory not read"));
    return server;
  }
  const std::string binary = options.server_binary.empty() ? find_server_binary() : options.server_binary;
  if (binary.empty()) {
    throw Error(ErrorCode::kInvalidArgument,
                options.scenario + ": no fieldsync-server next to this program; build it or give --server-binary PATH");
  }
  server.child = std::make_unique<ServerProcess>(binary, dir, config);
  server.url = server.child->url();
  server.token = server.child->token();
  server.pid = server.child->pid();
  report.parameter("server", binary + " (child process, pid " + std::to_string(server.pid) + "), " +
                                 std::to_string(config.threads) + " I/O threads, durable=" +
                                 (config.durable ? "true" : "false") + ", max_connections_per_user=" +
                                 std::to_string(config.max_connections_per_user));
  return server;
}

}  // namespace fieldsync::loadgen
