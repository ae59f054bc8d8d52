#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common.hpp"
#include "fieldsync/server/config.hpp"
#include "fieldsync/server/server.hpp"
#include "options.hpp"

namespace fieldsync::loadgen {

// The server a scenario talks to: by default a fieldsync::server::Server started in this
// process on 127.0.0.1 (free port, fresh data directory removed at the end); with
// --server URL --token TOKEN an external one, where every simulated user shares the token.
// Threads: construct, use and destroy from the scenario's main thread; url() and the
// tokens may be handed to any thread.
class SyncTarget {
 public:
  // `adjust` may change the in-process server's configuration (limits) before it starts.
  explicit SyncTarget(const Options& options, const std::function<void(server::ServerConfig&)>& adjust = {});
  ~SyncTarget();
  SyncTarget(const SyncTarget&) = delete;
  SyncTarget& operator=(const SyncTarget&) = delete;

  const std::string& url() const { return url_; }
  bool in_process() const { return server_ != nullptr; }
  server::Server& server() { return *server_; }

  // A rep who may write `territories`, and their token. In-process: the user is created
  // (once) and a token issued. External: the --token, whatever user it stands for.
  std::string rep_token(const std::string& user, const std::vector<std::string>& territories);
  // Territories the token may write in: the scope of its welcome; `fallback` when the
  // scope is unrestricted (supervisor, admin).
  std::vector<std::string> writable_territories(const std::string& token, const std::vector<std::string>& fallback);
  // Records per push and pull batch the server allows.
  std::size_t max_batch_records(const std::string& token);

  // A short description for the report.
  std::string description() const;

 private:
  std::unique_ptr<ScratchDir> data_dir_;
  std::unique_ptr<server::Server> server_;
  std::string url_;
  std::string external_token_;
  bool durable_ = true;
};

}  // namespace fieldsync::loadgen
