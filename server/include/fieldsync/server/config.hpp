#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "fieldsync/server/limits.hpp"

namespace fieldsync::server {

// Everything the server process is configured with: the TOML file
// (fieldsync-server.example.toml documents every key), then command-line flags on top.
struct ServerConfig {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8787;  // 0: let the system pick a free port (tests)
  std::filesystem::path data_dir = "fieldsync-data";
  unsigned threads = 2;  // I/O threads running the io_context
  std::string log_level = "info";  // applied by main(); an embedding program sets up its own logging
  Limits limits;
  bool durable = true;  // fsync every commit (synchronous=FULL): an acked push survives power loss
};

// Reads a TOML config file. Keys left out keep their defaults. An unknown key, a value of
// the wrong type or out of range throws Error(kInvalidArgument) naming the key and the
// line; a missing or unreadable file throws Error(kIo).
ServerConfig load_config(const std::filesystem::path& path);
// The same from text; `source` names it in error messages.
ServerConfig parse_config(std::string_view toml_text, std::string_view source = "config");

// Checks values that flags may also set; throws Error(kInvalidArgument) saying what is wrong.
void validate_config(const ServerConfig& config);

// Splits "ADDR:PORT" (IPv6 in brackets: "[::1]:8787") into the config's address and port;
// throws Error(kInvalidArgument) on a malformed value.
void apply_listen_address(ServerConfig& config, std::string_view listen);

}  // namespace fieldsync::server
