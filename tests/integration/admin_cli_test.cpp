// The admin commands of the fieldsync-server executable, run as a process on a data
// directory: exit codes, messages, and that an issued token really authenticates.
#include <array>
#include <cstdio>
#include <fstream>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include "fieldsync/core/clock.hpp"
#include "fieldsync/server/postgres_store.hpp"
#include "fieldsync/server/sqlite_store.hpp"
#include "server_fixture.hpp"

namespace fieldsync::testing {
namespace {

struct CommandRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

class AdminCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    data_dir_ = std::filesystem::temp_directory_path() / ("fieldsync-cli-" + std::to_string(random()));
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(data_dir_, ignored);
  }

  CommandRun run(const std::string& arguments) {
    const std::string command =
        std::string(FIELDSYNC_SERVER_EXE) + " --data-dir '" + data_dir_.string() + "' " + store_flag() + arguments +
        " 2>&1";
    CommandRun result;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return result;
    std::array<char, 512> chunk{};
    while (std::fgets(chunk.data(), chunk.size(), pipe)) result.output += chunk.data();
    const int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
  }

  // The store the commands work on, opened directly (as a second process would).
  std::unique_ptr<server::Store> open_store(const Clock& clock) const {
    const std::string store = test::test_store_for(data_dir_);
    if (store.empty()) return server::open_sqlite_store(data_dir_, Schema::domain(), clock, false);
    return server::open_postgres_store(store, Schema::domain(), clock);
  }

  // The suite's second run gives the commands a PostgreSQL store for the data directory.
  std::string store_flag() const {
    const std::string store = test::test_store_for(data_dir_);
    return store.empty() ? "" : "--store '" + store + "' ";
  }

  std::filesystem::path data_dir_;
};

TEST_F(AdminCliTest, UserAddAndList) {
  CommandRun added = run("user add ana --role rep --territory north,south");
  ASSERT_EQ(added.exit_code, 0) << added.output;
  ASSERT_EQ(run("user add sue --role supervisor").exit_code, 0);
  CommandRun listed = run("user list");
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("ana"), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("north,south"), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("supervisor"), std::string::npos) << listed.output;
}

TEST_F(AdminCliTest, BackupThenRestoreBringsBackTheStoreAsItWas) {
  ASSERT_EQ(run("user add ana --role rep --territory north").exit_code, 0);
  const std::string file = data_dir_.string() + "-backup.db";
  CommandRun backup = run("backup '" + file + "'");
  ASSERT_EQ(backup.exit_code, 0) << backup.output;
  ASSERT_EQ(run("user add sue --role supervisor").exit_code, 0);

  CommandRun restored = run("restore '" + file + "'");
  ASSERT_EQ(restored.exit_code, 0) << restored.output;
  CommandRun listed = run("user list");
  EXPECT_NE(listed.output.find("ana"), std::string::npos) << listed.output;
  EXPECT_EQ(listed.output.find("sue"), std::string::npos) << "added after the backup: " << listed.output;

  const std::string junk = data_dir_.string() + "-junk.db";
  std::ofstream(junk) << std::string(8192, 'x');
  CommandRun refused = run("restore '" + junk + "'");
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("fieldsync-server:"), std::string::npos) << refused.output;
  EXPECT_NE(run("user list").output.find("ana"), std::string::npos);  // nothing replaced
  std::filesystem::remove(file);
  std::filesystem::remove(junk);
}

TEST_F(AdminCliTest, CollectTombstonesSaysWhatItDid) {
  CommandRun collected = run("collect-tombstones");
  EXPECT_EQ(collected.exit_code, 0) << collected.output;
  EXPECT_NE(collected.output.find("removed 0 tombstones"), std::string::npos) << collected.output;
}

TEST_F(AdminCliTest, BadInputFailsWithAClearMessage) {
  ASSERT_EQ(run("user add ana --role rep --territory north").exit_code, 0);
  CommandRun duplicate = run("user add ana --role rep --territory north");
  EXPECT_NE(duplicate.exit_code, 0);
  EXPECT_NE(duplicate.output.find("already exists"), std::string::npos) << duplicate.output;
  CommandRun role = run("user add bob --role boss");
  EXPECT_NE(role.exit_code, 0);
  EXPECT_NE(role.output.find("unknown role 'boss'"), std::string::npos) << role.output;
  CommandRun no_territory = run("user add carl --role rep");
  EXPECT_NE(no_territory.exit_code, 0);
  EXPECT_NE(no_territory.output.find("territory"), std::string::npos) << no_territory.output;
  CommandRun unknown_user = run("token issue nobody");
  EXPECT_NE(unknown_user.exit_code, 0);
  EXPECT_NE(unknown_user.output.find("nobody"), std::string::npos) << unknown_user.output;
  CommandRun unknown_token = run("token revoke deadbeef");
  EXPECT_NE(unknown_token.exit_code, 0);
  EXPECT_NE(unknown_token.output.find("deadbeef"), std::string::npos) << unknown_token.output;
}

TEST_F(AdminCliTest, DisplayNamesAreSetListedAndBadOnesRefusedClearly) {
  CommandRun added = run("user add anna --role rep --territory north --display-name 'Anna Weber'");
  ASSERT_EQ(added.exit_code, 0) << added.output;
  EXPECT_NE(added.output.find("shown as \"Anna Weber\""), std::string::npos) << added.output;
  CommandRun plain = run("user add sue --role supervisor");
  ASSERT_EQ(plain.exit_code, 0) << plain.output;
  EXPECT_NE(plain.output.find("shown as \"sue\""), std::string::npos) << "the user name by default: " << plain.output;
  CommandRun named = run("user set-name sue '王素娟'");
  ASSERT_EQ(named.exit_code, 0) << named.output;
  CommandRun listed = run("user list");
  EXPECT_NE(listed.output.find("DISPLAY NAME"), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("Anna Weber"), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("王素娟"), std::string::npos) << listed.output;

  // printf makes the bytes: the shell that runs the command is sh, without $'...'.
  CommandRun escape = run("user set-name anna \"$(printf 'Anna\\033[2JWeber')\"");
  EXPECT_EQ(escape.exit_code, 1) << escape.output;
  EXPECT_NE(escape.output.find("holds a control character"), std::string::npos) << escape.output;
  EXPECT_NE(escape.output.find("(invalid_argument)"), std::string::npos) << escape.output;
  CommandRun bad_utf8 = run("user add bob --role supervisor --display-name \"$(printf 'Bob \\377')\"");
  EXPECT_EQ(bad_utf8.exit_code, 1) << bad_utf8.output;
  EXPECT_NE(bad_utf8.output.find("not valid UTF-8"), std::string::npos) << bad_utf8.output;
  CommandRun too_long = run("user set-name anna '" + std::string(101, 'x') + "'");
  EXPECT_EQ(too_long.exit_code, 1) << too_long.output;
  EXPECT_NE(too_long.output.find("at most 100"), std::string::npos) << too_long.output;
  CommandRun unknown = run("user set-name nobody 'No One'");
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output;
  EXPECT_NE(unknown.output.find("no user 'nobody'"), std::string::npos) << unknown.output;

  listed = run("user list");
  EXPECT_NE(listed.output.find("Anna Weber"), std::string::npos) << "the refusals changed nothing: " << listed.output;
  EXPECT_EQ(listed.output.find("bob"), std::string::npos) << listed.output;
}

TEST_F(AdminCliTest, UsersAreDisabledEnabledAndGivenOtherTerritories) {
  ASSERT_EQ(run("user add ana --role rep --territory north").exit_code, 0);
  CommandRun issued = run("token issue ana");
  ASSERT_EQ(issued.exit_code, 0) << issued.output;
  const std::string token = issued.output.substr(0, issued.output.find('\n'));
  auto authenticates = [&] {
    SystemClock clock;
    auto store = open_store(clock);
    try {
      store->authenticate(token, clock.now_ms());
      return std::string("yes");
    } catch (const Error& e) {
      return std::string(e.what());
    }
  };

  CommandRun disabled = run("user disable ana");
  ASSERT_EQ(disabled.exit_code, 0) << disabled.output;
  EXPECT_NE(run("user list").output.find("disabled"), std::string::npos);
  EXPECT_NE(authenticates().find("disabled"), std::string::npos) << authenticates();
  ASSERT_EQ(run("user enable ana").exit_code, 0);
  EXPECT_EQ(authenticates(), "yes");
  EXPECT_NE(run("user list").output.find("active"), std::string::npos);

  CommandRun moved = run("user set-territories ana east,south");
  ASSERT_EQ(moved.exit_code, 0) << moved.output;
  CommandRun listed = run("user list");
  EXPECT_NE(listed.output.find("east,south"), std::string::npos) << listed.output;
  EXPECT_EQ(listed.output.find("north"), std::string::npos) << listed.output;

  CommandRun none = run("user set-territories ana ,");
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.output.find("at least one territory"), std::string::npos) << none.output;
  for (const char* command : {"user disable nobody", "user enable nobody", "user set-territories nobody east"}) {
    CommandRun unknown = run(command);
    EXPECT_NE(unknown.exit_code, 0) << command;
    EXPECT_NE(unknown.output.find("no user 'nobody'"), std::string::npos) << unknown.output;
  }
}

TEST_F(AdminCliTest, PruneAuditRemovesEntriesOlderThanAskedFor) {
  ASSERT_EQ(run("user add sue --role supervisor").exit_code, 0);
  {
    // One accepted push 100 days ago, one now, straight through the store.
    ManualClock clock(SystemClock().now_ms() - 100ULL * 24 * 3600 * 1000);
    auto store = open_store(clock);
    for (int i = 0; i < 2; ++i) {
      Replica phone = Replica::open(":memory:", Schema::domain());
      phone.create("customers", {{"name", Value(std::string("Hotel"))}, {"territory", Value(std::string("north"))}});
      const auto check = store->register_replica(phone.replica_id(), 0, "", 0, "sue");
      const std::vector<RecordState> records = {phone.outbox().at(0).state};
      server::PushContext context{"sue", phone.replica_id(), clock.now_ms(), check.epoch};
      store->push(context, records, [](const RecordState&, const RecordState*) { return std::nullopt; });
      clock.set(SystemClock().now_ms());
    }
  }
  CommandRun refused = run("prune-audit");
  EXPECT_NE(refused.exit_code, 0) << "no retention configured and none given";
  EXPECT_NE(refused.output.find("retention_days"), std::string::npos) << refused.output;
  CommandRun pruned = run("prune-audit --older-than-days 30");
  ASSERT_EQ(pruned.exit_code, 0) << pruned.output;
  EXPECT_NE(pruned.output.find("removed 1 audit entries"), std::string::npos) << pruned.output;
  EXPECT_NE(run("prune-audit --older-than-days 30").output.find("removed 0"), std::string::npos);
}

TEST_F(AdminCliTest, IssuedTokenAuthenticatesUntilRevoked) {
  ASSERT_EQ(run("user add ana --role rep --territory north").exit_code, 0);
  CommandRun issued = run("token issue ana --ttl-days 2");
  ASSERT_EQ(issued.exit_code, 0) << issued.output;
  const std::string token = issued.output.substr(0, issued.output.find('\n'));
  ASSERT_EQ(token.rfind("fs1.", 0), 0u) << issued.output;
  const std::string token_id = token.substr(4, token.find('.', 4) - 4);

  CommandRun listed = run("token list");
  EXPECT_NE(listed.output.find(token_id), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("active"), std::string::npos) << listed.output;
  EXPECT_EQ(listed.output.find(token.substr(token.rfind('.') + 1)), std::string::npos) << "the secret is never listed";
  {
    SystemClock clock;
    auto store = open_store(clock);
    EXPECT_EQ(store->authenticate(token, clock.now_ms()).user, "ana");
  }
  ASSERT_EQ(run("token revoke " + token_id).exit_code, 0);
  SystemClock clock;
  auto store = open_store(clock);
  EXPECT_THROW(store->authenticate(token, clock.now_ms()), Error);
}

}  // namespace
}  // namespace fieldsync::testing
