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

}  // namespace
}  // namespace fieldsync::app
