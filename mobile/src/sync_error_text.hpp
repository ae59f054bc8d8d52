#pragma once

// Sync errors in words a rep understands, with what to do about them. The engine's
// messages are written for operators ("token expired at ..."); a rep needs "sign in again".

#include <QString>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/replica.hpp"

namespace fieldsync::app {

QString describe_sync_error(const Error& error);
// Why the office refused one of this phone's edits.
QString describe_rejection(const PushRejection& rejection);

}  // namespace fieldsync::app
