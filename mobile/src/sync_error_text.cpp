#include "sync_error_text.hpp"

#include <QObject>

#include <optional>

namespace fieldsync::app {
namespace {

// The transport's TLS and plaintext refusals (sync-core/client), whatever their error code:
// the engine names OpenSSL's reasons and its own options; a rep needs what to check.
std::optional<QString> describe_transport_error(const QString& detail) {
  const auto has = [&](const char* text) { return detail.contains(QLatin1String(text), Qt::CaseInsensitive); };
  if (has("unencrypted") || has("allow plaintext")) {
    return QObject::tr("This server address is not encrypted (ws://). Use a wss:// address, or, for testing only, "
                       "turn on \"Allow unencrypted connection\" in Settings.");
  }
  // The server's certificate was refused (its messages also name the CA file).
  if (has("certificate of")) {
    if (has("not valid for")) {
      return QObject::tr("The office server's certificate is for another address. Enter the server address "
                         "exactly as the office gave it to you.");
    }
    if (has("expired")) {
      return QObject::tr("The office server's certificate has expired. Tell the office; your changes are kept on "
                         "the phone.");
    }
    if (has("not yet valid")) {
      return QObject::tr("The office server's certificate is not valid yet. Check this phone's date and time.");
    }
    return QObject::tr("This phone does not trust the office server's certificate, so it did not connect. "
                       "Check the CA certificate file in Settings, or ask the office for it.");
  }
  if (has("CA file")) {
    if (has("no PEM")) {
      return QObject::tr("The CA certificate file in Settings is not a certificate (a PEM file is needed). "
                         "Ask the office for the right file.");
    }
    return QObject::tr("The CA certificate file in Settings cannot be read. Check its path.");
  }
  if (has("cannot load") && has("certificates")) {
    return QObject::tr("This phone cannot load its trusted certificates. Set a CA certificate file in Settings.");
  }
  if (has("TLS handshake")) {
    return QObject::tr("Could not open a secure connection to the office server. Check the address in Settings "
                       "(wss:// needs a server with TLS).");
  }
  return std::nullopt;
}

}  // namespace

QString describe_sync_error(const Error& error) {
  const QString detail = QString::fromStdString(error.what());
  if (error.code() != ErrorCode::kTimeout) {
    if (auto transport = describe_transport_error(detail)) return *transport;
  }
  switch (error.code()) {
    case ErrorCode::kUnauthenticated:
      if (detail.contains(QLatin1String("expired"), Qt::CaseInsensitive)) {
        return QObject::tr("Your sign-in has expired. Ask the office for a new token and enter it in Settings.");
      }
      if (detail.contains(QLatin1String("revoked"), Qt::CaseInsensitive)) {
        return QObject::tr("Your sign-in was withdrawn by the office. Ask them for a new token.");
      }
      return QObject::tr("The office did not accept your token. Check it in Settings.");
    case ErrorCode::kForbidden:
      return QObject::tr("The office refused a change: it is outside your territories.");
    case ErrorCode::kClockSkew:
      return QObject::tr("This phone's clock is wrong. Set the date and time automatically, then sync again.");
    case ErrorCode::kUnsupportedVersion:
      return QObject::tr("This app is too old for the office server. Please update it.");
    case ErrorCode::kInvalidArgument:
      return QObject::tr("The server address is not valid: %1").arg(detail);
    case ErrorCode::kNotFound:
      return QObject::tr("There is no FieldSync server at this address. Check it in Settings.");
    case ErrorCode::kRateLimited:
      return QObject::tr("The office server is busy. Your changes are kept and will be sent shortly.");
    case ErrorCode::kResyncRequired:
      return QObject::tr("This phone was offline too long and must download everything again.");
    case ErrorCode::kShuttingDown:
      return QObject::tr("The office server is restarting. Your changes are kept and will be sent shortly.");
    case ErrorCode::kTls:
      // A TLS failure whose wording the transport text above does not know: still not a
      // network blip, so say what the rep can check rather than "sent later".
      return QObject::tr("The office server's certificate could not be verified, so this phone did not connect. "
                         "Check the CA certificate file and the server address in Settings.");
    case ErrorCode::kTimeout:
    case ErrorCode::kIo:
      return QObject::tr("No connection to the office. Your changes are kept on the phone and sent later.");
    default:
      return QObject::tr("Sync stopped: %1. Your changes are kept on the phone.").arg(detail);
  }
}

QString describe_rejection(const PushRejection& rejection) {
  const QString reason = QString::fromStdString(rejection.reason);
  switch (rejection.code) {
    case ErrorCode::kForbidden:
      return QObject::tr("Not accepted by the office: this record is outside your territories (%1).").arg(reason);
    case ErrorCode::kInvalidValue:
    case ErrorCode::kMissingField:
      return QObject::tr("Not accepted by the office: a value is not valid (%1).").arg(reason);
    default:
      return QObject::tr("Not accepted by the office: %1").arg(reason);
  }
}

}  // namespace fieldsync::app
