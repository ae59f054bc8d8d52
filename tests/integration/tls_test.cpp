// TLS end to end: a real server on 127.0.0.1 with a certificate made at test time by the
// openssl CLI, the real client (fieldsync::client) over wss://, and the failures a user
// meets: another CA, another host name, ws:// where TLS is wanted, stalled handshakes.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "fieldsync/client/live_sync.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/test/expect_error.hpp"
#include "server_fixture.hpp"
#include "system_support.hpp"
#include "test_certs.hpp"
#include "tls_support.hpp"

namespace fieldsync::testing {
namespace {

using namespace std::chrono_literals;

const TestCertificates& certs() { return TestCertificates::shared(); }

FieldValues customer(const std::string& name) {
  return {{"name", Value(name)}, {"territory", Value(std::string("north"))}};
}

client::SyncOptions trusting(const std::filesystem::path& ca_file) {
  client::SyncOptions options;
  options.connection.ca_file = ca_file.string();
  options.connection.connect_timeout = 3s;
  options.connection.handshake_timeout = 3s;
  return options;
}


bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A LiveSync on its own thread, which owns the replica until stop().
class LiveClient {
 public:
  LiveClient(Replica& replica, const std::string& url, const std::string& token, const client::SyncOptions& sync) {
    client::LiveOptions options;
    options.sync = sync;
    options.on_status = [this](const client::LiveStatus& status) {
      std::lock_guard lock(mutex_);
      status_ = status;
      changed_.notify_all();
    };
    live_.emplace(replica, url, token, options);
    thread_ = std::thread([this] {
      try {
        live_->run();
      } catch (const Error& e) {
        std::lock_guard lock(mutex_);
        error_ = e.what();
        error_code_ = e.code();
      }
      std::lock_guard lock(mutex_);
      finished_ = true;
      changed_.notify_all();
    });
  }
  ~LiveClient() { stop(); }

  // Waits (at most 10 s) until `condition` holds for the latest status.
  bool wait_until(const std::function<bool(const client::LiveStatus&)>& condition) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return finished_ || condition(status_); }) && !finished_;
  }
  void stop() {
    if (!thread_.joinable()) return;
    live_->stop();
    thread_.join();
  }
  std::string error() {
    std::lock_guard lock(mutex_);
    return error_;
  }
  // Waits (at most `limit`) for run() to return by itself; false if it still runs.
  bool wait_finished(std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return finished_; });
  }
  std::optional<ErrorCode> error_code() {
    std::lock_guard lock(mutex_);
    return error_code_;
  }
  client::LiveStatus status() {
    std::lock_guard lock(mutex_);
    return status_;
  }

 private:
  std::optional<client::LiveSync> live_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  client::LiveStatus status_;
  std::string error_;
  std::optional<ErrorCode> error_code_;
  bool finished_ = false;
};

// A server with TLS on 127.0.0.1 (certificate for localhost and 127.0.0.1, by the test
// CA), ana (rep, north) and sue (supervisor).
class TlsTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    start_tls(certs().server_cert(), certs().server_key());
  }

  void start_tls(const std::filesystem::path& cert, const std::filesystem::path& key,
                 std::chrono::milliseconds handshake_timeout = 10s) {
    start([&](server::ServerConfig& config) {
      config.tls_cert_file = cert;
      config.tls_key_file = key;
      config.limits.handshake_timeout = handshake_timeout;
    });
  }

  std::string url(const std::string& scheme = "wss", const std::string& host = "127.0.0.1") const {
    return scheme + "://" + host + ":" + std::to_string(port()) + "/sync";
  }

  ScratchDir dir_;
};

TEST_F(TlsTest, SyncOverWssPushesAndPulls) {
  Replica phone = Replica::open(dir_.file("phone.db"), Schema::domain());
  Replica office = Replica::open(dir_.file("office.db"), Schema::domain());
  const RecordId id = phone.create("customers", customer("Hotel Aurora"));

  // By IP address: the certificate's IP SAN is checked.
  const auto pushed = client::sync_once(phone, url(), ana_token_, trusting(certs().ca_cert()));
  EXPECT_EQ(pushed.pushed, 1u);
  EXPECT_EQ(phone.outbox_size(), 0u);

  // By name: SNI is sent and the DNS SAN checked.
  const auto pulled = client::sync_once(office, url("wss", "localhost"), sue_token_, trusting(certs().ca_cert()));
  EXPECT_EQ(pulled.pulled, 1u);
  const auto record = office.get("customers", id);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(format_value(*record->collection->field("name"), record->value("name")), "Hotel Aurora");
}

TEST_F(TlsTest, LiveSyncOverWssReceivesEditsAsTheyCommit) {
  Replica office = Replica::open(dir_.file("office.db"), Schema::domain());
  Replica phone = Replica::open(dir_.file("phone.db"), Schema::domain());
  {
    LiveClient live(office, url(), sue_token_, trusting(certs().ca_cert()));
    ASSERT_TRUE(live.wait_until([](const client::LiveStatus& s) { return s.caught_up; })) << live.error();
    phone.create("customers", customer("Live over TLS"));
    client::sync_once(phone, url(), ana_token_, trusting(certs().ca_cert()));
    EXPECT_TRUE(live.wait_until([](const client::LiveStatus& s) { return s.stats.pulled >= 1; })) << live.error();
  }  // stopped: the close handshake runs over TLS
  EXPECT_EQ(office.list("customers").size(), 1u);
}

TEST_F(TlsTest, HealthMetricsAndHistoryAreServedOverHttps) {
  const auto health = https_get(port(), "/healthz", certs().ca_cert());
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok");
  EXPECT_EQ(https_get(port(), "/metrics", certs().ca_cert(), "localhost").status, 200);
  EXPECT_EQ(https_get(port(), "/api/history/customers/not-a-uuid", certs().ca_cert()).status, 401);
}

TEST_F(TlsTest, AClientTrustingAnotherCaIsRefusedWithACertificateError) {
  Replica phone = Replica::open(dir_.file("phone.db"), Schema::domain());
  phone.create("customers", customer("Never sent"));
  const std::string other = certs().other_ca_cert().string();
  const std::string message =
      test::expect_error(ErrorCode::kTls, [&] { client::sync_once(phone, url(), ana_token_, trusting(other)); });
  EXPECT_TRUE(contains(message, "certificate")) << message;
  EXPECT_TRUE(contains(message, "refused")) << message;
  EXPECT_TRUE(contains(message, other)) << "names the CA file used: " << message;
  EXPECT_EQ(phone.outbox_size(), 1u) << "nothing was sent";

  // Without a CA file the system's trust store is used, which does not know the test CA.
  const std::string system = test::expect_error(ErrorCode::kTls, [&] { client::sync_once(phone, url(), ana_token_); });
  EXPECT_TRUE(contains(system, "--ca-file")) << system;

  EXPECT_EQ(https_get(port(), "/healthz", certs().ca_cert()).status, 200) << "the server is unaffected";
  EXPECT_THROW(https_get(port(), "/healthz", certs().other_ca_cert()), std::runtime_error);
}

// A wrong CA is not a network blip: another attempt would be refused the same way, so the
// live sync stops at once with kTls instead of retrying with backoff.
TEST_F(TlsTest, LiveSyncTrustingAnotherCaStopsInsteadOfRetrying) {
  Replica phone = Replica::open(dir_.file("phone.db"), Schema::domain());
  phone.create("customers", customer("Never sent"));
  LiveClient live(phone, url(), ana_token_, trusting(certs().other_ca_cert()));
  ASSERT_TRUE(live.wait_finished(10s)) << "the live sync is still retrying";
  ASSERT_TRUE(live.error_code().has_value()) << "run() returned without an error";
  EXPECT_EQ(error_code_name(*live.error_code()), error_code_name(ErrorCode::kTls)) << live.error();
  EXPECT_TRUE(contains(live.error(), "certificate")) << live.error();
  const client::LiveStatus last = live.status();
  EXPECT_EQ(last.connections, 1u) << "no second attempt";
  EXPECT_EQ(last.retry_in.count(), 0) << "no retry was scheduled";
  ASSERT_TRUE(last.last_error.has_value());
  EXPECT_EQ(error_code_name(last.last_error->code()), error_code_name(ErrorCode::kTls));
  live.stop();
  EXPECT_EQ(phone.outbox_size(), 1u) << "nothing was sent";
}

TEST_F(TlsTest, ACertificateForAnotherHostIsRefused) {
  start_tls(certs().other_host_cert(), certs().other_host_key());  // sync.example.com only
  Replica phone = Replica::open(dir_.file("phone.db"), Schema::domain());
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    SCOPED_TRACE(host);
    const std::string message = test::expect_error(
        ErrorCode::kTls, [&] { client::sync_once(phone, url("wss", host), ana_token_, trusting(certs().ca_cert())); });
    EXPECT_TRUE(contains(message, "not valid for '" + host + "'")) << message;
    EXPECT_TRUE(contains(message, "mismatch")) << message;
  }
}

TEST_F(TlsTest, APlaintextClientOnTheTlsPortFailsCleanlyAndOthersAreServed) {
  Replica office = Replica::open(dir_.file("office.db"), Schema::domain());
  Replica phone = Replica::open(dir_.file("phone.db"), Schema::domain());
  LiveClient live(office, url(), sue_token_, trusting(certs().ca_cert()));
  ASSERT_TRUE(live.wait_until([](const client::LiveStatus& s) { return s.caught_up; })) << live.error();

  // The sync client over ws:// (allowed: loopback) is told in words to use TLS.
  const std::string message =
      test::expect_error(ErrorCode::kProtocol, [&] { client::sync_once(phone, url("ws"), ana_token_, trusting({})); });
  EXPECT_TRUE(contains(message, "HTTP 400")) << message;
  EXPECT_TRUE(contains(message, "wss://")) << message;
  // A plain HTTP request gets the same answer, and the connection is closed.
  const auto reply = send_and_wait_for_close(port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 3s);
  ASSERT_TRUE(reply.has_value()) << "the server closes the connection";
  EXPECT_TRUE(reply->starts_with("HTTP/1.1 400")) << *reply;
  EXPECT_TRUE(contains(*reply, "TLS only")) << *reply;
  // Bytes that are neither TLS nor HTTP: closed as well.
  EXPECT_TRUE(send_and_wait_for_close(port(), std::string("\x00\x01\x02\r\n\r\n", 7), 3s).has_value());

  // The live session opened before is still served: it receives a push over wss.
  phone.create("customers", customer("After the noise"));
  client::sync_once(phone, url(), ana_token_, trusting(certs().ca_cert()));
  EXPECT_TRUE(live.wait_until([](const client::LiveStatus& s) { return s.stats.pulled >= 1; })) << live.error();
}

TEST_F(TlsTest, StalledTlsHandshakesAreClosedAtTheHandshakeTimeout) {
  start_tls(certs().server_cert(), certs().server_key(), 300ms);
  const auto started = std::chrono::steady_clock::now();
  // Connects and says nothing.
  EXPECT_TRUE(send_and_wait_for_close(port(), "", 3s).has_value());
  // Starts a ClientHello (a handshake record of 0x50 bytes announced) and stalls in it:
  // the TLS handshake has begun and the timeout still applies.
  const std::string hello_start("\x16\x03\x01\x00\x50\x01\x00\x00\x4c\x03\x03", 11);
  EXPECT_TRUE(send_and_wait_for_close(port(), hello_start, 3s).has_value());
  // Too little to tell TLS from plaintext, then nothing.
  EXPECT_TRUE(send_and_wait_for_close(port(), "\x16\x03", 3s).has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  // Meanwhile and after, TLS clients are served.
  EXPECT_EQ(https_get(port(), "/healthz", certs().ca_cert()).status, 200);
}

// The openssl CLI as an independent client: it can offer TLS 1.1, which ours never does.
std::string s_client(std::uint16_t port, const std::string& options) {
  const std::string command = "openssl s_client -connect 127.0.0.1:" + std::to_string(port) + " " + options +
                              " -CAfile '" + certs().ca_cert().string() + "' </dev/null 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return "popen failed";
  std::string output;
  char chunk[512];
  while (std::fgets(chunk, sizeof chunk, pipe)) output += chunk;
  pclose(pipe);
  return output;
}

TEST_F(TlsTest, TlsOlderThan12IsRefused) {
  const std::string old_tls = s_client(port(), "-tls1_1 -cipher DEFAULT@SECLEVEL=0");
  EXPECT_TRUE(contains(old_tls, "alert protocol version")) << "the server refuses it: " << old_tls;
  const std::string tls12 = s_client(port(), "-tls1_2");
  EXPECT_TRUE(contains(tls12, "Verify return code: 0 (ok)")) << tls12;
}

TEST_F(TlsTest, PlaintextIsServedBesideTlsWhenAllowed) {
  start([&](server::ServerConfig& config) {
    config.tls_cert_file = certs().server_cert();
    config.tls_key_file = certs().server_key();
    config.allow_plaintext = true;
  });
  Replica phone = Replica::open(dir_.file("phone.db"), Schema::domain());
  phone.create("customers", customer("Either way"));
  EXPECT_EQ(client::sync_once(phone, url("ws"), ana_token_).pushed, 1u);
  EXPECT_EQ(https_get(port(), "/healthz", certs().ca_cert()).status, 200);
}

// ---- the client's rule for ws:// ------------------------------------------------------

TEST(ClientPlaintextRule, AWsUrlToAnotherHostIsRefusedBeforeConnecting) {
  ScratchDir dir;
  Replica phone = Replica::open(dir.file("phone.db"), Schema::domain());
  for (const char* url : {"ws://sync.example.com:8787/sync", "ws://10.1.2.3:8787/sync", "ws://[2001:db8::1]/sync"}) {
    SCOPED_TRACE(url);
    const std::string message = test::expect_error(ErrorCode::kInvalidArgument, [&] { client::sync_once(phone, url, "token"); });
    EXPECT_TRUE(contains(message, "wss://")) << message;
    EXPECT_TRUE(contains(message, "allow plaintext")) << message;
    EXPECT_THROW(client::LiveSync(phone, url, "token"), Error);
  }
}

TEST(ClientPlaintextRule, AllowingPlaintextLetsTheClientTry) {
  ScratchDir dir;
  Replica phone = Replica::open(dir.file("phone.db"), Schema::domain());
  client::SyncOptions options;
  options.connection.allow_plaintext = true;
  options.connection.connect_timeout = 300ms;
  // 192.0.2.0/24 is reserved for documentation: nothing answers there. The attempt is made
  // and fails on the network, not on the rule.
  try {
    client::sync_once(phone, "ws://192.0.2.1:9/sync", "token", options);
    ADD_FAILURE() << "nothing listens there";
  } catch (const Error& e) {
    EXPECT_NE(e.code(), ErrorCode::kInvalidArgument) << e.what();
  }
}

// ---- server start-up --------------------------------------------------------------------

class TlsStartupTest : public ::testing::Test {
 protected:
  server::ServerConfig config(const std::filesystem::path& cert, const std::filesystem::path& key) const {
    server::ServerConfig c;
    c.address = "127.0.0.1";
    c.port = 0;
    c.data_dir = dir_.path() / "data";
    c.store = test::test_store_for(c.data_dir);
    c.durable = false;
    c.tls_cert_file = cert;
    c.tls_key_file = key;
    return c;
  }
  std::string startup_error(ErrorCode code, const server::ServerConfig& c) {
    return test::expect_error(code, [&] { server::Server server(c); });
  }

  ScratchDir dir_;
};

TEST_F(TlsStartupTest, AMissingKeyFileIsNamed) {
  const auto missing = dir_.path() / "nowhere.key";
  const std::string message = startup_error(ErrorCode::kIo, config(certs().server_cert(), missing));
  EXPECT_TRUE(contains(message, "cannot read the TLS private key file " + missing.string())) << message;
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "data")) << "no data directory made for a server that cannot start";
}

TEST_F(TlsStartupTest, AKeyOfAnotherCertificateIsRefused) {
  const std::string message =
      startup_error(ErrorCode::kInvalidArgument, config(certs().server_cert(), certs().stray_key()));
  EXPECT_TRUE(contains(message, "does not belong to the certificate")) << message;
  EXPECT_TRUE(contains(message, certs().stray_key().string())) << message;
}

TEST_F(TlsStartupTest, FilesThatAreNotPemAreRefused) {
  const auto junk = certs().write("junk.pem", "not a certificate\n");
  const std::string key = startup_error(ErrorCode::kInvalidArgument, config(certs().server_cert(), junk));
  EXPECT_TRUE(contains(key, "is not an unencrypted PEM private key")) << key;
  const std::string cert = startup_error(ErrorCode::kInvalidArgument, config(junk, certs().server_key()));
  EXPECT_TRUE(contains(cert, "is not a PEM certificate chain")) << cert;
  const std::string half = startup_error(ErrorCode::kInvalidArgument, config(certs().server_cert(), {}));
  EXPECT_TRUE(contains(half, "no private key")) << half;
}

TEST_F(TlsStartupTest, PlaintextOnANonLoopbackAddressNeedsTlsOrAnExplicitAllowance) {
  server::ServerConfig open = config({}, {});
  open.address = "0.0.0.0";
  const std::string message = startup_error(ErrorCode::kInvalidArgument, open);
  for (const char* hint : {"0.0.0.0", "--tls-cert", "allow_plaintext = true", "--allow-plaintext"}) {
    EXPECT_TRUE(contains(message, hint)) << hint << " in: " << message;
  }
  open.allow_plaintext = true;
  EXPECT_NO_THROW(server::Server{open});
  EXPECT_NO_THROW(server::Server(config(certs().server_cert(), certs().server_key())));
  server::ServerConfig tls_everywhere = config(certs().server_cert(), certs().server_key());
  tls_everywhere.address = "::";
  EXPECT_NO_THROW(server::Server{tls_everywhere});
}

TEST_F(TlsStartupTest, TheExecutableSaysWhatIsWrongAndExitsWith1) {
  const std::string command = std::string(FIELDSYNC_SERVER_EXE) + " --listen 127.0.0.1:0 --data-dir '" +
                              (dir_.path() / "data").string() + "' --tls-cert '" + certs().server_cert().string() +
                              "' --tls-key '" + certs().stray_key().string() + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char chunk[512];
  while (std::fgets(chunk, sizeof chunk, pipe)) output += chunk;
  const int status = pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << output;
  EXPECT_TRUE(contains(output, "does not belong to the certificate")) << output;
}

TEST(TlsConfigTest, ReadsTheTlsTableAndAllowPlaintext) {
  const auto config = server::parse_config(R"(
address = "0.0.0.0"
allow_plaintext = true
[tls]
cert_file = "/etc/fieldsync/fullchain.pem"
key_file = "/etc/fieldsync/privkey.pem"
)",
                                           "tls.toml");
  EXPECT_TRUE(config.allow_plaintext);
  EXPECT_EQ(config.tls_cert_file, "/etc/fieldsync/fullchain.pem");
  EXPECT_EQ(config.tls_key_file, "/etc/fieldsync/privkey.pem");
  EXPECT_TRUE(config.tls_enabled());
  const std::string unknown = test::expect_error(ErrorCode::kInvalidArgument, [] {
    server::parse_config("[tls]\ncert = \"x\"\n", "tls.toml");
  });
  EXPECT_TRUE(contains(unknown, "unknown key 'cert' in [tls]")) << unknown;
  EXPECT_FALSE(server::parse_config("", "empty.toml").allow_plaintext);
}

}  // namespace
}  // namespace fieldsync::testing
