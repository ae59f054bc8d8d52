// The audit log stays bounded: a refused push is stored as its reason (cut to
// max_audit_text_bytes) and field names, never its values; old entries go after
// [audit] retention_days.
#include <algorithm>
#include <filesystem>

#include "fieldsync/core/clock.hpp"

#include "server_fixture.hpp"

namespace fieldsync::testing {
namespace {

std::uintmax_t store_bytes(const std::filesystem::path& data_dir) {
  std::uintmax_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    const auto file = data_dir / (std::string("fieldsync-server.db") + suffix);
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (!ec) total += size;
  }
  return total;
}

TEST_F(ServerTest, TenRefusedPushesOfALargeValueGrowTheStoreByFarLessThanTheirSize) {
  Replica phone = Replica::open(":memory:", Schema::domain());
  const RecordId id = phone.create("customers", {{"name", Value(std::string("Hotel Aurora"))},
                                                 {"territory", Value(std::string("north"))},
                                                 {"tier", Value(std::string("vip"))}});
  RecordState state = phone.outbox().at(0).state;
  // Under the per-record size limit (1 MiB), so that it reaches the store and its audit.
  constexpr std::size_t kValueBytes = 900 * 1024;
  for (auto& field : state.fields) {
    if (field.name == "tier") field.siblings.at(0).value = Value(std::string(kValueBytes, 'x'));  // not an enum value
  }
  proto::Envelope push = envelope();
  append_wire_state(*push.mutable_push()->add_records(), state);

  TestClient ana(port(), ana_token_);
  ASSERT_TRUE(ana.hello(phone.replica_id(), phone.counter()).has_welcome());
  const std::uintmax_t before = store_bytes(data_dir_);
  for (int i = 0; i < 10; ++i) {
    const proto::Envelope ack = ana.request(push, 10s);
    ASSERT_TRUE(ack.has_ack()) << ack.ShortDebugString().substr(0, 300);
    ASSERT_EQ(ack.ack().rejected_size(), 1);
    EXPECT_EQ(ack.ack().rejected(0).code(), static_cast<std::uint32_t>(ErrorCode::kInvalidValue));
  }
  const std::uintmax_t grown = store_bytes(data_dir_) - std::min(before, store_bytes(data_dir_));
  EXPECT_LT(grown, 1024u * 1024u) << "10 refusals of a " << kValueBytes << "-byte value grew the store by " << grown;

  const auto history = server_->store().history("customers", id);
  ASSERT_EQ(history.size(), 10u);
  for (const auto& entry : history) {
    EXPECT_EQ(entry.action, "refused");
    EXPECT_LE(entry.detail.size(), server_->config().limits.max_audit_text_bytes);
    EXPECT_NE(entry.detail.find("tier"), std::string::npos) << entry.detail.substr(0, 200);
    EXPECT_NE(entry.detail.find("bytes, cut"), std::string::npos) << "says it was cut";
    EXPECT_NE(std::find(entry.fields.begin(), entry.fields.end(), "tier"), entry.fields.end()) << "names the fields";
  }
}

class AuditRetentionTest : public ServerTest {
 protected:
  void SetUp() override {
    clock_source_.set(now_ms());
    clock_ = &clock_source_;  // the server's: its audit time stamps and its idea of "old"
    ServerTest::SetUp();
    start([](server::ServerConfig& config) { config.audit.retention = std::chrono::hours(24 * 30); });
  }
  ManualClock clock_source_;
};

TEST_F(AuditRetentionTest, EntriesOlderThanTheRetentionGoAndNewerOnesStay) {
  const std::string token = server_->store().issue_token("sue", 400ULL * 24 * 3600 * 1000, now_ms()).token;
  TestClient sue(port(), token);
  Device phone;
  ASSERT_TRUE(sue.hello(phone.id()).has_welcome());
  const RecordId old_id = phone.add_customer("Hotel Aurora", "north");
  ASSERT_TRUE(sue.request(phone.push_outbox()).has_ack());
  ASSERT_FALSE(server_->store().history("customers", old_id).empty());

  clock_source_.advance(31ULL * 24 * 3600 * 1000);
  Device later;
  const RecordId new_id = later.add_customer("Hotel Borealis", "north");
  ASSERT_TRUE(sue.request(later.push_outbox()).has_ack());  // the same connection: no second hello

  EXPECT_EQ(server_->prune_audit(), 1u);  // what the periodic collection runs too
  EXPECT_TRUE(server_->store().history("customers", old_id).empty()) << "older than 30 days";
  EXPECT_EQ(server_->store().history("customers", new_id).size(), 1u);
  EXPECT_EQ(server_->prune_audit(), 0u);
}

}  // namespace
}  // namespace fieldsync::testing
