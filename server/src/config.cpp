#include "fieldsync/server/config.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>

#include <toml++/toml.h>

#include <boost/asio/ip/address.hpp>

#include "fieldsync/core/error.hpp"

namespace fieldsync::server {
namespace {

[[noreturn]] void fail(const std::string& message) { throw Error(ErrorCode::kInvalidArgument, message); }

// "config.toml:12: " so that an operator can go straight to the line.
std::string where(std::string_view source, const toml::node& node) {
  return std::string(source) + ":" + std::to_string(node.source().begin.line) + ": ";
}

// Reads one key's value into the config, checking its type and range.
using Reader = std::function<void(ServerConfig&, const toml::node&, const std::string& at)>;

std::int64_t integer(const toml::node& node, const std::string& at, const std::string& key, std::int64_t min,
                     std::int64_t max) {
  const auto* value = node.as_integer();
  if (!value) fail(at + "'" + key + "' must be an integer");
  const std::int64_t v = value->get();
  if (v < min || v > max) {
    fail(at + "'" + key + "' must be between " + std::to_string(min) + " and " + std::to_string(max) + ", not " +
         std::to_string(v));
  }
  return v;
}

std::string text(const toml::node& node, const std::string& at, const std::string& key) {
  const auto* value = node.as_string();
  if (!value) fail(at + "'" + key + "' must be a string");
  return value->get();
}

bool boolean(const toml::node& node, const std::string& at, const std::string& key) {
  const auto* value = node.as_boolean();
  if (!value) fail(at + "'" + key + "' must be true or false");
  return value->get();
}

void require_ip_addresses(const std::vector<std::string>& proxies, const std::string& at) {
  for (const auto& proxy : proxies) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(proxy, ec);
    if (ec) fail(at + "trusted_proxies: '" + proxy + "' is not an IP address (name each load balancer by its address)");
  }
}

template <typename Field>
Reader count(Field Limits::*field, const std::string& key, std::int64_t min, std::int64_t max) {
  return [=](ServerConfig& c, const toml::node& n, const std::string& at) {
    c.limits.*field = static_cast<Field>(integer(n, at, key, min, max));
  };
}

Reader millis(std::chrono::milliseconds Limits::*field, const std::string& key, std::int64_t min, std::int64_t max) {
  return [=](ServerConfig& c, const toml::node& n, const std::string& at) {
    c.limits.*field = std::chrono::milliseconds(integer(n, at, key, min, max));
  };
}

const std::map<std::string, Reader>& top_level_keys() {
  static const std::map<std::string, Reader> keys{
      {"address", [](ServerConfig& c, const toml::node& n, const std::string& at) { c.address = text(n, at, "address"); }},
      {"port",
       [](ServerConfig& c, const toml::node& n, const std::string& at) {
         c.port = static_cast<std::uint16_t>(integer(n, at, "port", 0, 65535));
       }},
      {"data_dir",
       [](ServerConfig& c, const toml::node& n, const std::string& at) { c.data_dir = text(n, at, "data_dir"); }},
      {"store",
       [](ServerConfig& c, const toml::node& n, const std::string& at) { c.store = text(n, at, "store"); }},
      {"threads",
       [](ServerConfig& c, const toml::node& n, const std::string& at) {
         c.threads = static_cast<unsigned>(integer(n, at, "threads", 1, 256));
       }},
      {"store_threads",
       [](ServerConfig& c, const toml::node& n, const std::string& at) {
         c.store_threads = static_cast<unsigned>(integer(n, at, "store_threads", 1, 256));
       }},
      {"log_level",
       [](ServerConfig& c, const toml::node& n, const std::string& at) { c.log_level = text(n, at, "log_level"); }},
      {"durable",
       [](ServerConfig& c, const toml::node& n, const std::string& at) { c.durable = boolean(n, at, "durable"); }},
      {"allow_plaintext",
       [](ServerConfig& c, const toml::node& n, const std::string& at) {
         c.allow_plaintext = boolean(n, at, "allow_plaintext");
       }},
      {"trusted_proxies",
       [](ServerConfig& c, const toml::node& n, const std::string& at) {
         const auto* list = n.as_array();
         if (!list) fail(at + "'trusted_proxies' must be a list of IP addresses");
         c.trusted_proxies.clear();
         for (const auto& entry : *list) c.trusted_proxies.push_back(text(entry, at, "trusted_proxies"));
         require_ip_addresses(c.trusted_proxies, at);
       }},
  };
  return keys;
}

const std::map<std::string, Reader>& tls_keys() {
  static const std::map<std::string, Reader> keys{
      {"cert_file",
       [](ServerConfig& c, const toml::node& n, const std::string& at) { c.tls_cert_file = text(n, at, "cert_file"); }},
      {"key_file",
       [](ServerConfig& c, const toml::node& n, const std::string& at) { c.tls_key_file = text(n, at, "key_file"); }},
  };
  return keys;
}

const std::map<std::string, Reader>& tombstone_keys() {
  using std::chrono::hours;
  using std::chrono::minutes;
  static const std::map<std::string, Reader> keys{
      {"horizon_days",
       [](ServerConfig& c, const toml::node& n, const std::string& at) {
         c.tombstones.horizon = hours(24 * integer(n, at, "horizon_days", 1, 3650));
       }},
      {"collect_interval_minutes",
       [](ServerConfig& c, const toml::node& n, const std::string& at) {
         c.tombstones.interval = minutes(integer(n, at, "collect_interval_minutes", 0, 7 * 24 * 60));
       }},
  };
  return keys;
}

const std::map<std::string, Reader>& audit_keys() {
  static const std::map<std::string, Reader> keys{
      {"retention_days",
       [](ServerConfig& c, const toml::node& n, const std::string& at) {
         c.audit.retention = std::chrono::hours(24 * integer(n, at, "retention_days", 0, 36500));
       }},
  };
  return keys;
}

// Bounds keep a typo (a timeout of 0, a frame limit of 10 bytes) from making a server that
// starts but cannot serve anyone.
const std::map<std::string, Reader>& limit_keys() {
  constexpr std::int64_t kMaxInt32 = std::numeric_limits<std::int32_t>::max();
  constexpr std::int64_t kDay = 24LL * 3600 * 1000;
  static const std::map<std::string, Reader> keys{
      {"max_frame_bytes", count(&Limits::max_frame_bytes, "max_frame_bytes", 1024, kMaxInt32)},
      {"max_batch_records", count(&Limits::max_batch_records, "max_batch_records", 1, 1'000'000)},
      {"max_record_bytes", count(&Limits::max_record_bytes, "max_record_bytes", 1024, kMaxInt32)},
      {"max_siblings_per_field", count(&Limits::max_siblings_per_field, "max_siblings_per_field", 1, 1'000'000)},
      {"max_version_vector_entries",
       count(&Limits::max_version_vector_entries, "max_version_vector_entries", 1, 1'000'000)},
      {"send_queue_messages", count(&Limits::send_queue_messages, "send_queue_messages", 1, 1'000'000)},
      {"send_queue_bytes", count(&Limits::send_queue_bytes, "send_queue_bytes", 1024, kMaxInt32)},
      {"handshake_timeout_ms", millis(&Limits::handshake_timeout, "handshake_timeout_ms", 10, kDay)},
      {"idle_timeout_ms", millis(&Limits::idle_timeout, "idle_timeout_ms", 100, kDay)},
      {"ping_interval_ms", millis(&Limits::ping_interval, "ping_interval_ms", 50, kDay)},
      {"max_clock_skew_ms", count(&Limits::max_clock_skew_ms, "max_clock_skew_ms", 0, 365 * kDay)},
      {"max_connections_per_user", count(&Limits::max_connections_per_user, "max_connections_per_user", 1, 1'000'000)},
      {"max_messages_per_second", count(&Limits::max_messages_per_second, "max_messages_per_second", 1, 1'000'000)},
      {"max_unanswered_messages", count(&Limits::max_unanswered_messages, "max_unanswered_messages", 2, 1'000'000)},
      {"max_held_digests", count(&Limits::max_held_digests, "max_held_digests", 0, 100'000'000)},
      {"max_replica_counter",
       count(&Limits::max_replica_counter, "max_replica_counter", std::int64_t{1} << 32, std::int64_t{1} << 62)},
      {"account_check_interval_ms", millis(&Limits::account_check_interval, "account_check_interval_ms", 10, 60'000)},
      {"max_audit_text_bytes", count(&Limits::max_audit_text_bytes, "max_audit_text_bytes", 64, 1'000'000)},
      {"max_connections", count(&Limits::max_connections, "max_connections", 0, 10'000'000)},
      {"max_connections_per_address",
       count(&Limits::max_connections_per_address, "max_connections_per_address", 1, 10'000'000)},
  };
  return keys;
}

void read_table(ServerConfig& config, const toml::table& table, const std::map<std::string, Reader>& keys,
                std::string_view source, const std::string& section) {
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    auto reader = keys.find(name);
    if (reader == keys.end()) {
      if (section.empty() && (name == "limits" || name == "tls" || name == "tombstones" || name == "audit")) continue;  // read separately
      fail(where(source, node) + "unknown key '" + name + "'" + (section.empty() ? "" : " in [" + section + "]"));
    }
    reader->second(config, node, where(source, node));
  }
}

}  // namespace

ServerConfig parse_config(std::string_view toml_text, std::string_view source) {
  toml::table table;
  try {
    table = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    fail(std::string(source) + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  ServerConfig config;
  read_table(config, table, top_level_keys(), source, "");
  for (const auto& [name, keys] : {std::pair{"limits", &limit_keys()}, std::pair{"tls", &tls_keys()},
                                   std::pair{"tombstones", &tombstone_keys()}, std::pair{"audit", &audit_keys()}}) {
    const std::string section = name;
    const toml::node* node = table.get(section);
    if (!node) continue;
    const toml::table* section_table = node->as_table();
    if (!section_table) fail(where(source, *node) + "'" + section + "' must be a table ([" + section + "])");
    read_table(config, *section_table, *keys, source, section);
  }
  validate_config(config);
  return config;
}

ServerConfig load_config(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kIo, "cannot read config file " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path.string());
}

void validate_config(const ServerConfig& config) {
  static constexpr std::string_view kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::find(std::begin(kLevels), std::end(kLevels), config.log_level) == std::end(kLevels)) {
    fail("log level '" + config.log_level + "' is not one of trace, debug, info, warn, error, critical, off");
  }
  if (config.threads < 1 || config.threads > 256) fail("threads must be between 1 and 256");
  if (config.store_threads < 1 || config.store_threads > 256) fail("store_threads must be between 1 and 256");
  if (config.address.empty()) fail("the listen address is empty");
  if (config.data_dir.empty()) fail("the data directory is empty");
  if (!config.store.empty() && !config.store.starts_with("postgresql://") && !config.store.starts_with("postgres://")) {
    fail("store must be empty (the embedded store in data_dir) or a PostgreSQL URL postgresql://..., not '" +
         config.store + "'");
  }
  require_ip_addresses(config.trusted_proxies, "");
  const Limits& limits = config.limits;
  // The reply to any legal request must fit the send queue: an ack, then a full page.
  const std::size_t queue_needs = limits.max_frame_bytes + send_queue_reserve_bytes(limits);
  if (limits.send_queue_bytes < queue_needs) {
    fail("send_queue_bytes (" + std::to_string(limits.send_queue_bytes) + ") must be at least " +
         std::to_string(queue_needs) + ": max_frame_bytes plus room for an ack of max_batch_records records, "
         "so that a page and an ack always fit; raise it or lower max_frame_bytes or max_batch_records");
  }
  if (config.tls_cert_file.empty() != config.tls_key_file.empty()) {
    fail(config.tls_cert_file.empty()
             ? "a TLS private key is set but no certificate: set [tls] cert_file (--tls-cert) too"
             : "a TLS certificate is set but no private key: set [tls] key_file (--tls-key) too");
  }
}

bool is_loopback_address(std::string_view address) {
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(std::string(address), ec);
  if (ec) return false;
  if (ip.is_v6() && ip.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, ip.to_v6()).is_loopback();
  }
  return ip.is_loopback();
}

void validate_transport(const ServerConfig& config) {
  if (config.tls_enabled() || config.allow_plaintext || is_loopback_address(config.address)) return;
  // Tokens travel in every upgrade request: in the clear, anyone on the path can take them.
  fail("refusing to serve unencrypted ws:// and http:// on " + config.address +
       ", where bearer tokens could be read off the network. Configure TLS ([tls] cert_file and key_file in the "
       "config, or --tls-cert and --tls-key), or, if a TLS-terminating proxy is in front, set allow_plaintext = true "
       "(--allow-plaintext); or listen on 127.0.0.1");
}

void apply_listen_address(ServerConfig& config, std::string_view listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == listen.size()) {
    fail("--listen wants ADDR:PORT (e.g. 0.0.0.0:8787 or [::1]:8787), not '" + std::string(listen) + "'");
  }
  std::string_view address = listen.substr(0, colon);
  const std::string_view port_text = listen.substr(colon + 1);
  if (address.front() == '[') {
    if (address.back() != ']' || address.size() < 3) fail("--listen: unbalanced brackets in '" + std::string(listen) + "'");
    address = address.substr(1, address.size() - 2);
  } else if (address.find(':') != std::string_view::npos) {
    fail("--listen: put an IPv6 address in brackets, e.g. [::1]:8787");
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    fail("--listen: '" + std::string(port_text) + "' is not a port number (0-65535)");
  }
  config.address = std::string(address);
  config.port = static_cast<std::uint16_t>(port);
}

}  // namespace fieldsync::server
