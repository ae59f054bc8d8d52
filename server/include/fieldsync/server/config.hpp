#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "fieldsync/server/limits.hpp"

namespace fieldsync::server {

// When deleted records are removed for good (DESIGN: tombstones).
struct TombstoneOptions {
  // Replicas not seen for this long are not waited for: at their next sync they are told
  // to resync from scratch (their unpushed edits go up first).
  std::chrono::milliseconds horizon{std::chrono::hours(24 * 30)};
  // How often the running server collects; 0: only `fieldsync-server collect-tombstones`.
  std::chrono::milliseconds interval{std::chrono::hours(1)};
};

// How long the audit log keeps its entries (docs/operations.md, "Audit log").
struct AuditOptions {
  // Entries older than this are removed by the periodic collection (tombstones'
  // collect_interval) and by `fieldsync-server prune-audit`; 0: kept for ever.
  std::chrono::milliseconds retention{0};
};

// Everything the server process is configured with: the TOML file
// (fieldsync-server.example.toml documents every key), then command-line flags on top.
struct ServerConfig {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8787;  // 0: let the system pick a free port (tests)
  std::filesystem::path data_dir = "fieldsync-data";
  // Empty: the embedded SQLite store in data_dir. "postgresql://...": a PostgreSQL store
  // (postgres_store.hpp), which several server processes may share.
  std::string store;
  unsigned threads = 2;  // I/O threads running the io_context
  // Store workers: every store call (push, pull pages, hello, authentication, history,
  // periodic collection) and live fan-out run on them, never on an I/O thread.
  unsigned store_threads = 4;
  std::string log_level = "info";  // applied by main(); an embedding program sets up its own logging
  Limits limits;
  TombstoneOptions tombstones;
  AuditOptions audit;
  bool durable = true;  // fsync every commit (synchronous=FULL): an acked push survives power loss

  // TLS for wss:// and https:// on the one port: PEM files, both or neither. With them,
  // plaintext connections to the port are refused unless allow_plaintext is set.
  std::filesystem::path tls_cert_file;  // the server's certificate, then its intermediates
  std::filesystem::path tls_key_file;   // its private key (unencrypted PEM)
  // Plain ws:// and http:// on an address other than loopback (behind a TLS-terminating
  // proxy, say), or beside TLS on the same port. Loopback may always serve plaintext.
  bool allow_plaintext = false;
  // IP addresses of the load balancers in front (nginx): from these peers alone the
  // X-Forwarded-For header names the client, for the per-client enrolment guessing limit
  // and the logs. Empty: the header is ignored (anyone could send it).
  std::vector<std::string> trusted_proxies;

  bool tls_enabled() const { return !tls_cert_file.empty(); }
};

// Reads a TOML config file. Keys left out keep their defaults. An unknown key, a value of
// the wrong type or out of range throws Error(kInvalidArgument) naming the key and the
// line; a missing or unreadable file throws Error(kIo).
ServerConfig load_config(const std::filesystem::path& path);
// The same from text; `source` names it in error messages.
ServerConfig parse_config(std::string_view toml_text, std::string_view source = "config");

// Checks values that flags may also set; throws Error(kInvalidArgument) saying what is wrong.
void validate_config(const ServerConfig& config);

// Refuses to serve unencrypted where others can listen: without TLS, the address must be
// loopback (127.0.0.0/8, ::1) or allow_plaintext set. Throws Error(kInvalidArgument)
// saying how to fix it. Server's constructor calls it; admin commands do not need it.
void validate_transport(const ServerConfig& config);

// True for 127.0.0.0/8, ::1 and IPv4-mapped loopback; false for anything else, including
// a text that is not an IP address.
bool is_loopback_address(std::string_view address);

// Splits "ADDR:PORT" (IPv6 in brackets: "[::1]:8787") into the config's address and port;
// throws Error(kInvalidArgument) on a malformed value.
void apply_listen_address(ServerConfig& config, std::string_view listen);

}  // namespace fieldsync::server
