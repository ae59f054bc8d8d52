// Loading the server configuration: defaults, every key, and clear errors.
#include <gtest/gtest.h>

#include "fieldsync/core/error.hpp"
#include "fieldsync/server/config.hpp"

namespace fieldsync::testing {
namespace {

using server::ServerConfig;

std::string error_of(const std::string& text) {
  try {
    server::parse_config(text, "test.toml");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return {};
}

TEST(ConfigTest, EmptyFileKeepsTheDefaults) {
  const ServerConfig config = server::parse_config("", "empty.toml");
  EXPECT_EQ(config.address, "127.0.0.1");
  EXPECT_EQ(config.port, 8787);
  EXPECT_EQ(config.threads, 2u);
  EXPECT_EQ(config.store_threads, 4u);
  EXPECT_TRUE(config.durable);
  EXPECT_EQ(config.limits.max_frame_bytes, server::Limits{}.max_frame_bytes);
}

TEST(ConfigTest, ReadsEveryKey) {
  const ServerConfig config = server::parse_config(R"(
address = "0.0.0.0"
port = 9000
data_dir = "/var/lib/fieldsync"
threads = 4
store_threads = 8
log_level = "debug"
durable = false
[limits]
max_frame_bytes = 65536
max_batch_records = 10
send_queue_messages = 8
send_queue_bytes = 1048576
handshake_timeout_ms = 1500
idle_timeout_ms = 30000
ping_interval_ms = 5000
max_clock_skew_ms = 1000
max_connections_per_user = 3
max_messages_per_second = 50
max_unanswered_messages = 3
max_replica_counter = 4294967296
)");
  EXPECT_EQ(config.address, "0.0.0.0");
  EXPECT_EQ(config.port, 9000);
  EXPECT_EQ(config.data_dir, "/var/lib/fieldsync");
  EXPECT_EQ(config.threads, 4u);
  EXPECT_EQ(config.store_threads, 8u);
  EXPECT_EQ(config.log_level, "debug");
  EXPECT_FALSE(config.durable);
  EXPECT_EQ(config.limits.max_frame_bytes, 65536u);
  EXPECT_EQ(config.limits.max_batch_records, 10u);
  EXPECT_EQ(config.limits.send_queue_messages, 8u);
  EXPECT_EQ(config.limits.send_queue_bytes, 1048576u);
  EXPECT_EQ(config.limits.handshake_timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(config.limits.idle_timeout, std::chrono::milliseconds(30000));
  EXPECT_EQ(config.limits.ping_interval, std::chrono::milliseconds(5000));
  EXPECT_EQ(config.limits.max_clock_skew_ms, 1000u);
  EXPECT_EQ(config.limits.max_connections_per_user, 3u);
  EXPECT_EQ(config.limits.max_messages_per_second, 50u);
  EXPECT_EQ(config.limits.max_unanswered_messages, 3u);
  EXPECT_EQ(config.limits.max_replica_counter, std::uint64_t{1} << 32);
}

TEST(ConfigTest, LimitKeysOfRecordsAndConnectionsAreRead) {
  const ServerConfig config = server::parse_config(R"(
[limits]
max_record_bytes = 65536
max_siblings_per_field = 32
max_version_vector_entries = 100
max_connections = 500
max_connections_per_address = 20
)");
  EXPECT_EQ(config.limits.max_record_bytes, 65536u);
  EXPECT_EQ(config.limits.max_siblings_per_field, 32u);
  EXPECT_EQ(config.limits.max_version_vector_entries, 100u);
  EXPECT_EQ(config.limits.max_connections, 500u);
  EXPECT_EQ(config.limits.max_connections_per_address, 20u);
}

// The reply to a legal request, an ack and then a full page, must fit the send queue.
TEST(ConfigTest, ASendQueueTooSmallForAPageAndAnAckIsRefused) {
  const std::string error = error_of("[limits]\nmax_frame_bytes = 8388608\nsend_queue_bytes = 4194304\n");
  EXPECT_NE(error.find("send_queue_bytes (4194304) must be at least"), std::string::npos) << error;
  EXPECT_NO_THROW(server::parse_config("[limits]\nmax_frame_bytes = 1048576\nsend_queue_bytes = 4194304\n"));
}

TEST(ConfigTest, TheShippedExampleLoads) {
  const ServerConfig config = server::load_config(FIELDSYNC_EXAMPLE_CONFIG);
  EXPECT_EQ(config.port, 8787);
}

TEST(ConfigTest, UnknownKeysAndWrongTypesAreClearErrors) {
  EXPECT_NE(error_of("prot = 80\n").find("unknown key 'prot'"), std::string::npos);
  EXPECT_NE(error_of("[limits]\nmax_frames = 1\n").find("unknown key 'max_frames' in [limits]"), std::string::npos);
  const std::string wrong_type = error_of("\n\nport = \"8787\"\n");
  EXPECT_NE(wrong_type.find("test.toml:3"), std::string::npos) << wrong_type;
  EXPECT_NE(wrong_type.find("'port' must be an integer"), std::string::npos) << wrong_type;
  EXPECT_NE(error_of("port = 70000\n").find("between 0 and 65535"), std::string::npos);
  EXPECT_NE(error_of("store_threads = 0\n").find("'store_threads'"), std::string::npos);
  EXPECT_NE(error_of("durable = 1\n").find("true or false"), std::string::npos);
  EXPECT_NE(error_of("log_level = \"loud\"\n").find("loud"), std::string::npos);
  EXPECT_NE(error_of("limits = 3\n").find("must be a table"), std::string::npos);
  EXPECT_NE(error_of("port = = 3\n").find("test.toml:1"), std::string::npos);
}

TEST(ConfigTest, TombstoneKeysAreReadAndBounded) {
  const ServerConfig config = server::parse_config("[tombstones]\nhorizon_days = 7\ncollect_interval_minutes = 0\n");
  EXPECT_EQ(config.tombstones.horizon, std::chrono::hours(24 * 7));
  EXPECT_EQ(config.tombstones.interval.count(), 0);
  EXPECT_EQ(server::parse_config("").tombstones.horizon, std::chrono::hours(24 * 30));
  EXPECT_NE(error_of("[tombstones]\nhorizon_days = 0\n").find("'horizon_days' must be between 1"), std::string::npos);
  EXPECT_NE(error_of("[tombstones]\nevery = 3\n").find("unknown key 'every' in [tombstones]"), std::string::npos);
}

TEST(ConfigTest, TrustedProxiesAreIpAddresses) {
  EXPECT_TRUE(server::parse_config("").trusted_proxies.empty());
  const ServerConfig config = server::parse_config("trusted_proxies = [\"10.0.0.5\", \"fd00::1\"]\n");
  EXPECT_EQ(config.trusted_proxies, (std::vector<std::string>{"10.0.0.5", "fd00::1"}));
  EXPECT_NE(error_of("trusted_proxies = [\"lb.internal\"]\n").find("test.toml:1: trusted_proxies: 'lb.internal' is not an IP"),
            std::string::npos);
  EXPECT_NE(error_of("trusted_proxies = \"10.0.0.5\"\n").find("must be a list"), std::string::npos);
}

TEST(ConfigTest, AuditAndAccountKeysAreReadAndBounded) {
  const ServerConfig config = server::parse_config(
      "[audit]\nretention_days = 90\n[limits]\naccount_check_interval_ms = 250\nmax_audit_text_bytes = 512\n");
  EXPECT_EQ(config.audit.retention, std::chrono::hours(24 * 90));
  EXPECT_EQ(config.limits.account_check_interval, std::chrono::milliseconds(250));
  EXPECT_EQ(config.limits.max_audit_text_bytes, 512u);
  EXPECT_EQ(server::parse_config("").audit.retention.count(), 0) << "kept for ever unless configured";
  EXPECT_NE(error_of("[audit]\nretention_days = -1\n").find("'retention_days' must be between 0"), std::string::npos);
  EXPECT_NE(error_of("[audit]\nkeep = 3\n").find("unknown key 'keep' in [audit]"), std::string::npos);
}

TEST(ConfigTest, MissingFileIsAnIoError) {
  try {
    server::load_config("/nonexistent/fieldsync.toml");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
  }
}

TEST(ConfigTest, ListenAddressOverridesAddressAndPort) {
  ServerConfig config;
  server::apply_listen_address(config, "0.0.0.0:9999");
  EXPECT_EQ(config.address, "0.0.0.0");
  EXPECT_EQ(config.port, 9999);
  server::apply_listen_address(config, "[::1]:0");
  EXPECT_EQ(config.address, "::1");
  EXPECT_EQ(config.port, 0);
  EXPECT_THROW(server::apply_listen_address(config, "localhost"), Error);
  EXPECT_THROW(server::apply_listen_address(config, "1.2.3.4:99999"), Error);
  EXPECT_THROW(server::apply_listen_address(config, "::1:80"), Error);
}

}  // namespace
}  // namespace fieldsync::testing
