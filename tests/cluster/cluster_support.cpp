#include "cluster_support.hpp"

#include "fieldsync/test/pg_database.hpp"
#include "system_support.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace fieldsync::testing {
namespace {

// Runs a shell command; returns its output (stdout and stderr), throws if it fails.
std::string run_command(const std::string& command) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  std::string out;
  std::array<char, 512> chunk{};
  while (std::fgets(chunk.data(), chunk.size(), pipe)) out += chunk.data();
  const int status = ::pclose(pipe);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error(command + " failed:\n" + out);
  return out;
}

bool accepts_connections(std::uint16_t port) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
  return !ec;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

PostgresCluster::PostgresCluster(std::uint16_t port, std::string database)
    : port_(port), database_(std::move(database)) {
  std::string pattern = (std::filesystem::temp_directory_path() / "fieldsync-pg-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  run("start '" + dir_.string() + "' " + std::to_string(port_));
  fieldsync::test::ensure_pg_database(
      "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres", database_);
}

PostgresCluster::~PostgresCluster() {
  try {
    run("stop '" + dir_.string() + "'");
  } catch (...) {  // nothing more to do in a destructor
  }
}

void PostgresCluster::restart() { run("restart '" + dir_.string() + "'"); }

std::string PostgresCluster::url() const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database_;
}

void PostgresCluster::run(const std::string& arguments) const {
  run_command("'" + std::string(FIELDSYNC_PG_CLUSTER_SCRIPT) + "' " + arguments);
}

NginxProcess::NginxProcess(std::filesystem::path dir, std::uint16_t port, const std::vector<std::uint16_t>& upstream_ports)
    : dir_(std::move(dir)), port_(port) {
  std::filesystem::create_directories(dir_);
  std::string config = read_file(FIELDSYNC_NGINX_TEMPLATE);
  if (config.empty()) throw std::runtime_error("cannot read " + std::string(FIELDSYNC_NGINX_TEMPLATE));
  std::string upstreams;
  for (const auto upstream : upstream_ports) {
    upstreams += "    server 127.0.0.1:" + std::to_string(upstream) + " max_fails=1 fail_timeout=2s;\n";
  }
  replace_all(config, "@UPSTREAMS@\n", upstreams);
  replace_all(config, "@LISTEN@", "127.0.0.1:" + std::to_string(port_));
  replace_all(config, "@PREFIX@", dir_.string());
  const auto config_file = dir_ / "nginx.conf";
  std::ofstream(config_file) << config;

  const std::string log = (dir_ / "nginx.log").string();
  pid_ = spawn_logged({"nginx", "-p", dir_.string(), "-c", config_file.string(), "-e", "stderr"}, log);
  for (int i = 0; i < 100; ++i) {
    if (accepts_connections(port_)) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("nginx exited:\n" + read_file(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("nginx does not listen on " + std::to_string(port_) + ":\n" + read_file(log));
}

NginxProcess::~NginxProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);  // the master stops its worker and exits
  int status = 0;
  ::waitpid(pid_, &status, 0);
}

}  // namespace fieldsync::testing
