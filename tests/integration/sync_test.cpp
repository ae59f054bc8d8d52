// The sync protocol end to end over a real WebSocket: handshake, push, pull, scope, live.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "fieldsync/core/error.hpp"
#include "server_fixture.hpp"

namespace fieldsync::testing {
namespace {

TEST_F(ServerTest, HelloIsWelcomedWithTheUsersScope) {
  Device device;
  TestClient ana(port(), ana_token_);
  proto::Envelope reply = ana.hello(device.id());
  ASSERT_TRUE(reply.has_welcome()) << reply.DebugString();
  EXPECT_EQ(reply.welcome().scope().user(), "ana");
  EXPECT_EQ(reply.welcome().scope().role(), "rep");
  ASSERT_EQ(reply.welcome().scope().territories_size(), 1);
  EXPECT_EQ(reply.welcome().scope().territories(0), "north");
  EXPECT_GT(reply.welcome().server_clock_ms(), 0u);
}

// Pages are cut by bytes as well as by count: no batch exceeds the frame limit the welcome
// announces, and paging on from each to_seq brings every visible record exactly once.
TEST_F(ServerTest, PullPagesStayWithinTheFrameLimit) {
  constexpr std::size_t kFrameLimit = 4096;
  start([&](server::ServerConfig& c) { c.limits.max_frame_bytes = kFrameLimit; });
  std::set<std::string> north;
  for (int d = 0; d < 12; ++d) {
    Device device;
    for (int i = 0; i < 5; ++i) {
      const std::string name = "Customer " + std::to_string(d * 5 + i) + " " + std::string(180, 'x');
      const RecordId id = device.add_customer(name, i % 2 ? "east" : "north");
      if (i % 2 == 0) north.insert(id.to_string());
    }
    TestClient sue(port(), sue_token_);
    ASSERT_TRUE(sue.hello(device.id(), device.counter()).has_welcome());
    const proto::Envelope ack = sue.request(device.push_outbox());
    ASSERT_TRUE(ack.has_ack()) << ack.DebugString();
    ASSERT_EQ(ack.ack().rejected_size(), 0);
  }

  Device reader;
  TestClient ana(port(), ana_token_);
  ASSERT_TRUE(ana.hello(reader.id()).has_welcome());
  std::set<std::string> pulled;
  std::size_t pages = 0;
  for (std::uint64_t after = 0;;) {
    const proto::Envelope page = ana.pull(after);
    ASSERT_TRUE(page.has_batch()) << page.DebugString();
    EXPECT_LE(page.ByteSizeLong(), kFrameLimit);
    for (const auto& id : record_ids(page.batch())) EXPECT_TRUE(pulled.insert(id).second) << "twice: " << id;
    ++pages;
    ASSERT_LT(pages, 100u) << "no progress";
    after = page.batch().to_seq();
    if (!page.batch().more()) break;
  }
  EXPECT_EQ(pulled, north);
  EXPECT_GT(pages, 2u);  // 36 records of some 300 bytes: the byte limit cut the pages
}

TEST_F(ServerTest, PushIsAckedThenPullReturnsTheRecords) {
  Device device;
  const RecordId first = device.add_customer("Acme", "north");
  const RecordId second = device.add_customer("Globex", "east");
  TestClient sue(port(), sue_token_);
  ASSERT_TRUE(sue.hello(device.id(), device.counter()).has_welcome());

  proto::Envelope ack = sue.request(device.push_outbox());
  ASSERT_TRUE(ack.has_ack()) << ack.DebugString();
  EXPECT_EQ(ack.ack().rejected_size(), 0);
  EXPECT_GE(ack.ack().server_seq(), 2u);

  proto::Envelope batch = sue.pull(0);
  ASSERT_TRUE(batch.has_batch()) << batch.DebugString();
  auto ids = record_ids(batch.batch());
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> expected{first.to_string(), second.to_string()};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ids, expected);
  EXPECT_EQ(batch.batch().to_seq(), ack.ack().server_seq());
  EXPECT_FALSE(batch.batch().more());
}

TEST_F(ServerTest, OutOfScopeRecordIsRefusedPerRecordAndTheRestAccepted) {
  Device device;
  const RecordId keep1 = device.add_customer("North One", "north");
  const RecordId refused = device.add_customer("South Side", "south");
  const RecordId keep2 = device.add_customer("North Two", "north");
  TestClient ana(port(), ana_token_);
  ASSERT_TRUE(ana.hello(device.id(), device.counter()).has_welcome());

  proto::Envelope push = device.push_outbox();
  ASSERT_EQ(push.push().records_size(), 3);
  int refused_index = -1;
  for (int i = 0; i < push.push().records_size(); ++i) {
    if (decode_wire_state(push.push().records(i)).id == refused) refused_index = i;
  }
  ASSERT_GE(refused_index, 0);

  proto::Envelope ack = ana.request(push);
  ASSERT_TRUE(ack.has_ack()) << ack.DebugString();
  ASSERT_EQ(ack.ack().rejected_size(), 1) << ack.DebugString();
  EXPECT_EQ(ack.ack().rejected(0).index(), static_cast<std::uint32_t>(refused_index));
  EXPECT_EQ(ack.ack().rejected(0).code(), static_cast<std::uint32_t>(ErrorCode::kForbidden));
  // The reason names the rep's own territories, never the one outside them.
  EXPECT_NE(ack.ack().rejected(0).reason().find("outside your scope (your territories: north)"), std::string::npos)
      << ack.ack().rejected(0).reason();
  EXPECT_EQ(ack.ack().rejected(0).reason().find("south"), std::string::npos) << ack.ack().rejected(0).reason();

  proto::Envelope batch = ana.pull(0);
  ASSERT_TRUE(batch.has_batch()) << batch.DebugString();
  auto ids = record_ids(batch.batch());
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> expected{keep1.to_string(), keep2.to_string()};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ids, expected);
  EXPECT_FALSE(server_->store().get("customers", refused).has_value());
}

TEST_F(ServerTest, PushOnOneClientReachesAnotherAsALiveBatch) {
  Device phone;
  Device office;
  TestClient ana(port(), ana_token_);
  TestClient sue(port(), sue_token_);
  ASSERT_TRUE(ana.hello(phone.id()).has_welcome());
  ASSERT_TRUE(sue.hello(office.id()).has_welcome());
  // Pulling to the head is what subscribes a connection to live changes.
  proto::Envelope caught_up = ana.pull(0);
  ASSERT_TRUE(caught_up.has_batch());
  ASSERT_FALSE(caught_up.batch().more());

  const RecordId customer = office.add_customer("Live Ltd", "north");
  proto::Envelope ack = sue.request(office.push_outbox());
  ASSERT_TRUE(ack.has_ack()) << ack.DebugString();
  ASSERT_EQ(ack.ack().rejected_size(), 0);

  proto::Envelope live = ana.receive(2s);
  ASSERT_TRUE(live.has_batch()) << live.DebugString();
  EXPECT_EQ(live.request_id(), 0u);
  EXPECT_EQ(record_ids(live.batch()), std::vector<std::string>{customer.to_string()});
  EXPECT_EQ(live.batch().to_seq(), ack.ack().server_seq());
}

}  // namespace
}  // namespace fieldsync::testing
