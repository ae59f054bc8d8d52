// fieldsync-server: runs the sync server, or an admin command on its data directory.
// The server is a library (fieldsync::server); this file only reads the configuration,
// sets up logging and waits for SIGINT/SIGTERM.
#include <csignal>
#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "admin_commands.hpp"
#include "enrolment_link.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/server/config.hpp"
#include "fieldsync/server/server.hpp"
#include "fieldsync/server/postgres_store.hpp"
#include "fieldsync/server/sqlite_store.hpp"
#include "store_selection.hpp"

namespace {

using namespace fieldsync;
using namespace fieldsync::server;

struct Flags {
  std::string config;
  std::string listen;
  std::string data_dir;
  std::string store;
  std::string log_level;
  unsigned threads = 0;
  unsigned store_threads = 0;
  std::string tls_cert;
  std::string tls_key;
  bool allow_plaintext = false;
};

// One log line per event, as key=value fields after a UTC time stamp and the level,
// on stderr (stdout is for admin command output).
void setup_logging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("fieldsync");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("ts=%Y-%m-%dT%H:%M:%S.%eZ level=%l thread=%t %v", spdlog::pattern_time_type::utc);
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::flush_on(spdlog::level::info);
}

// The configuration file (if any), then the flags on top of it.
ServerConfig resolve_config(const Flags& flags) {
  ServerConfig config = flags.config.empty() ? ServerConfig{} : load_config(flags.config);
  if (!flags.listen.empty()) apply_listen_address(config, flags.listen);
  if (!flags.data_dir.empty()) config.data_dir = flags.data_dir;
  if (!flags.store.empty()) config.store = flags.store;
  if (!flags.log_level.empty()) config.log_level = flags.log_level;
  if (flags.threads != 0) config.threads = flags.threads;
  if (flags.store_threads != 0) config.store_threads = flags.store_threads;
  if (!flags.tls_cert.empty()) config.tls_cert_file = flags.tls_cert;
  if (!flags.tls_key.empty()) config.tls_key_file = flags.tls_key;
  if (flags.allow_plaintext) config.allow_plaintext = true;
  validate_config(config);
  return config;
}

// The listen address, when phones can reach it as it is; a wildcard says nothing.
std::string enrol_server_url(const ServerConfig& config) {
  if (config.address == "0.0.0.0" || config.address == "::" || config.address.empty()) {
    throw Error(ErrorCode::kInvalidArgument,
                "the server listens on " + config.address + ": say which address phones reach with --server wss://HOST:PORT");
  }
  const bool v6 = config.address.find(':') != std::string::npos;
  return std::string(config.tls_enabled() ? "wss://" : "ws://") + (v6 ? "[" + config.address + "]" : config.address) +
         ":" + std::to_string(config.port);
}

int run_server(const ServerConfig& config) {
  setup_logging(config.log_level);
  Server server(config);
  server.start();
  boost::asio::io_context signals_context;
  boost::asio::signal_set signals(signals_context, SIGINT, SIGTERM);
  signals.async_wait([](const boost::system::error_code& ec, int signal) {
    if (!ec) spdlog::info("event=signal signal={}", signal == SIGINT ? "SIGINT" : "SIGTERM");
  });
  signals_context.run();  // returns once a signal arrived
  server.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"FieldSync sync server. Without a command it serves; `user` and `token` manage its data directory."};
  app.fallthrough();  // global flags may also follow the command
  Flags flags;
  app.add_option("--config", flags.config, "TOML configuration file (see fieldsync-server.example.toml)")
      ->check(CLI::ExistingFile);
  app.add_option("--listen", flags.listen, "ADDR:PORT to listen on, e.g. 0.0.0.0:8787 or [::1]:8787");
  app.add_option("--data-dir", flags.data_dir, "directory holding the server's database");
  app.add_option("--store", flags.store,
                 "a PostgreSQL URL (postgresql://...) to keep the data in instead of the embedded store in --data-dir");
  app.add_option("--log-level", flags.log_level, "trace, debug, info, warn, error, critical or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_option("--threads", flags.threads, "I/O threads")->check(CLI::Range(1, 256));
  app.add_option("--store-threads", flags.store_threads, "store workers (every database call runs on them)")
      ->check(CLI::Range(1, 256));
  app.add_option("--tls-cert", flags.tls_cert, "PEM certificate chain for wss:// and https:// (with --tls-key)");
  app.add_option("--tls-key", flags.tls_key, "PEM private key of --tls-cert");
  app.add_flag("--allow-plaintext", flags.allow_plaintext,
               "serve ws:// and http:// on a non-loopback address (behind a TLS proxy), or beside TLS");

  std::string name, role, territories, user_name, token_id, display_name;
  std::int64_t ttl_days = 30;
  auto* user = app.add_subcommand("user", "manage users")->require_subcommand(1);
  auto* user_add_cmd = user->add_subcommand("add", "add a user");
  user_add_cmd->add_option("name", name, "user name")->required();
  user_add_cmd->add_option("--role", role, "rep, supervisor or admin")->required();
  user_add_cmd->add_option("--territory", territories, "comma-separated territories (required for reps)");
  user_add_cmd->add_option("--display-name", display_name,
                           "the name people see beside the user's edits, e.g. \"Anna Weber\" (default: the user name)");
  auto* user_list_cmd = user->add_subcommand("list", "list users");
  auto* user_disable_cmd = user->add_subcommand("disable", "refuse a user's tokens; their open connections end");
  user_disable_cmd->add_option("name", name, "user name")->required();
  auto* user_enable_cmd = user->add_subcommand("enable", "let a disabled user in again");
  user_enable_cmd->add_option("name", name, "user name")->required();
  auto* user_territories_cmd =
      user->add_subcommand("set-territories", "replace a user's territories (their replicas resync)");
  user_territories_cmd->add_option("name", name, "user name")->required();
  user_territories_cmd->add_option("territories", territories, "comma-separated territories, e.g. north,east")
      ->required();
  auto* user_name_cmd =
      user->add_subcommand("set-name", "set the name people see beside a user's edits (\"\": the user name)");
  user_name_cmd->add_option("name", name, "user name")->required();
  user_name_cmd->add_option("display_name", display_name, "e.g. \"Anna Weber\"")->required();

  auto* token = app.add_subcommand("token", "manage access tokens")->require_subcommand(1);
  auto* token_issue_cmd = token->add_subcommand("issue", "issue a token for a user (printed once)");
  token_issue_cmd->add_option("user", user_name, "user name")->required();
  token_issue_cmd->add_option("--ttl-days", ttl_days, "days until the token expires (default 30)");
  auto* token_revoke_cmd = token->add_subcommand("revoke", "revoke a token");
  token_revoke_cmd->add_option("token_id", token_id, "the token's id, from `token list`")->required();
  auto* token_list_cmd = token->add_subcommand("list", "list tokens");
  EnrolOptions enrol_options;
  std::string enrol_ca_cert;
  auto* enrol_cmd = app.add_subcommand("enrol", "a one-time code (and its QR code) that signs a phone in as USER");
  enrol_cmd->add_option("user", enrol_options.user, "user name")->required();
  enrol_cmd->add_option("--ttl-minutes", enrol_options.ttl_minutes, "minutes the code works (default 15)");
  enrol_cmd->add_option("--token-ttl-days", enrol_options.token_ttl_days,
                        "days until the phone's token expires (default 30)");
  enrol_cmd->add_option("--server", enrol_options.server,
                        "the address phones reach, e.g. wss://sync.example.com:8787 (default: the listen address)");
  enrol_cmd->add_option("--ca-cert", enrol_ca_cert,
                        "PEM certificate phones pin (default: the top of --tls-cert's chain if it is self-signed)")
      ->check(CLI::ExistingFile);
  enrol_cmd->add_option("--qr", enrol_options.qr_file, "where to write the QR code (SVG; default enrol-USER.svg)");
  std::string backup_file;
  auto* backup_cmd = app.add_subcommand("backup", "copy the store to FILE, online (the server may be running)");
  backup_cmd->add_option("file", backup_file, "where to write the copy")->required();
  std::string restore_file;
  auto* restore_cmd = app.add_subcommand("restore", "replace the store with a backup (stop the server first)");
  restore_cmd->add_option("file", restore_file, "a file written by `backup`")->required();
  auto* collect_cmd = app.add_subcommand(
      "collect-tombstones", "remove deleted records every replica seen within the horizon has pulled (the server may be running)");
  std::int64_t audit_days = 0;
  auto* prune_audit_cmd = app.add_subcommand(
      "prune-audit", "remove audit entries older than [audit] retention_days, or --older-than-days (the server may be running)");
  prune_audit_cmd->add_option("--older-than-days", audit_days, "days to keep (default: the config's retention_days)");
  auto* new_generation_cmd = app.add_subcommand(
      "new-generation", "start a new store generation after pg_restore (phones re-send what they hold)");
  std::string migrate_to;
  auto* migrate_cmd = app.add_subcommand(
      "migrate", "copy the embedded store in --data-dir into an empty PostgreSQL store (stop the server first)");
  migrate_cmd->add_option("--to", migrate_to, "the PostgreSQL URL, postgresql://...")->required();
  app.require_subcommand(0, 1);

  CLI11_PARSE(app, argc, argv);

  try {
    const ServerConfig config = resolve_config(flags);
    if (!user->parsed() && !token->parsed() && !backup_cmd->parsed() && !restore_cmd->parsed() &&
        !collect_cmd->parsed() && !prune_audit_cmd->parsed() && !new_generation_cmd->parsed() &&
        !migrate_cmd->parsed() && !enrol_cmd->parsed()) {
      return run_server(config);
    }

    spdlog::set_level(spdlog::level::warn);  // admin output is for people, not logs
    SystemClock clock;
    const bool postgres = !config.store.empty();
    if ((backup_cmd->parsed() || restore_cmd->parsed()) && postgres) {
      throw Error(ErrorCode::kInvalidArgument,
                  "a PostgreSQL store is backed up and restored with pg_dump and pg_restore, then `fieldsync-server "
                  "--store URL new-generation` (docs/operations.md, \"PostgreSQL\")");
    }
    if (new_generation_cmd->parsed()) {
      if (!postgres) {
        throw Error(ErrorCode::kInvalidArgument,
                    "new-generation is for a PostgreSQL store (--store URL); `restore` starts one for the embedded store");
      }
      std::cout << "store generation " << start_new_postgres_generation(config.store, Schema::domain(), clock)
                << ": replicas re-send what they hold and pull from the start\n";
      return 0;
    }
    if (migrate_cmd->parsed()) {
      if (!is_postgres_url(migrate_to)) throw Error(ErrorCode::kInvalidArgument, "--to wants a postgresql:// URL");
      const StoreMigration done = migrate_sqlite_to_postgres(config.data_dir, migrate_to, Schema::domain(), clock);
      std::cout << "copied " << done.records << " records (head " << done.head << "), " << done.users << " users, "
                << done.tokens << " tokens, " << done.replicas << " replicas and " << done.audit_entries
                << " audit entries from " << config.data_dir.string()
                << "; start the server with store = the PostgreSQL URL\n";
      return 0;
    }
    if (restore_cmd->parsed()) {
      restore_sqlite_store(config.data_dir, restore_file, Schema::domain(), clock);
      std::cout << "restored " << restore_file << " into " << config.data_dir.string()
                << " (a new store generation: replicas re-send what they hold)\n";
      return 0;
    }
    auto store = open_configured_store(config, Schema::domain(), clock);
    if (backup_cmd->parsed()) {
      store->backup(backup_file);
      std::cout << "backup written to " << backup_file << "\n";
    }
    if (collect_cmd->parsed()) {
      const auto horizon = static_cast<std::uint64_t>(config.tombstones.horizon.count());
      const TombstoneCollection done = store->collect_tombstones(clock.now_ms(), horizon);
      std::cout << "removed " << done.records << " tombstones up to sequence " << done.up_to_seq << " ("
                << done.replicas_waited_for << " replicas seen within the horizon had pulled that far); replicas behind "
                << done.collected_seq << " will resync from scratch\n";
    }
    if (user_add_cmd->parsed()) user_add(*store, name, role, territories, display_name, std::cout);
    if (user_name_cmd->parsed()) user_set_display_name(*store, name, display_name, std::cout);
    if (user_list_cmd->parsed()) user_list(*store, std::cout);
    if (user_disable_cmd->parsed()) user_set_disabled(*store, name, true, std::cout);
    if (user_enable_cmd->parsed()) user_set_disabled(*store, name, false, std::cout);
    if (user_territories_cmd->parsed()) user_set_territories(*store, name, territories, std::cout);
    if (prune_audit_cmd->parsed()) {
      const auto retention_days = std::chrono::duration_cast<std::chrono::hours>(config.audit.retention).count() / 24;
      prune_audit(*store, clock, audit_days ? audit_days : static_cast<std::int64_t>(retention_days), std::cout);
    }
    if (token_issue_cmd->parsed()) token_issue(*store, clock, user_name, ttl_days, std::cout, std::cerr);
    if (enrol_cmd->parsed()) {
      if (enrol_options.server.empty()) enrol_options.server = enrol_server_url(config);
      if (!enrol_ca_cert.empty()) {
        enrol_options.pin = certificate_pin(enrol_ca_cert);
      } else if (config.tls_enabled()) {
        enrol_options.pin = private_ca_pin(config.tls_cert_file);
      }
      if (enrol_options.qr_file.empty()) enrol_options.qr_file = "enrol-" + enrol_options.user + ".svg";
      enrol(*store, clock, enrol_options, std::cout, std::cerr);
    }
    if (token_revoke_cmd->parsed()) token_revoke(*store, token_id, std::cout);
    if (token_list_cmd->parsed()) token_list(*store, clock, std::cout);
    return 0;
  } catch (const Error& e) {
    std::cerr << "fieldsync-server: " << e.what() << " (" << error_code_name(e.code()) << ")\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "fieldsync-server: " << e.what() << "\n";
    return 1;
  }
}
