#pragma once

#include <QByteArray>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QString>

#include <optional>

class QNetworkReply;

namespace fieldsync::app {

// What the sign-in screen sends.
struct EnrolRequest {
  QString server;   // the sync URL (wss://host:port/sync)
  QString code;     // as typed
  QString pin;      // from the link: the certificate the server's chain must hold; may be empty
  QString ca_file;  // Advanced: a CA file to trust (no pin); empty: the system's CAs
  bool allow_plaintext = false;
};

// Exchanges an enrolment code for a token: POST /api/enrol over HTTPS (docs/protocol.md,
// "Enrolment"). With a pin, the first handshake trusts nothing; it only learns the chain
// the server presents. If a certificate in it has the pin's SHA-256, the request is made
// again trusting that certificate alone, with the usual checks (the host name included),
// so the code is sent only to the server the link names. Asynchronous; UI thread only.
class EnrolmentClient : public QObject {
  Q_OBJECT

 public:
  explicit EnrolmentClient(QObject* parent = nullptr);

  // Starts an exchange, cancelling one under way.
  void start(const EnrolRequest& request);
  bool busy() const { return reply_ != nullptr; }

 signals:
  // `ca_pem`: the pinned certificate (PEM) the sync must trust from now on; empty: none.
  void succeeded(const QString& token, const QString& user, const QByteArray& ca_pem);
  // In the rep's words.
  void failed(const QString& message);

 private:
  void send(const QList<QSslCertificate>* trust);
  void finish(QNetworkReply* reply);

  QNetworkAccessManager network_;
  QPointer<QNetworkReply> reply_;
  EnrolRequest request_;
  std::optional<QSslCertificate> pinned_;  // found in the chain: trusted on the second try
  bool probing_ = false;                   // the first handshake of a pinned exchange
};

// SHA-256 of a certificate's DER, base64url without padding, after "sha256:": as the link says.
QString certificate_pin(const QSslCertificate& certificate);

}  // namespace fieldsync::app
