// `idle`: many connected, idle clients; the server's memory per connection.
#include <thread>

#include "common.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/tools/progress_bar.hpp"
#include "raw_session.hpp"
#include "scenarios.hpp"
#include "server_process.hpp"

namespace fieldsync::loadgen {

namespace idle_scenario {

constexpr std::size_t kDefaultClients = 10'000;
constexpr std::size_t kReservedFiles = 64;  // this process's own files, beside the sockets
constexpr double kTargetMiBFor10k = 150.0;

}  // namespace idle_scenario

Report run_idle(const Options& options) {
  using namespace idle_scenario;
  Report report;
  report.scenario = "idle";
  std::size_t clients = options.clients ? options.clients : kDefaultClients;
  const std::size_t file_limit = raise_open_file_limit();
  if (clients + kReservedFiles > file_limit) {
    const std::size_t capped = file_limit > kReservedFiles ? file_limit - kReservedFiles : 0;
    report.notes.push_back("RLIMIT_NOFILE (hard limit " + std::to_string(file_limit) + ") caps the clients at " +
                           std::to_string(capped) + " instead of " + std::to_string(clients));
    clients = capped;
  }

  ScratchDir scratch(options.dir);
  ServerProcessConfig config;
  config.threads = options.server_threads;
  config.durable = options.durable;
  config.max_connections_per_user = clients + 16;
  const MeasuredServer server = measured_server(options, scratch.path(), config, report);
  const std::string& url = server.url;
  const std::string& token = server.token;
  const int pid = server.pid;
  report.parameter("clients", std::to_string(clients) + " raw WebSocket clients: upgrade, hello, welcome, then idle");
  report.parameter("open files", "RLIMIT_NOFILE raised to " + std::to_string(file_limit) + " (inherited by the child server)");
  report.parameter("attempts in flight", std::to_string(options.max_in_flight));

  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const std::size_t server_before = pid ? resident_kib(pid) : 0;
  const std::size_t client_before = resident_kib(0);

  IdlePool pool(url, token, options.max_in_flight);
  const auto start = SteadyClock::now();
  pool.open(clients);
  {
    tools::ProgressBar line("idle: connecting", clients, options.progress, "");
    std::size_t last_settled = 0;
    auto last_change = SteadyClock::now();
    while (pool.settled() < clients) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      line.update(pool.settled());
      if (pool.settled() != last_settled) {
        last_settled = pool.settled();
        last_change = SteadyClock::now();
      } else if (SteadyClock::now() - last_change > std::chrono::seconds(30)) {
        report.notes.push_back("no progress for 30 s: gave up waiting for the remaining connections");
        break;
      }
    }
    line.update(pool.settled());
  }
  const double connect_s = seconds_between(start, SteadyClock::now());
  std::this_thread::sleep_for(std::chrono::seconds(2));  // let the server's allocator settle
  const std::size_t server_after = pid ? resident_kib(pid) : 0;
  const std::size_t server_peak = pid ? resident_kib(pid, "VmHWM") : 0;
  const std::size_t client_after = resident_kib(0);
  const std::size_t connected = pool.welcomed() - pool.dropped();

  report.figure("connections welcomed", static_cast<double>(pool.welcomed()), "connections");
  report.figure("connections failed", static_cast<double>(pool.failed()), "connections");
  report.figure("connections dropped after the welcome", static_cast<double>(pool.dropped()), "connections");
  report.figure("time to open them all", connect_s, "s");
  report.figure("  connections/s", static_cast<double>(pool.settled()) / connect_s, "connections/s");
  if (pid) {
    const double per_connection_kib =
        connected ? static_cast<double>(server_after - std::min(server_after, server_before)) / static_cast<double>(connected) : 0;
    report.figure("server RSS before", kib_to_mib(server_before), "MiB");
    Figure& total = report.figure("server RSS with the clients connected", kib_to_mib(server_after), "MiB");
    if (connected >= kDefaultClients) {
      total.target = "<= 150 MiB (10k)";
      total.met = kib_to_mib(server_after) <= kTargetMiBFor10k * static_cast<double>(connected) / 10'000.0;
    }
    report.figure("server peak RSS (VmHWM)", kib_to_mib(server_peak), "MiB");
    report.figure_at_most("server RSS per connection (delta / connections)", per_connection_kib, "KiB",
                          kTargetMiBFor10k * 1024.0 / 10'000.0);
  }
  report.figure("load generator RSS delta (client side)", kib_to_mib(client_after - std::min(client_after, client_before)), "MiB");
  if (pool.failed() > 0) report.notes.push_back("first failure: " + pool.first_failure());
  return report;
}

}  // namespace fieldsync::loadgen
