#pragma once

// The pieces of a cluster on this machine for the cluster test: a throwaway PostgreSQL
// (tools/pg-cluster: initdb in a scratch directory, its own port, run as the postgres user)
// and nginx in front of several fieldsync-server processes (the repository's
// server/packaging/nginx/fieldsync-cluster.conf, filled in). Each stops in its destructor.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace fieldsync::testing {

class PostgresCluster {
 public:
  // Starts it in a fresh directory of its own under the system temp dir (the postgres user
  // must reach it: not inside a test's private scratch directory), then creates the
  // database `database`. Throws std::runtime_error with the script's output on failure.
  PostgresCluster(std::uint16_t port, std::string database);
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  // A fast shutdown (open connections are cut) and a start on the same port and data.
  void restart();
  std::string url() const;

 private:
  void run(const std::string& arguments) const;

  std::filesystem::path dir_;
  std::uint16_t port_;
  std::string database_;
};

class NginxProcess {
 public:
  // Listens on 127.0.0.1:`port`, round-robin over the servers on `upstream_ports`.
  NginxProcess(std::filesystem::path dir, std::uint16_t port, const std::vector<std::uint16_t>& upstream_ports);
  ~NginxProcess();
  NginxProcess(const NginxProcess&) = delete;
  NginxProcess& operator=(const NginxProcess&) = delete;

  std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/sync"; }

 private:
  std::filesystem::path dir_;
  std::uint16_t port_;
  int pid_ = -1;
};

}  // namespace fieldsync::testing
