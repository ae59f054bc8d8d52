// Enrolling a phone: `fieldsync-server enrol` run as a process on the data directory of a
// running TLS server (as an operator does), its QR code read back module by module, and the
// code exchanged over HTTPS at POST /api/enrol: once, with clear refusals for a used,
// expired, replaced or unknown code, and a limit on guessing.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "enrolment_code.hpp"
#include "enrolment_guard.hpp"
#include "qr_svg.hpp"
#include "server_fixture.hpp"
#include "system_support.hpp"
#include "test_certs.hpp"
#include "tls_support.hpp"

namespace fieldsync::testing {
namespace {

using namespace std::chrono_literals;

const TestCertificates& certs() { return TestCertificates::shared(); }

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// fieldsync-server with `arguments`, stdout and stderr kept apart.
CommandResult run_server_command(const std::string& arguments, const ScratchDir& dir) {
  const std::string err_file = dir.file("stderr.txt");
  const std::string command = std::string(FIELDSYNC_SERVER_EXE) + " " + arguments + " 2>'" + err_file + "'";
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 512> chunk{};
  while (std::fgets(chunk.data(), chunk.size(), pipe)) result.out += chunk.data();
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.err = read_file(err_file);
  return result;
}

// The modules an SVG of qr_svg() shows: each <rect> with height 1 is a run of dark modules.
std::vector<std::vector<bool>> modules_of_svg(const std::string& svg) {
  const std::regex rect(R"re(<rect x="(\d+)" y="(\d+)" width="(\d+)" height="1"/>)re");
  const std::regex box(R"re(viewBox="0 0 (\d+) (\d+)")re");
  std::smatch size;
  if (!std::regex_search(svg, size, box)) return {};
  const int side = std::stoi(size[1]) - 8;  // 4 modules of quiet zone on each side
  std::vector<std::vector<bool>> rows(static_cast<std::size_t>(side), std::vector<bool>(static_cast<std::size_t>(side)));
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), rect); it != std::sregex_iterator(); ++it) {
    const int x = std::stoi((*it)[1]) - 4, y = std::stoi((*it)[2]) - 4, width = std::stoi((*it)[3]);
    for (int i = 0; i < width; ++i) rows.at(static_cast<std::size_t>(y)).at(static_cast<std::size_t>(x + i)) = true;
  }
  return rows;
}

std::string sha256_hex(const std::string& text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned i = 0; i < size; ++i) {
    char byte[3];
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

// SHA-256 of the certificate's DER, base64url without padding: computed here independently.
std::string pin_of(const std::filesystem::path& pem) {
  FILE* in = std::fopen(pem.c_str(), "r");
  X509* cert = in ? PEM_read_X509(in, nullptr, nullptr, nullptr) : nullptr;
  if (in) std::fclose(in);
  if (!cert) return "(unreadable)";
  unsigned char* der = nullptr;
  const int size = i2d_X509(cert, &der);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  EVP_Digest(der, static_cast<std::size_t>(size), digest.data(), &digest_size, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  X509_free(cert);
  std::array<unsigned char, 64> base64{};
  const int length = EVP_EncodeBlock(base64.data(), digest.data(), static_cast<int>(digest_size));
  std::string out(reinterpret_cast<const char*>(base64.data()), static_cast<std::size_t>(length));
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// The link in the command's note.
std::string link_of(const std::string& note) {
  const auto at = note.find("link: ");
  if (at == std::string::npos) return {};
  return first_line(note.substr(at + 6));
}

const std::regex kCodeShape("^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{2}$");

class EnrolmentTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    // The chain the server presents ends in the test CA: a private CA phones can pin.
    chain_ = certs().write("chain-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)) + ".pem",
                           read_file(certs().server_cert()) + read_file(certs().ca_cert()));
    start([&](server::ServerConfig& config) {
      config.tls_cert_file = chain_;
      config.tls_key_file = certs().server_key();
    });
  }

  // `fieldsync-server enrol USER ...` on the running server's data directory.
  CommandResult enrol(const std::string& user, const std::string& more = "") {
    const std::string store = test::test_store_for(data_dir_);  // PostgreSQL in the suite's second run
    return run_server_command("--data-dir '" + data_dir_.string() + "' " +
                                  (store.empty() ? "" : "--store '" + store + "' ") + "--tls-cert '" + chain_.string() +
                                  "' --tls-key '" + certs().server_key().string() + "' enrol " + user +
                                  " --server wss://localhost:" + std::to_string(port()) + " --qr '" +
                                  dir_.file("enrol.svg") + "' " + more,
                              dir_);
  }

  // `forwarded_for`: an X-Forwarded-For header, as a load balancer adds.
  HttpsResult post_code(const std::string& code, const std::string& forwarded_for = "") {
    std::map<std::string, std::string> headers;
    if (!forwarded_for.empty()) headers["X-Forwarded-For"] = forwarded_for;
    return https_request(port(), "POST", "/api/enrol", certs().ca_cert(), nlohmann::json{{"code", code}}.dump(),
                         "127.0.0.1", headers);
  }

  // Six wrong codes from `forwarded_for`: the statuses of the last.
  int guess_six_times(const std::string& forwarded_for) {
    int last = 0;
    for (int i = 0; i < 6; ++i) last = post_code("2222-2222-2" + std::to_string(2 + i), forwarded_for).status;
    return last;
  }

  static std::string error_of(const HttpsResult& result) {
    const auto body = nlohmann::json::parse(result.body, nullptr, false);
    return body.is_object() && body.contains("error") ? body["error"].get<std::string>() : "(" + result.body + ")";
  }

  ScratchDir dir_;
  std::filesystem::path chain_;
};

TEST_F(EnrolmentTest, EnrolPrintsACodeAndWritesAQrCodeOfTheLink) {
  const CommandResult run = enrol("ana");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string code = first_line(run.out);
  EXPECT_TRUE(std::regex_match(code, kCodeShape)) << code;
  EXPECT_EQ(run.out, code + "\n") << "the code alone on stdout, for scripts";

  const std::string link = link_of(run.err);
  const std::string expected = "fieldsync://enrol?server=wss%3A%2F%2Flocalhost%3A" + std::to_string(port()) +
                               "&code=" + code + "&ca=sha256%3A";
  EXPECT_TRUE(link.starts_with(expected)) << run.err;
  // The QR code holds exactly that link, and only its owner may read it (it holds the code).
  const auto svg = dir_.path() / "enrol.svg";
  const auto modules = modules_of_svg(read_file(svg));
  ASSERT_FALSE(modules.empty());
  EXPECT_EQ(modules, server::qr_modules(link));
  EXPECT_NE(modules, server::qr_modules(link + "x"));  // the comparison can fail
  struct stat info {};
  ASSERT_EQ(::stat(svg.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  // The pin is the test CA's SHA-256, base64url without padding.
  EXPECT_EQ(link.substr(link.find("&ca=sha256%3A") + 13), pin_of(certs().ca_cert()));
}

TEST_F(EnrolmentTest, NoPinWhenTheChainEndsBelowARootItDoesNotCarry) {
  // The leaf alone: its CA is not presented, so phones must trust it already (a public CA).
  const std::string store = test::test_store_for(data_dir_);  // PostgreSQL in the suite's second run
  const CommandResult run = run_server_command("--data-dir '" + data_dir_.string() + "' " +
                                         (store.empty() ? "" : "--store '" + store + "' ") + "--tls-cert '" +
                                         certs().server_cert().string() + "' --tls-key '" +
                                         certs().server_key().string() + "' enrol ana --server wss://localhost:1 --qr '" +
                                         dir_.file("leaf.svg") + "'",
                                     dir_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(link_of(run.err).find("&ca="), std::string::npos) << run.err;
  // Named explicitly, any certificate is pinned.
  const CommandResult named = enrol("ana", "--ca-cert '" + certs().other_ca_cert().string() + "'");
  ASSERT_EQ(named.exit_code, 0) << named.err;
  EXPECT_NE(link_of(named.err).find("&ca=sha256%3A" + pin_of(certs().other_ca_cert())), std::string::npos);
}

TEST_F(EnrolmentTest, TheCodeIsExchangedOnceForATokenOfItsUser) {
  const CommandResult run = enrol("ana");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string code = first_line(run.out);

  // Typed in lower case without dashes: still the code.
  std::string typed;
  for (char c : code) {
    if (c != '-') typed += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  const HttpsResult first = post_code(typed);
  ASSERT_EQ(first.status, 200) << first.body;
  const auto answer = nlohmann::json::parse(first.body);
  EXPECT_EQ(answer["user"], "ana");
  const std::string token = answer["token"];
  EXPECT_EQ(server_->store().authenticate(token, now_ms()).user, "ana");

  const HttpsResult second = post_code(code);
  EXPECT_EQ(second.status, 410) << second.body;
  EXPECT_EQ(error_of(second), "code_used");
  // The first token still works: a replayed code takes nothing away.
  EXPECT_EQ(server_->store().authenticate(token, now_ms()).user, "ana");
}

TEST_F(EnrolmentTest, WrongExpiredAndReplacedCodesAreRefusedSayingWhy) {
  const HttpsResult wrong = post_code("K7QF-M2XA-9D");
  EXPECT_EQ(wrong.status, 404) << wrong.body;
  EXPECT_EQ(error_of(wrong), "code_unknown");
  const HttpsResult malformed = https_request(port(), "POST", "/api/enrol", certs().ca_cert(), "code=1");
  EXPECT_EQ(malformed.status, 400) << malformed.body;
  const HttpsResult get = https_get(port(), "/api/enrol", certs().ca_cert());
  EXPECT_EQ(get.status, 405) << get.body;

  // A code that ended a minute ago (the store keeps only its hash).
  const std::uint64_t now = now_ms();
  server_->store().add_enrolment_code({"sue", sha256_hex("ABCDEFGHJK"), now - 16 * 60'000, now - 60'000, 3'600'000});
  const HttpsResult expired = post_code("abcd-efgh-jk");
  EXPECT_EQ(expired.status, 410) << expired.body;
  EXPECT_EQ(error_of(expired), "code_expired");

  // Issuing another code revokes the first.
  const std::string replaced = first_line(enrol("ana").out);
  const std::string current = first_line(enrol("ana").out);
  ASSERT_NE(replaced, current);
  const HttpsResult old = post_code(replaced);
  EXPECT_EQ(old.status, 410) << old.body;
  EXPECT_EQ(error_of(old), "code_replaced");
  EXPECT_EQ(post_code(current).status, 200);
}

TEST_F(EnrolmentTest, GuessingIsCutOffAfterAFewWrongCodes) {
  const std::string code = first_line(enrol("ana").out);
  int refused = 0;
  HttpsResult last;
  for (int i = 0; i < 6; ++i) {
    last = post_code("2222-2222-2" + std::to_string(2 + i % 7));
    if (last.status == 404) ++refused;
  }
  EXPECT_EQ(refused, 5);
  EXPECT_EQ(last.status, 429) << last.body;
  EXPECT_EQ(error_of(last), "rate_limited");
  EXPECT_GE(std::stoi(last.headers["retry-after"]), 1);
  // While cut off, even the right code waits: otherwise the limit would not stop guessing.
  EXPECT_EQ(post_code(code).status, 429);
}

// Behind a load balancer every phone comes from its address: the guessing limit counts
// each client by the X-Forwarded-For the balancer adds, but only when the server was told
// to trust that balancer; anyone else's header is ignored.
TEST_F(EnrolmentTest, BehindATrustedProxyGuessingIsCountedPerClient) {
  start([&](server::ServerConfig& config) {
    config.tls_cert_file = chain_;
    config.tls_key_file = certs().server_key();
    config.trusted_proxies = {"127.0.0.1"};
  });
  const std::string code = first_line(enrol("ana").out);
  EXPECT_EQ(guess_six_times("198.51.100.7, 203.0.113.5"), 429);
  // Another phone behind the same balancer is not held up; its right code works.
  EXPECT_EQ(post_code("2222-2222-22", "203.0.113.6").status, 404);
  EXPECT_EQ(post_code(code, "203.0.113.6").status, 200);
  // The earlier entries are the client's own say: changing them escapes nothing.
  EXPECT_EQ(post_code("2222-2222-22", "10.9.9.9, 203.0.113.5").status, 429);
}

TEST_F(EnrolmentTest, AnUntrustedPeersForwardedForIsIgnored) {
  const std::string code = first_line(enrol("ana").out);
  EXPECT_EQ(guess_six_times("203.0.113.5"), 429);
  EXPECT_EQ(post_code(code, "203.0.113.6").status, 429);  // the same peer, whatever it claims
}

TEST_F(EnrolmentTest, EnrolRefusesAnUnknownUserAndAWildcardAddress) {
  const CommandResult unknown = enrol("nobody");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no user 'nobody'"), std::string::npos) << unknown.err;
  const CommandResult wildcard = run_server_command("--data-dir '" + data_dir_.string() + "' --listen 0.0.0.0:8787 enrol ana --qr '" +
                                              dir_.file("x.svg") + "'",
                                          dir_);
  EXPECT_EQ(wildcard.exit_code, 1);
  EXPECT_NE(wildcard.err.find("--server"), std::string::npos) << wildcard.err;
}

TEST(EnrolmentCode, IsTenUnambiguousCharactersAndTypedLooselyStillMatches) {
  for (int i = 0; i < 200; ++i) {
    const std::string code = server::make_enrolment_code();
    ASSERT_TRUE(std::regex_match(code, kCodeShape)) << code;
    ASSERT_EQ(server::normalise_enrolment_code(code), code.substr(0, 4) + code.substr(5, 4) + code.substr(10));
  }
  EXPECT_EQ(server::normalise_enrolment_code(" k7qf m2xa-9d "), "K7QFM2XA9D");
  EXPECT_FALSE(server::normalise_enrolment_code("K7QF-M2XA-9"));     // too short
  EXPECT_FALSE(server::normalise_enrolment_code("K7QF-M2XA-9DD"));   // too long
  EXPECT_FALSE(server::normalise_enrolment_code("K7QF-M2XA-90"));    // 0 is not in the alphabet
  EXPECT_FALSE(server::normalise_enrolment_code("K7QF-M2XA-9\xC3"));  // nor is anything else
}

TEST(EnrolmentGuard, FailuresEmptyTheBucketsAndTimeRefillsThem) {
  server::EnrolmentGuard::Options options;
  options.per_address_burst = 2;
  options.per_address_refill = 60s;
  options.overall_burst = 3;
  options.overall_refill = 10s;
  server::EnrolmentGuard guard(options);
  const auto t0 = server::EnrolmentGuard::Clock::now();
  EXPECT_EQ(guard.try_attempt("10.0.0.1", t0), 0s);
  EXPECT_EQ(guard.try_attempt("10.0.0.1", t0), 0s);
  EXPECT_EQ(guard.try_attempt("10.0.0.1", t0), 60s);  // its own bucket is empty
  EXPECT_EQ(guard.try_attempt("10.0.0.2", t0), 0s);
  EXPECT_GT(guard.try_attempt("10.0.0.3", t0), 0s);  // everyone's bucket is empty
  EXPECT_EQ(guard.try_attempt("10.0.0.1", t0 + 61s), 0s);  // refilled
  // A success gives its token back.
  EXPECT_EQ(guard.try_attempt("10.0.0.2", t0 + 61s), 0s);
  guard.succeeded("10.0.0.2", t0 + 61s);
  EXPECT_EQ(guard.try_attempt("10.0.0.2", t0 + 61s), 0s);
  EXPECT_EQ(server::address_of("127.0.0.1:5555"), "127.0.0.1");
  EXPECT_EQ(server::address_of("::1:5555"), "::1");
}

}  // namespace
}  // namespace fieldsync::testing
