#include "sync_error_text.hpp"

#include <QObject>

namespace fieldsync::app {

QString describe_sync_error(const Error& error) {
  const QString detail = QString::fromStdString(error.what());
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
