#include "target.hpp"

#include "fieldsync/core/error.hpp"
#include "raw_session.hpp"

namespace fieldsync::loadgen {

SyncTarget::SyncTarget(const Options& options, const std::function<void(server::ServerConfig&)>& adjust)
    : durable_(options.durable) {
  if (!options.server_url.empty()) {
    if (options.token.empty()) throw Error(ErrorCode::kInvalidArgument, "--server needs --token");
    url_ = options.server_url;
    external_token_ = options.token;
    return;
  }
  data_dir_ = std::make_unique<ScratchDir>(options.dir);
  server::ServerConfig config;
  config.address = "127.0.0.1";
  config.port = 0;
  config.data_dir = data_dir_->path() / "server";
  config.threads = options.server_threads;
  if (options.server_store_threads) config.store_threads = options.server_store_threads;
  config.durable = options.durable;
  config.log_level = "warn";
  if (adjust) adjust(config);
  server_ = std::make_unique<server::Server>(config);
  server_->start();
  url_ = "ws://127.0.0.1:" + std::to_string(server_->port()) + "/sync";
}

SyncTarget::~SyncTarget() {
  if (server_) server_->stop();
  server_.reset();
}

std::string SyncTarget::rep_token(const std::string& user, const std::vector<std::string>& territories) {
  if (!server_) return external_token_;
  try {
    server_->store().add_user({user, server::Role::kRep, territories});
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kAlreadyExists) throw;
  }
  return server_->store().issue_token(user, 24 * 3'600'000ULL, wall_clock_ms()).token;
}

std::vector<std::string> SyncTarget::writable_territories(const std::string& token,
                                                          const std::vector<std::string>& fallback) {
  const proto::Welcome welcome = fetch_welcome(url_, token);
  if (welcome.scope().territories().empty()) return fallback;
  return {welcome.scope().territories().begin(), welcome.scope().territories().end()};
}

std::size_t SyncTarget::max_batch_records(const std::string& token) {
  if (server_) return server_->config().limits.max_batch_records;
  return fetch_welcome(url_, token).max_batch_records();
}

std::string SyncTarget::description() const {
  if (!server_) return "external " + url_;
  const std::string prefix = "in-process Server on 127.0.0.1, " + std::to_string(server_->config().threads) +
                             " I/O threads, " + std::to_string(server_->config().store_threads) + " store workers, ";
  // A PostgreSQL store's commits are as durable as its cluster is set up to make them.
  if (!server_->config().store.empty()) return prefix + "PostgreSQL store";
  return prefix + "durable=" + (durable_ ? "true (synchronous=FULL)" : "false (synchronous=NORMAL)");
}

}  // namespace fieldsync::loadgen
