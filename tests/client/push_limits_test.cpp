// The client honours the limits the server's welcome announces: pushes are cut by bytes
// within max_frame_bytes (a push over it would cost the connection), and a record over a
// per-record limit is refused on the phone, as the server would, instead of being sent.

#include <gtest/gtest.h>

#include <string>

#include "client_test_support.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "test_server.hpp"

namespace fieldsync::client {
namespace {

constexpr std::size_t kFrameBytes = 64 * 1024;
constexpr std::size_t kRecordBytes = 10 * 1024;

std::string euros(std::size_t count) {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) text += "\xE2\x82\xAC";  // three bytes each
  return text;
}

class PushLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.start(0, [](server::ServerConfig& c) {
      c.limits.max_frame_bytes = kFrameBytes;
      c.limits.max_record_bytes = kRecordBytes;
    });
    token_ = server_.add_user("sam", server::Role::kSupervisor);
  }

  test::TempDir dir_;
  test::TestServer server_{dir_.path() / "server"};
  std::string token_;
};

TEST_F(PushLimitsTest, PushesAreCutByBytesAndOversizedRecordsAreRefusedOnThePhone) {
  Replica phone = test::open_replica(dir_, "phone.db");
  const RecordId customer = phone.create("customers", {{"name", Value("Acme")}, {"territory", Value("north")}});
  // 40 orders of some 6 KB: 240 KB, four frames' worth, far below max_batch_records.
  for (int i = 0; i < 40; ++i) {
    phone.create("orders", {{"order_number", Value("O-" + std::to_string(i))},
                            {"customer_id", Value(customer.to_string())},
                            {"territory", Value("north")},
                            {"notes", Value(euros(2000))}});
  }
  // A visit of some 15 KB: over max_record_bytes.
  const RecordId visit = phone.create(
      "visits", {{"customer_id", Value(customer.to_string())}, {"summary", Value(euros(4000))},
                 {"outcome", Value(euros(1000))}});

  std::size_t pushes = 0;
  SyncOptions options;
  options.on_progress = [&](const ClientSync& sync) {
    if (sync.phase() == ClientSync::Phase::kPushing) ++pushes;
  };
  const ClientSyncStats stats = sync_once(phone, server_.url(), token_, options);
  EXPECT_EQ(stats.pushed, 41u);
  EXPECT_EQ(stats.rejected, 1u);
  EXPECT_GE(pushes, 4u);
  EXPECT_EQ(phone.outbox_size(), 0u);
  const auto refusals = phone.rejections();
  ASSERT_EQ(refusals.size(), 1u);
  EXPECT_EQ(refusals[0].id, visit);
  EXPECT_EQ(refusals[0].code, ErrorCode::kTooLarge);
  EXPECT_NE(refusals[0].reason.find("bytes per record"), std::string::npos) << refusals[0].reason;

  // Everything else reached the server.
  Replica other = test::open_replica(dir_, "other.db");
  sync_once(other, server_.url(), token_);
  EXPECT_EQ(test::record_count(other), 41u);
}

}  // namespace
}  // namespace fieldsync::client
