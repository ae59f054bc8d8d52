// fieldsync-faultproxy: a TCP proxy between sync clients and the server that injects
// network faults (delay and jitter, dropped and reset connections, split writes, stalls).
// docs/testing.md describes the flags and how to replay a run with --seed.

#include <csignal>
#include <iostream>
#include <random>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include "fieldsync/core/error.hpp"
#include "fieldsync/faultproxy/fault_proxy.hpp"

int main(int argc, char** argv) {
  using namespace fieldsync;
  CLI::App app{"fieldsync-faultproxy: a TCP proxy that injects network faults between sync clients and the server"};
  std::string listen = "127.0.0.1:0";
  std::string target;
  std::uint64_t seed = std::random_device{}();
  std::int64_t delay_ms = 0, jitter_ms = 0, stall_ms = 0;
  faultproxy::FaultOptions faults;
  unsigned threads = 1;
  std::string log_level = "info";
  std::size_t chunk_bytes = 16 * 1024;
  app.add_option("--listen", listen, "ADDR:PORT to listen on (port 0: any free port; the log says which)")
      ->capture_default_str();
  app.add_option("--target", target, "HOST:PORT of the sync server")->required();
  app.add_option("--seed", seed, "seed of every random fault choice (printed at start; give it again to replay)");
  app.add_option("--delay-ms", delay_ms, "delay every chunk by this many milliseconds")->check(CLI::NonNegativeNumber);
  app.add_option("--jitter-ms", jitter_ms, "plus a uniform random delay up to this")->check(CLI::NonNegativeNumber);
  app.add_option("--drop-after-bytes", faults.drop_after_bytes, "cut each connection after it carried this many bytes");
  app.add_option("--drop-probability", faults.drop_probability, "cut the connection instead of forwarding a chunk")
      ->check(CLI::Range(0.0, 1.0));
  app.add_flag("--reset", faults.reset, "cut with a TCP reset (SO_LINGER 0) instead of an orderly close");
  app.add_option("--split-max-bytes", faults.split_max, "forward each chunk in random pieces of 1..N bytes");
  app.add_option("--stall-probability", faults.stall_probability, "stop a direction before a chunk ...")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--stall-ms", stall_ms, "... for this many milliseconds")->check(CLI::NonNegativeNumber);
  app.add_option("--chunk-bytes", chunk_bytes, "largest read, the unit the faults apply to")->check(CLI::PositiveNumber);
  app.add_option("--threads", threads, "I/O threads")->check(CLI::Range(1, 64));
  app.add_option("--log-level", log_level, "trace, debug (every connection and fault), info, warn, error")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  spdlog::set_level(spdlog::level::from_str(log_level));
  faults.delay = std::chrono::milliseconds(delay_ms);
  faults.jitter = std::chrono::milliseconds(jitter_ms);
  faults.stall = std::chrono::milliseconds(stall_ms);
  try {
    faultproxy::ProxyOptions options;
    std::tie(options.listen_address, options.listen_port) = faultproxy::parse_endpoint(listen);
    std::tie(options.target_host, options.target_port) = faultproxy::parse_endpoint(target);
    options.seed = seed;
    options.faults = faults;
    options.chunk_bytes = chunk_bytes;
    faultproxy::FaultProxy proxy(options);
    proxy.start(threads);

    boost::asio::io_context signals_io;
    boost::asio::signal_set signals(signals_io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int signal) {
      spdlog::info("event=proxy_stopping signal={}", signal);
    });
    signals_io.run();
    proxy.stop();
    const auto stats = proxy.stats();
    spdlog::info("event=proxy_stopped connections={} upstream_failures={} bytes={} cuts={} stalls={} split_writes={}",
                 stats.connections, stats.upstream_failures, stats.bytes, stats.cuts, stats.stalls,
                 stats.split_writes);
    return 0;
  } catch (const Error& e) {
    std::cerr << "fieldsync-faultproxy: " << e.what() << "\n";
    return 2;
  }
}
