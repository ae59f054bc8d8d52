#include <gtest/gtest.h>

#include "sync_error_text.hpp"

namespace fieldsync::app {
namespace {

TEST(SyncErrorTextTest, TokenProblemsSayWhatToDo) {
  const QString expired = describe_sync_error(Error(ErrorCode::kUnauthenticated, "the token expired at 2030-01-01"));
  const QString revoked = describe_sync_error(Error(ErrorCode::kUnauthenticated, "the token was revoked"));
  const QString wrong = describe_sync_error(Error(ErrorCode::kUnauthenticated, "unknown token"));
  EXPECT_TRUE(expired.contains(QLatin1String("expired")));
  EXPECT_TRUE(revoked.contains(QLatin1String("withdrawn")));
  EXPECT_TRUE(wrong.contains(QLatin1String("Settings")));
  EXPECT_NE(expired, revoked);
  EXPECT_NE(revoked, wrong);
}

TEST(SyncErrorTextTest, NetworkLossReassuresThatNothingIsLost) {
  const QString lost = describe_sync_error(Error(ErrorCode::kIo, "cannot connect to the sync server at x: refused"));
  EXPECT_TRUE(lost.contains(QLatin1String("kept")));
  EXPECT_FALSE(lost.contains(QLatin1String("refused")));  // no socket jargon for a rep
}

TEST(SyncErrorTextTest, RefusedRecordNamesTheTerritory) {
  PushRejection rejection;
  rejection.code = ErrorCode::kForbidden;
  rejection.reason = "customers record is in territory 'south'";
  const QString text = describe_rejection(rejection);
  EXPECT_TRUE(text.contains(QLatin1String("outside your territories")));
  EXPECT_TRUE(text.contains(QLatin1String("south")));
}

// The transport's own messages (sync-core/client: ws_url.cpp, client_tls.cpp,
// client_stream.cpp), each in a rep's words with what to check; no OpenSSL jargon.
TEST(SyncErrorTextTest, CertificateProblemsInPlainWords) {
  const QString untrusted = describe_sync_error(Error(
      ErrorCode::kIo, "the certificate of the sync server at office:8443 was refused (unable to get local issuer "
                      "certificate): it does not chain to a CA the system trusts; name the server's CA with a CA file "
                      "(ConnectionOptions::ca_file, `fieldsync sync --ca-file`)"));
  EXPECT_TRUE(untrusted.contains(QLatin1String("does not trust"))) << untrusted.toStdString();
  EXPECT_TRUE(untrusted.contains(QLatin1String("CA certificate file")));
  EXPECT_FALSE(untrusted.contains(QLatin1String("issuer")));

  const QString wrong_host = describe_sync_error(Error(
      ErrorCode::kIo, "the certificate of the sync server at 10.0.0.5:8443 is not valid for '10.0.0.5' (IP address "
                      "mismatch): connect with a host name the certificate was issued for"));
  EXPECT_TRUE(wrong_host.contains(QLatin1String("another address"))) << wrong_host.toStdString();

  const QString expired = describe_sync_error(Error(
      ErrorCode::kIo, "the certificate of the sync server at office:8443 was refused (certificate has expired): it "
                      "does not chain to a CA in the CA file /sdcard/office-ca.pem"));
  EXPECT_TRUE(expired.contains(QLatin1String("expired"))) << expired.toStdString();

  const QString missing = describe_sync_error(Error(ErrorCode::kIo, "cannot read the CA file /sdcard/ca.pem"));
  EXPECT_TRUE(missing.contains(QLatin1String("cannot be read"))) << missing.toStdString();
  const QString not_pem = describe_sync_error(
      Error(ErrorCode::kInvalidArgument, "the CA file /sdcard/ca.pem holds no PEM certificate (no start line)"));
  EXPECT_TRUE(not_pem.contains(QLatin1String("not a certificate"))) << not_pem.toStdString();

  const QString no_store =
      describe_sync_error(Error(ErrorCode::kIo, "cannot load the system's trusted CA certificates: No such file"));
  EXPECT_TRUE(no_store.contains(QLatin1String("trusted certificates"))) << no_store.toStdString();

  const QString plaintext = describe_sync_error(Error(
      ErrorCode::kInvalidArgument,
      "refusing to talk to ws://office:8787/sync unencrypted: the token would cross the network in the clear. Use a "
      "wss:// or https:// URL (TLS), or allow plaintext explicitly (ConnectionOptions::allow_plaintext; "
      "--allow-plaintext) on a network you trust"));
  EXPECT_TRUE(plaintext.contains(QLatin1String("Allow unencrypted connection"))) << plaintext.toStdString();
  EXPECT_FALSE(plaintext.contains(QLatin1String("ConnectionOptions")));

  const QString handshake = describe_sync_error(Error(
      ErrorCode::kIo, "the TLS handshake with office:8787 failed: wrong version number (is it a wss:// server? a ws:// "
                      "server answers TLS with errors like 'wrong version number')"));
  EXPECT_TRUE(handshake.contains(QLatin1String("secure connection"))) << handshake.toStdString();
}

// kTls (the client's TLS failures): the specific wordings above still win; any other TLS
// failure names what to check, and never promises a retry that cannot work.
TEST(SyncErrorTextTest, TlsFailuresSayWhatToCheck) {
  const QString generic = describe_sync_error(Error(ErrorCode::kTls, "sslv3 alert handshake failure"));
  EXPECT_TRUE(generic.contains(QLatin1String("certificate could not be verified"))) << generic.toStdString();
  EXPECT_TRUE(generic.contains(QLatin1String("CA certificate file"))) << generic.toStdString();
  EXPECT_TRUE(generic.contains(QLatin1String("address"))) << generic.toStdString();
  EXPECT_FALSE(generic.contains(QLatin1String("sslv3")));
  EXPECT_FALSE(generic.contains(QLatin1String("sent later")));

  const QString untrusted = describe_sync_error(Error(
      ErrorCode::kTls, "the certificate of the sync server at office:8443 was refused (unable to get local issuer "
                       "certificate): it does not chain to a CA in the CA file /sdcard/office-ca.pem"));
  EXPECT_TRUE(untrusted.contains(QLatin1String("does not trust"))) << untrusted.toStdString();
  const QString wrong_host = describe_sync_error(Error(
      ErrorCode::kTls, "the certificate of the sync server at 10.0.0.5:8443 is not valid for '10.0.0.5' (IP address "
                       "mismatch): connect with a host name the certificate was issued for"));
  EXPECT_TRUE(wrong_host.contains(QLatin1String("another address"))) << wrong_host.toStdString();
}

}  // namespace
}  // namespace fieldsync::app
