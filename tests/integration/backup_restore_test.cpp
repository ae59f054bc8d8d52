// Backup and restore of the server's store: an online backup taken while the server runs,
// writes acknowledged after it, a restore, and replicas that are ahead of the restored
// server bringing everything back (docs/operations.md, "Backup and restore").
#include <filesystem>
#include <fstream>

#include "fieldsync/client/sync_once.hpp"
#include "fieldsync/server/sqlite_store.hpp"
#include "server_fixture.hpp"

namespace fieldsync::testing {
namespace {

class BackupRestoreTest : public ServerTest {
 protected:
  Replica phone(const std::string& name) {
    return Replica::open((data_dir_ / (name + ".db")).string(), Schema::domain());
  }

  ClientSyncStats sync(Replica& replica, const std::string& token) {
    return client::sync_once(replica, "ws://127.0.0.1:" + std::to_string(port()) + "/sync", token);
  }

  static std::string phone_of(const Replica& replica, const RecordId& id) {
    auto record = replica.get("customers", id);
    if (!record) return "<missing>";
    const Value& v = record->value("phone");
    return is_null(v) ? "<null>" : std::get<std::string>(v);
  }
};

TEST_F(BackupRestoreTest, ReplicasAheadOfARestoredServerBringBackEveryAcknowledgedWrite) {
  Replica ana = phone("ana");
  Replica sue = phone("sue");
  const RecordId before = ana.create("customers", {{"name", Value("Before Backup")}, {"territory", Value("north")}});
  sync(ana, ana_token_);
  sync(sue, sue_token_);

  const auto backup_file = data_dir_ / "backup.db";
  server_->store().backup(backup_file);  // online: the server keeps serving

  // Written and acknowledged after the backup: the restored store will not have them.
  ana.update("customers", before, {{"phone", Value("+44 1")}});
  const RecordId after_ana = ana.create("customers", {{"name", Value("After, by Ana")}, {"territory", Value("north")}});
  EXPECT_EQ(sync(ana, ana_token_).pushed, 2u);
  const RecordId after_sue = sue.create("customers", {{"name", Value("After, by Sue")}, {"territory", Value("north")}});
  sync(sue, sue_token_);
  sync(ana, ana_token_);
  ASSERT_EQ(ana.outbox_size(), 0u);
  ASSERT_EQ(sue.outbox_size(), 0u);

  server_.reset();
  server::restore_sqlite_store(data_dir_, backup_file, Schema::domain(), SystemClock{});
  EXPECT_TRUE(std::filesystem::exists(data_dir_ / "fieldsync-server.db.before-restore"));
  start([](server::ServerConfig&) {});
  ASSERT_FALSE(server_->store().get("customers", after_ana)) << "the backup should predate this record";

  const ClientSyncStats ana_stats = sync(ana, ana_token_);
  EXPECT_TRUE(ana_stats.server_restored);
  // Sue's customer, as Ana re-sends it, carries a write of Sue's the restored server lacks:
  // it waits in Ana's outbox until Sue has re-sent it herself (the server guards causality).
  EXPECT_EQ(ana_stats.held_back, 1u);
  EXPECT_EQ(ana.outbox_size(), 1u);
  const ClientSyncStats sue_stats = sync(sue, sue_token_);
  EXPECT_TRUE(sue_stats.server_restored);
  EXPECT_EQ(sue_stats.held_back, 0u);
  sync(ana, ana_token_);  // pushes the record that waited, picks up what Sue brought back
  EXPECT_EQ(ana.outbox_size(), 0u);
  EXPECT_TRUE(ana.rejections().empty());
  EXPECT_TRUE(sue.rejections().empty());

  for (const RecordId& id : {before, after_ana, after_sue}) {
    auto on_server = server_->store().get("customers", id);
    ASSERT_TRUE(on_server) << id.to_string();
    EXPECT_EQ(*on_server, ana.state("customers", id).value());
    EXPECT_EQ(*on_server, sue.state("customers", id).value());
  }
  EXPECT_EQ(phone_of(sue, before), "+44 1");
  // A second sync in the same generation is an ordinary one.
  EXPECT_FALSE(sync(ana, ana_token_).server_restored);
}

TEST_F(BackupRestoreTest, ADamagedBackupReplacesNothing) {
  Replica ana = phone("ana");
  const RecordId id = ana.create("customers", {{"name", Value("Kept")}, {"territory", Value("north")}});
  sync(ana, ana_token_);
  server_.reset();
  const auto junk = data_dir_ / "junk.db";
  std::ofstream(junk) << std::string(8192, 'x');
  bool refused = false;
  try {
    server::restore_sqlite_store(data_dir_, junk, Schema::domain(), SystemClock{});
  } catch (const Error&) {
    refused = true;
  }
  EXPECT_TRUE(refused);
  start([](server::ServerConfig&) {});
  EXPECT_TRUE(server_->store().get("customers", id));
  EXPECT_FALSE(sync(ana, ana_token_).server_restored);
}

}  // namespace
}  // namespace fieldsync::testing
