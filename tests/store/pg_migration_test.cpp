// `fieldsync-server migrate`: an embedded store copied into PostgreSQL. Phones that synced
// with the embedded store carry on with the PostgreSQL one: same token, no resync, only
// what changed since comes down.

#include <gtest/gtest.h>

#include "fieldsync/client/sync_once.hpp"
#include "fieldsync/server/server.hpp"
#include "store_test_support.hpp"

namespace fieldsync::test {
namespace {

server::ServerConfig config_for(const std::filesystem::path& data_dir, const std::string& store) {
  server::ServerConfig config;
  config.address = "127.0.0.1";
  config.port = 0;
  config.data_dir = data_dir;
  config.store = store;
  config.durable = false;
  config.log_level = "warn";
  return config;
}

std::string url_of(const server::Server& server) {
  return "ws://127.0.0.1:" + std::to_string(server.port()) + "/sync";
}

FieldValues customer(const std::string& name) { return {{"name", Value(name)}, {"territory", Value("north")}}; }

TEST(PostgresMigrationTest, PhonesCarryOnAfterTheEmbeddedStoreMovesToPostgresql) {
  const std::string cluster = pg_cluster_url();
  if (cluster.empty()) return;
  const std::string url = fresh_pg_database(cluster);
  TempDir dir("fieldsync-migrate");
  Replica a = Replica::open(dir.file("a.db"), Schema::domain());
  Replica b = Replica::open(dir.file("b.db"), Schema::domain());
  std::string token, history_id;
  std::string generation;
  {
    server::Server embedded(config_for(dir.path() / "server", ""));
    embedded.start();
    embedded.store().add_user({"sam", server::Role::kSupervisor, {}});
    token = embedded.store().issue_token("sam", 3'600'000, SystemClock().now_ms()).token;
    for (int i = 0; i < 3; ++i) a.create("customers", customer("A" + std::to_string(i)));
    const auto id = b.create("customers", customer("B"));
    history_id = id.to_string();
    b.update("customers", id, {{"phone", Value(std::string("123"))}});
    EXPECT_EQ(client::sync_once(a, url_of(embedded), token).pushed, 3u);
    EXPECT_EQ(client::sync_once(b, url_of(embedded), token).pushed, 1u);
    EXPECT_EQ(client::sync_once(a, url_of(embedded), token).pulled, 1u);
    generation = embedded.store().generation();
  }

  const auto done = server::migrate_sqlite_to_postgres(dir.path() / "server", url, Schema::domain(), SystemClock());
  EXPECT_EQ(done.records, 4u);
  EXPECT_EQ(done.users, 1u);
  EXPECT_EQ(done.tokens, 1u);
  EXPECT_EQ(done.replicas, 2u);
  EXPECT_GE(done.audit_entries, 4u);
  try {
    server::migrate_sqlite_to_postgres(dir.path() / "server", url, Schema::domain(), SystemClock());
    ADD_FAILURE() << "a second migration into a store in use was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kAlreadyExists);
  }

  server::Server postgres(config_for(dir.path() / "unused", url));
  postgres.start();
  EXPECT_EQ(postgres.store().generation(), generation);
  EXPECT_EQ(postgres.store().head(), done.head);
  const auto history = postgres.store().history("customers", Uuid::parse(history_id).value());
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.front().action, "accepted");

  // The old token works, nothing is re-sent or re-pulled, and new changes flow both ways.
  b.create("customers", customer("B2"));
  const auto from_b = client::sync_once(b, url_of(postgres), token);
  EXPECT_EQ(from_b.pushed, 1u);
  EXPECT_LE(from_b.pulled, 1u);  // at most its own B2 back: not the five records of a full pull
  EXPECT_FALSE(from_b.server_restored);
  EXPECT_FALSE(from_b.resynced);
  const auto from_a = client::sync_once(a, url_of(postgres), token);
  EXPECT_EQ(from_a.pushed, 0u);
  EXPECT_EQ(from_a.pulled, 1u);  // only B2
  EXPECT_FALSE(from_a.server_restored);
  EXPECT_FALSE(from_a.resynced);
  EXPECT_EQ(a.list("customers").size(), 5u);
}

}  // namespace
}  // namespace fieldsync::test
