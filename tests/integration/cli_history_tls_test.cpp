// `fieldsync history` over TLS: the real binary against a real server with a certificate
// made at test time by the openssl CLI. The CLI must trust exactly what `sync` trusts
// (--ca-file or the system store, the host name, SNI) and keep sync's plaintext rule.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "server_fixture.hpp"
#include "system_support.hpp"
#include "test_certs.hpp"

namespace fieldsync::testing {
namespace {

using namespace std::chrono_literals;
using cli::test::CliResult;
using cli::test::CliSandbox;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A TLS server (certificate for localhost and 127.0.0.1, by the test CA) holding one
// customer that sue created, so that its history has one entry.
class CliHistoryTlsTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    start_tls(TestCertificates::shared().server_cert(), TestCertificates::shared().server_key());
    Replica office = Replica::open(dir_.file("office.db"), Schema::domain());
    id_ = office.create("customers", {{"name", Value(std::string("Hotel Aurora"))},
                                      {"territory", Value(std::string("north"))}})
              .to_string();
    client::SyncOptions options;
    options.connection.ca_file = ca();
    client::sync_once(office, "wss://127.0.0.1:" + std::to_string(port()) + "/sync", sue_token_, options);
  }

  void start_tls(const std::filesystem::path& cert, const std::filesystem::path& key) {
    start([&](server::ServerConfig& config) {
      config.tls_cert_file = cert;
      config.tls_key_file = key;
    });
  }

  static std::string ca() { return TestCertificates::shared().ca_cert().string(); }

  // `fieldsync history customers <id> --server SERVER --token <sue's> EXTRA... --json`
  CliResult history(const std::string& server, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"history", "customers", id_, "--server", server, "--token", sue_token_, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return box_.run(args);
  }

  std::string server(const std::string& scheme, const std::string& host = "127.0.0.1") const {
    return scheme + "://" + host + ":" + std::to_string(port());
  }

  ScratchDir dir_;
  CliSandbox box_;
  std::string id_;
};

TEST_F(CliHistoryTlsTest, FetchesTheHistoryOverHttpsFromTheSyncUrl) {
  // The wss:// sync URL, as `sync` takes it, by IP address (the IP SAN is checked).
  const CliResult by_sync_url = history(server("wss") + "/sync", {"--ca-file", ca()});
  ASSERT_EQ(by_sync_url.exit_code, 0) << by_sync_url.err;
  const auto entries = nlohmann::json::parse(by_sync_url.out);
  ASSERT_EQ(entries.size(), 1u) << by_sync_url.out;
  EXPECT_EQ(entries[0]["action"], "accepted");
  EXPECT_EQ(entries[0]["user"], "sue");

  // https:// by name: SNI is sent and the DNS SAN checked.
  const CliResult by_name = history(server("https", "localhost"), {"--ca-file", ca()});
  EXPECT_EQ(by_name.exit_code, 0) << by_name.err;
  EXPECT_EQ(nlohmann::json::parse(by_name.out).size(), 1u) << by_name.out;
}

TEST_F(CliHistoryTlsTest, AnUntrustedCertificateIsRefusedLikeSyncRefusesIt) {
  const std::string other = TestCertificates::shared().other_ca_cert().string();
  const CliResult wrong_ca = history(server("wss") + "/sync", {"--ca-file", other});
  EXPECT_EQ(wrong_ca.exit_code, 1);
  EXPECT_TRUE(has(wrong_ca.err, "certificate")) << wrong_ca.err;
  EXPECT_TRUE(has(wrong_ca.err, "refused")) << wrong_ca.err;
  EXPECT_TRUE(has(wrong_ca.err, other)) << "names the CA file used: " << wrong_ca.err;
  EXPECT_EQ(wrong_ca.out, "");

  // Without --ca-file: the system's trust store, which does not know the test CA.
  const CliResult system = history(server("https"));
  EXPECT_EQ(system.exit_code, 1);
  EXPECT_TRUE(has(system.err, "--ca-file")) << system.err;

  const CliResult missing_ca = history(server("https"), {"--ca-file", box_.path("nope.pem")});
  EXPECT_EQ(missing_ca.exit_code, 1);
  EXPECT_TRUE(has(missing_ca.err, "cannot read the CA file")) << missing_ca.err;

  // Plain HTTP on the TLS port is answered with 400, not with the history.
  const CliResult plaintext = history(server("http"));
  EXPECT_EQ(plaintext.exit_code, 1);
  EXPECT_TRUE(has(plaintext.err, "400")) << plaintext.err;
}

TEST_F(CliHistoryTlsTest, ACertificateForAnotherHostIsRefused) {
  start_tls(TestCertificates::shared().other_host_cert(), TestCertificates::shared().other_host_key());
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    SCOPED_TRACE(host);
    const CliResult result = history(server("https", host), {"--ca-file", ca()});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(has(result.err, "not valid for '" + host + "'")) << result.err;
  }
}

TEST_F(CliHistoryTlsTest, PlaintextToAnotherHostIsRefusedBeforeConnecting) {
  // 192.0.2.0/24 is reserved for documentation: nothing answers there, so a refusal that
  // comes at once is the rule's, not the network's.
  for (const std::string url : {"http://192.0.2.1:9", "ws://192.0.2.1:9/sync"}) {
    SCOPED_TRACE(url);
    const CliResult refused = history(url);
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_TRUE(has(refused.err, "wss://")) << refused.err;
    EXPECT_TRUE(has(refused.err, "allow plaintext")) << refused.err;
  }
  // Allowed, the attempt is made and fails on the network instead.
  const CliResult allowed = box_.run({"history", "customers", id_, "--server", "http://192.0.2.1:9", "--token",
                                      sue_token_, "--allow-plaintext"});
  EXPECT_EQ(allowed.exit_code, 1);
  EXPECT_FALSE(has(allowed.err, "allow plaintext")) << allowed.err;
}

}  // namespace
}  // namespace fieldsync::testing
