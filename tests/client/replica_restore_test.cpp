// A database restored from a backup (or copied to a second phone) syncs again: the server
// sees its counter went back, the replica takes a new id, and its unpushed edits land.

#include <gtest/gtest.h>

#include <filesystem>

#include "client_test_support.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "test_server.hpp"

namespace fieldsync::client {
namespace {

Value text(const char* value) { return Value(std::string(value)); }

TEST(ReplicaRestore, ARestoredCopyTakesANewIdAndKeepsItsUnpushedEdits) {
  test::TempDir dir;
  test::TestServer server{dir.path() / "server"};
  server.start();
  const std::string token = server.add_user("sam", server::Role::kSupervisor);

  RecordId customer;
  {
    Replica phone = test::open_replica(dir, "phone.db");
    customer = phone.create("customers", {{"name", text("Hotel Aurora")}, {"territory", text("north")}});
    sync_once(phone, server.url(), token);
  }  // closed: the WAL is folded into the file, which can be copied as a backup
  std::filesystem::copy_file(dir.file("phone.db"), dir.file("backup.db"));

  Replica phone = test::open_replica(dir, "phone.db");
  phone.update("customers", customer, {{"phone", text("111")}});
  phone.update("customers", customer, {{"owner", text("sam")}});
  sync_once(phone, server.url(), token);

  // The backup is restored on another phone, behind the original's counter, and edited.
  Replica restored = test::open_replica(dir, "backup.db");
  const ReplicaId old_id = restored.replica_id();
  ASSERT_EQ(old_id, phone.replica_id());
  restored.update("customers", customer, {{"email", text("desk@aurora.example")}});
  const RecordId added = restored.create("customers", {{"name", text("Café Nord")}, {"territory", text("north")}});

  auto stats = sync_once(restored, server.url(), token);  // refused once, then under the new id
  EXPECT_NE(restored.replica_id(), old_id);
  EXPECT_EQ(stats.pushed, 2u);
  EXPECT_EQ(restored.outbox_size(), 0u);

  // Nothing is lost: the original's edits and the restored copy's are all on the server.
  Replica office = test::open_replica(dir, "office.db");
  sync_once(office, server.url(), token);
  sync_once(phone, server.url(), token);
  sync_once(restored, server.url(), token);
  auto merged = office.get("customers", customer);
  ASSERT_TRUE(merged);
  EXPECT_EQ(merged->value("phone"), text("111"));
  EXPECT_EQ(merged->value("owner"), text("sam"));
  EXPECT_EQ(merged->value("email"), text("desk@aurora.example"));
  EXPECT_TRUE(office.get("customers", added));
  EXPECT_EQ(test::replica_states(office), test::replica_states(phone));
  EXPECT_EQ(test::replica_states(office), test::replica_states(restored));
  // No write with the old id after the restore reached the server.
  for (const auto& f : merged->state.fields) {
    for (const auto& s : f.siblings) {
      if (s.dot.replica == old_id) {
        EXPECT_LE(s.dot.counter, phone.counter()) << f.name;
      }
    }
  }
}

}  // namespace
}  // namespace fieldsync::client
