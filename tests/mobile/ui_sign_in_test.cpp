// Signing in with an enrolment code: the real app (QML, offscreen) against the production
// server on loopback with TLS, its code made by `fieldsync-server enrol` run as a process on
// the server's data directory, as an operator does. Typed on the sign-in screen, or filled
// in by the link the QR code holds; the token lands in the token store (here the private
// file: no secret service runs), and the first sync completes over wss://.

#include <gtest/gtest.h>

#include <QFile>
#include <QFileInfo>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "app_window.hpp"
#include "test_certs.hpp"

namespace fieldsync::app {
namespace {

// Anyone but the file's owner: none of these may be set on the token file.
constexpr auto kNotTheOwner = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup |
                              QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;

using test::AppWindow;
using test::wait_until;
using fieldsync::testing::TestCertificates;

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Enrolment {
  std::string code;
  std::string link;
};

class SignInTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto& certs = TestCertificates::shared();
    // The chain ends in the test CA: a private CA, which the link pins.
    chain_ = dir_.path() / "chain.pem";
    std::ofstream(chain_) << read_file(certs.server_cert()) << read_file(certs.ca_cert());
    server_.start(0, [&](server::ServerConfig& config) {
      config.tls_cert_file = chain_;
      config.tls_key_file = certs.server_key();
    });
    server_.store().add_user(server::UserRecord{"rita", server::Role::kRep, {"north"}});
  }

  // `fieldsync-server enrol rita` on the running server's data directory.
  Enrolment enrol() {
    const std::string err = dir_.file("enrol.err");
    const std::string command = std::string(FIELDSYNC_SERVER_EXE) + " --data-dir '" + (dir_.path() / "server").string() +
                                "' --tls-cert '" + chain_.string() + "' --tls-key '" +
                                TestCertificates::shared().server_key().string() + "' enrol rita --server " + server() +
                                " --qr '" + dir_.file("rita.svg") + "' 2>'" + err + "'";
    FILE* pipe = popen(command.c_str(), "r");
    std::string out;
    std::array<char, 256> chunk{};
    while (pipe && std::fgets(chunk.data(), chunk.size(), pipe)) out += chunk.data();
    const int status = pipe ? pclose(pipe) : -1;
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(err);
    const std::string note = read_file(err);
    const auto at = note.find("link: ");
    Enrolment result{out.substr(0, out.find('\n')), {}};
    if (at != std::string::npos) result.link = note.substr(at + 6, note.find('\n', at) - at - 6);
    return result;
  }

  std::string server() const { return "wss://localhost:" + std::to_string(server_.port()); }

  fieldsync::test::TempDir dir_;
  fieldsync::test::TestServer server_{dir_.path() / "server"};
  std::filesystem::path chain_;
};

TEST_F(SignInTest, TypedCodeSignsInKeepsTheTokenPrivateAndSyncs) {
  AppWindow rep(dir_.file("rep.db"));
  // Work done before signing in is sent by the first sync.
  rep.app().replica().create("customers", {{"name", Value(std::string("Kiosk Nord"))},
                                           {"territory", Value(std::string("north"))}});
  rep.app().localWriteDone();
  ASSERT_TRUE(rep.shows(QStringLiteral("signInCard")));
  rep.click(QStringLiteral("openSignInButton"));
  const Enrolment enrolment = enrol();

  // Typed by hand, the server is trusted through the system's CAs: the test CA is not one.
  rep.type(QStringLiteral("signInServerField"), QString::fromStdString(server()));
  rep.type(QStringLiteral("signInCodeField"), QString::fromStdString(enrolment.code).toLower());
  rep.click(QStringLiteral("signInButton"));
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("signInError")); }));
  EXPECT_TRUE(rep.text(QStringLiteral("signInError")).contains(QLatin1String("not trusted")))
      << rep.text(QStringLiteral("signInError")).toStdString();
  EXPECT_FALSE(rep.app().signedIn());

  // With the office's CA (Settings → Advanced), the same typed code signs in: the refused
  // handshake did not use it up.
  ASSERT_EQ(rep.app().saveSettings({}, {}, QString::fromStdString(TestCertificates::shared().ca_cert().string())), QString());
  rep.click(QStringLiteral("signInButton"));
  ASSERT_TRUE(wait_until([&] { return rep.app().signedIn(); })) << rep.text(QStringLiteral("signInError")).toStdString();
  EXPECT_EQ(rep.app().serverUrl(), QString::fromStdString(server() + "/sync"));

  // The token: in the store behind the app (the private file here), never in the replica.
  const QString token_file = QString::fromStdString(dir_.file("rep.db")) + QStringLiteral(".token");
  ASSERT_TRUE(wait_until([&] { return rep.app().tokenStorage() == QLatin1String("file"); }));
  EXPECT_EQ(QFileInfo(token_file).permissions() & kNotTheOwner, QFileDevice::Permissions());
  QFile stored(token_file);
  ASSERT_TRUE(stored.open(QIODevice::ReadOnly));
  const std::string token = stored.readAll().toStdString();
  EXPECT_EQ(server_.store().authenticate(token, SystemClock().now_ms()).user, "rita");
  EXPECT_EQ(rep.app().replica().setting("app.token").value_or(""), "");

  // The first sync: the offline edit reaches the office, and Settings says when.
  ASSERT_TRUE(wait_until([&] { return rep.app().outboxSize() == 0 && rep.app().role() == QLatin1String("rep"); }))
      << rep.app().sync()->error().toStdString();
  EXPECT_EQ(server_.store().changes_since(0, 10, {}, [](const RecordState&) { return true; }).states.size(), 1u);
  EXPECT_FALSE(rep.shows(QStringLiteral("signInCard")));
  rep.call("openSettings");
  EXPECT_TRUE(wait_until([&] { return rep.text(QStringLiteral("lastSyncSettingsLabel")) == QLatin1String("Last sync: just now"); }))
      << rep.text(QStringLiteral("lastSyncSettingsLabel")).toStdString();
  EXPECT_TRUE(rep.text(QStringLiteral("tokenStorageLabel")).contains(QLatin1String("private file")));

  // The code worked once.
  EXPECT_TRUE(wait_until([&] { return !rep.app().signingIn(); }));
  rep.app().signIn(QString::fromStdString(server()), QString::fromStdString(enrolment.code));
  ASSERT_TRUE(wait_until([&] { return !rep.app().signInError().isEmpty(); }));
  EXPECT_TRUE(rep.app().signInError().contains(QLatin1String("used already"))) << rep.app().signInError().toStdString();
}

TEST_F(SignInTest, TheLinkFillsTheScreenPinsTheCaAndSignsIn) {
  const Enrolment enrolment = enrol();
  ASSERT_FALSE(enrolment.link.empty());
  {
    AppWindow rep(dir_.file("rep.db"));
    // As the platform hands over the link the camera opened.
    rep.app().openEnrolUrl(QUrl(QString::fromStdString(enrolment.link)));
    ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("signInServerField")); })) << rep.visible_names();
    EXPECT_EQ(rep.text(QStringLiteral("signInServerField")), QString::fromStdString(server() + "/sync"));
    EXPECT_EQ(rep.text(QStringLiteral("signInCodeField")), QString::fromStdString(enrolment.code));
    EXPECT_TRUE(rep.shows(QStringLiteral("pinnedNote")));
    rep.click(QStringLiteral("signInButton"));
    ASSERT_TRUE(wait_until([&] { return rep.app().signedIn(); })) << rep.text(QStringLiteral("signInError")).toStdString();
    // Back home, and the pinned CA is what the sync trusts from now on.
    EXPECT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("customerList")); }));
    EXPECT_EQ(read_file(rep.app().caFile().toStdString()), read_file(TestCertificates::shared().ca_cert()));
    ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("onlineLabel")) == QLatin1String("Online"); }))
        << rep.text(QStringLiteral("syncErrorLabel")).toStdString();
    ASSERT_TRUE(wait_until([&] { return rep.app().tokenStorage() == QLatin1String("file"); }));

    // The record's history comes over HTTPS from the same server, trusting the same pinned
    // CA (the system's CAs do not know it).
    const RecordId kiosk = rep.app().replica().create("customers", {{"name", Value(std::string("Kiosk Süd"))},
                                                                    {"territory", Value(std::string("north"))}});
    rep.app().localWriteDone();
    ASSERT_TRUE(wait_until([&] { return rep.app().outboxSize() == 0; }));
    HistoryModel* history = rep.app().history(QStringLiteral("customers"), QString::fromStdString(kiosk.to_string()));
    ASSERT_TRUE(wait_until([&] { return !history->loading(); }));
    EXPECT_EQ(history->error(), QString()) << history->error().toStdString();
    EXPECT_GE(history->rowCount(), 1);
  }
  // Started again: the token is read back from where it was kept, and the app syncs.
  AppWindow again(dir_.file("rep.db"));
  EXPECT_TRUE(again.app().signedIn());
  EXPECT_TRUE(wait_until([&] { return again.text(QStringLiteral("onlineLabel")) == QLatin1String("Online"); }))
      << again.text(QStringLiteral("syncErrorLabel")).toStdString();
}

TEST_F(SignInTest, WrongCodesAreExplainedAndALinkToAnotherServerIsRefused) {
  AppWindow rep(dir_.file("rep.db"));
  ASSERT_EQ(rep.app().saveSettings({}, {}, QString::fromStdString(TestCertificates::shared().ca_cert().string())), QString());
  rep.call("openSignIn");
  rep.type(QStringLiteral("signInServerField"), QString::fromStdString(server()));
  rep.type(QStringLiteral("signInCodeField"), QStringLiteral("2222-3333-44"));
  rep.click(QStringLiteral("signInButton"));
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("signInError")); }));
  EXPECT_TRUE(rep.text(QStringLiteral("signInError")).contains(QLatin1String("not known")))
      << rep.text(QStringLiteral("signInError")).toStdString();

  // A link whose pin is not the server's certificate: the code is never sent.
  const Enrolment enrolment = enrol();
  std::string forged = enrolment.link.substr(0, enrolment.link.find("&ca=")) +
                       "&ca=sha256%3AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  ASSERT_TRUE(rep.app().handleLink(QString::fromStdString(forged)));
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("signInCodeField")) == QString::fromStdString(enrolment.code); }));
  rep.click(QStringLiteral("signInButton"));
  ASSERT_TRUE(wait_until([&] { return rep.app().signInError().contains(QLatin1String("not the one")); }))
      << rep.app().signInError().toStdString();
  EXPECT_FALSE(rep.app().signedIn());
  // Not used up: the genuine link still signs in.
  ASSERT_TRUE(rep.app().handleLink(QString::fromStdString(enrolment.link)));
  rep.click(QStringLiteral("signInButton"));
  EXPECT_TRUE(wait_until([&] { return rep.app().signedIn(); })) << rep.app().signInError().toStdString();
  EXPECT_FALSE(rep.app().handleLink(QStringLiteral("https://example.com/enrol?code=1")));
}

}  // namespace
}  // namespace fieldsync::app
