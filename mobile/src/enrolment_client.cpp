#include "enrolment_client.hpp"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>

#include <algorithm>

#include "server_api.hpp"
#include "sync_error_text.hpp"

namespace fieldsync::app {
namespace {

constexpr int kTimeoutMs = 15'000;

// The server's refusal, by its stable name, in the rep's words.
QString refusal_words(const QString& error, const QByteArray& retry_after) {
  if (error == QLatin1String("code_unknown")) {
    return EnrolmentClient::tr("This code is not known. Check what you typed, or ask the office for a new one.");
  }
  if (error == QLatin1String("code_used")) {
    return EnrolmentClient::tr("This code was used already. Ask the office for a new one.");
  }
  if (error == QLatin1String("code_expired")) {
    return EnrolmentClient::tr("This code has expired. Ask the office for a new one.");
  }
  if (error == QLatin1String("code_replaced")) {
    return EnrolmentClient::tr("The office issued you a newer code. Use that one.");
  }
  if (error == QLatin1String("user_disabled")) {
    return EnrolmentClient::tr("Your account is switched off. Ask the office.");
  }
  if (error == QLatin1String("rate_limited")) {
    const int minutes = std::max(1, (retry_after.toInt() + 59) / 60);
    return EnrolmentClient::tr("Too many wrong codes. Try again in %n minute(s).", nullptr, minutes);
  }
  return {};
}

}  // namespace

QString certificate_pin(const QSslCertificate& certificate) {
  const QByteArray digest = QCryptographicHash::hash(certificate.toDer(), QCryptographicHash::Sha256);
  return QStringLiteral("sha256:") +
         QString::fromLatin1(digest.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

EnrolmentClient::EnrolmentClient(QObject* parent) : QObject(parent) {}

void EnrolmentClient::start(const EnrolRequest& request) {
  if (reply_) {
    reply_->disconnect(this);
    reply_->abort();
    reply_->deleteLater();
  }
  request_ = request;
  pinned_.reset();
  // The same rule as the sync's: a code is a password, never sent in the clear beyond
  // this device unless plaintext is allowed (testing only).
  if (QString refusal = transport_refusal(request.server, {{}, request.allow_plaintext}); !refusal.isEmpty()) {
    emit failed(refusal);
    return;
  }
  if (!request.pin.isEmpty() && !request.server.trimmed().startsWith(QLatin1String("wss://"))) {
    emit failed(tr("The enrolment link names a certificate but no encrypted address: ask the office for a new link."));
    return;
  }
  if (!request.pin.isEmpty()) {
    probing_ = true;
    const QList<QSslCertificate> nothing;
    send(&nothing);
  } else if (!request.ca_file.isEmpty()) {
    QList<QSslCertificate> ca;
    if (QString unreadable = read_ca_file(request.ca_file, ca); !unreadable.isEmpty()) {
      emit failed(unreadable);
      return;
    }
    probing_ = false;
    send(&ca);
  } else {
    probing_ = false;
    send(nullptr);
  }
}

void EnrolmentClient::send(const QList<QSslCertificate>* trust) {
  QNetworkRequest request(server_api_url(request_.server.trimmed(), QStringLiteral("/api/enrol")));
  request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
  request.setTransferTimeout(kTimeoutMs);
  if (trust) {
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(*trust);  // these alone: the system's CAs are not asked
    request.setSslConfiguration(tls);
  }
  // Each try on a connection of its own: a cached one keeps the trust it was opened with.
  network_.clearConnectionCache();
  const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("code"), request_.code.trimmed()}}).toJson(QJsonDocument::Compact);
  reply_ = network_.post(request, body);
  QNetworkReply* reply = reply_.data();
  connect(reply, &QNetworkReply::sslErrors, this, [this, reply](const QList<QSslError>&) {
    if (!probing_) return;  // refused, as it should be: finish() says why
    // The probe: learn the chain, trust nothing. The handshake fails, so the code is not sent.
    for (const QSslCertificate& certificate : reply->sslConfiguration().peerCertificateChain()) {
      if (certificate_pin(certificate) == request_.pin) pinned_ = certificate;
    }
  });
  connect(reply, &QNetworkReply::finished, this, [this, reply] { finish(reply); });
}

void EnrolmentClient::finish(QNetworkReply* reply) {
  reply->deleteLater();
  if (reply != reply_) return;
  reply_ = nullptr;
  if (probing_) {
    probing_ = false;
    if (reply->error() == QNetworkReply::NoError || !pinned_) {
      // Answered while trusting nothing, or presented no certificate with the pin: not the
      // server the link names.
      emit failed(tr("The server's certificate is not the one your enrolment link names. Do not sign in on "
                     "this network; ask the office."));
      return;
    }
    const QList<QSslCertificate> trust{*pinned_};
    send(&trust);
    return;
  }
  const QByteArray body = reply->readAll();
  const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
  const QJsonObject answer = QJsonDocument::fromJson(body).object();
  if (status == 200 && answer.value(QStringLiteral("token")).isString()) {
    emit succeeded(answer.value(QStringLiteral("token")).toString(), answer.value(QStringLiteral("user")).toString(),
                   pinned_ ? pinned_->toPem() : QByteArray());
    return;
  }
  if (status != 0) {
    const QString words = refusal_words(answer.value(QStringLiteral("error")).toString(), reply->rawHeader("Retry-After"));
    emit failed(words.isEmpty() ? tr("The server refused the code (HTTP %1).").arg(status) : words);
    return;
  }
  if (reply->error() == QNetworkReply::SslHandshakeFailedError) {
    emit failed(tr("The server's certificate is not trusted: %1").arg(reply->errorString()));
    return;
  }
  emit failed(tr("Cannot reach the server: %1").arg(reply->errorString()));
}

}  // namespace fieldsync::app
