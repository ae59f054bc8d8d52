// A record's history names people and values: each accepted change keeps the old and the
// new shown value of every field it changed, a settlement the value chosen and the ones it
// replaced, and every entry the author's display name; GET /users publishes the display
// names. Real server on loopback, replicas on SQLite files synced by the real client, the
// admin commands run as a process on the same data directory.
#include <algorithm>
#include <optional>

#include <nlohmann/json.hpp>

#include "fieldsync/client/sync_once.hpp"
#include "fieldsync/core/sqlite.hpp"
#include "server_fixture.hpp"
#include "system_support.hpp"

namespace fieldsync::testing {
namespace {

using nlohmann::json;

class HistoryValuesTest : public ServerTest {
 protected:
  Replica open_replica(const std::string& name) {
    return Replica::open((data_dir_ / name).string(), Schema::domain());
  }

  void sync(Replica& replica, const std::string& token) {
    const ClientSyncStats stats = client::sync_once(replica, "ws://127.0.0.1:" + std::to_string(port()) + "/sync", token);
    ASSERT_EQ(stats.rejected, 0u);
  }

  // GET `target` with `token`, which must answer 200 with JSON.
  json get_json(const std::string& target, const std::string& token) {
    const HttpResult result = http_request(port(), target, token);
    EXPECT_EQ(result.status, 200) << target << ": " << result.body;
    EXPECT_EQ(result.content_type, "application/json");
    return json::parse(result.body);
  }

  json history(const RecordId& id, const std::string& token) {
    return get_json("/api/history/customers/" + id.to_string(), token);
  }

  // The real admin command, as an operator runs it beside the server.
  std::string admin(const std::string& arguments) {
    return ServerProcess(data_dir_, data_dir_ / "admin.log").admin(arguments);
  }

  // The change of `field` in `entry`, or null.
  static json change_of(const json& entry, const std::string& field) {
    for (const auto& change : entry.at("changes")) {
      if (change.at("field") == field) return change;
    }
    return nullptr;
  }

  static std::vector<json> entries_with_action(const json& entries, const std::string& action) {
    std::vector<json> found;
    for (const auto& entry : entries) {
      if (entry.at("action") == action) found.push_back(entry);
    }
    return found;
  }

  static std::vector<std::string> sorted_strings(const json& values) {
    std::vector<std::string> out;
    for (const auto& value : values) out.push_back(value.get<std::string>());
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_F(HistoryValuesTest, ARecordEditedTwiceShowsEachChangeOldToNewAndWhoMadeIt) {
  server_->store().set_user_display_name("ana", "Anna Weber");
  Replica phone = open_replica("ana.db");
  const RecordId id = phone.create("customers", {{"name", Value(std::string("Hoffmann"))},
                                                 {"territory", Value(std::string("north"))},
                                                 {"industry", Value(std::string("bakery"))}});
  sync(phone, ana_token_);
  phone.update("customers", id, {{"industry", Value(std::string("food retail"))}});
  sync(phone, ana_token_);
  phone.update("customers", id,
               {{"industry", Value(std::string("wholesale"))}, {"phone", Value(std::string("+49 40 1"))}});
  sync(phone, ana_token_);

  const json entries = history(id, sue_token_);
  ASSERT_EQ(entries.size(), 3u) << entries.dump(2);
  for (const auto& entry : entries) {
    EXPECT_EQ(entry.at("action"), "accepted");
    EXPECT_EQ(entry.at("user"), "ana");
    EXPECT_EQ(entry.at("display_name"), "Anna Weber");
    EXPECT_EQ(entry.at("replica"), phone.replica_id().to_string());
  }
  // Created: every value set, from nothing.
  EXPECT_EQ(change_of(entries[0], "name"), (json{{"field", "name"}, {"old", nullptr}, {"new", "Hoffmann"}}));
  EXPECT_EQ(change_of(entries[0], "industry"), (json{{"field", "industry"}, {"old", nullptr}, {"new", "bakery"}}));
  // Edited twice: only what changed, old -> new. `_deleted`, rewritten as false by every
  // edit, shows no change.
  EXPECT_EQ(entries[1].at("changes"),
            (json::array({{{"field", "industry"}, {"old", "bakery"}, {"new", "food retail"}}})));
  EXPECT_EQ(change_of(entries[2], "industry"), (json{{"field", "industry"}, {"old", "food retail"}, {"new", "wholesale"}}));
  EXPECT_EQ(change_of(entries[2], "phone"), (json{{"field", "phone"}, {"old", nullptr}, {"new", "+49 40 1"}}));
  EXPECT_EQ(entries[2].at("changes").size(), 2u) << entries[2].dump(2);
  EXPECT_EQ(entries[2].at("detail"), "");

  // A rep reads the same history of a record in her territory, names included.
  EXPECT_EQ(history(id, ana_token_), entries);
}

TEST_F(HistoryValuesTest, AFieldWrittenAgainWithItsValueShowsTheSameValueOnBothSidesAndADeleteShowsDeleted) {
  Replica office = open_replica("office.db");
  const RecordId id = office.create("customers", {{"name", Value(std::string("Hoffmann"))},
                                                  {"territory", Value(std::string("north"))}});
  sync(office, sue_token_);
  office.update("customers", id, {{"name", Value(std::string("Hoffmann"))}});
  sync(office, sue_token_);
  office.remove("customers", id);
  sync(office, sue_token_);

  const json entries = history(id, sue_token_);
  ASSERT_EQ(entries.size(), 3u) << entries.dump(2);
  EXPECT_EQ(entries[1].at("changes"), (json::array({{{"field", "name"}, {"old", "Hoffmann"}, {"new", "Hoffmann"}}})));
  EXPECT_EQ(change_of(entries[2], "_deleted"), (json{{"field", "_deleted"}, {"old", "false"}, {"new", "true"}}));
}

TEST_F(HistoryValuesTest, ASettlementOfTwoConcurrentValuesShowsTheChosenValueAndTheReplacedOnes) {
  server_->store().set_user_display_name("sue", "Susanne Berg");
  Replica office = open_replica("office.db");
  Replica phone = open_replica("ana.db");
  const RecordId id = office.create("customers", {{"name", Value(std::string("Hotel Aurora"))},
                                                  {"territory", Value(std::string("north"))}});
  sync(office, sue_token_);
  sync(phone, ana_token_);
  // Both edit the phone number without having seen the other's edit.
  office.update("customers", id, {{"phone", Value(std::string("+49 30 111"))}});
  phone.update("customers", id, {{"phone", Value(std::string("+49 30 222"))}});
  sync(office, sue_token_);
  sync(phone, ana_token_);
  // The office sees the conflict and settles it with a third number.
  sync(office, sue_token_);
  ASSERT_EQ(office.conflicts().size(), 1u);
  office.update("customers", id, {{"phone", Value(std::string("+49 30 333"))}});
  sync(office, sue_token_);

  const json entries = history(id, sue_token_);
  const auto opened = entries_with_action(entries, "conflict_opened");
  ASSERT_EQ(opened.size(), 1u) << entries.dump(2);
  EXPECT_EQ(opened[0].at("user"), "ana");
  const json concurrent = change_of(opened[0], "phone");
  ASSERT_TRUE(concurrent.is_object()) << opened[0].dump(2);
  EXPECT_EQ(sorted_strings(concurrent.at("concurrent")), (std::vector<std::string>{"+49 30 111", "+49 30 222"}));

  const auto settled = entries_with_action(entries, "conflict_settled");
  ASSERT_EQ(settled.size(), 1u) << entries.dump(2);
  EXPECT_EQ(settled[0].at("user"), "sue");
  EXPECT_EQ(settled[0].at("display_name"), "Susanne Berg");
  EXPECT_EQ(settled[0].at("replica"), office.replica_id().to_string());
  EXPECT_EQ(settled[0].at("fields"), json::array({"phone"}));
  const json settlement = change_of(settled[0], "phone");
  ASSERT_TRUE(settlement.is_object()) << settled[0].dump(2);
  EXPECT_EQ(settlement.at("new"), "+49 30 333");
  EXPECT_EQ(sorted_strings(settlement.at("replaced")), (std::vector<std::string>{"+49 30 111", "+49 30 222"}));
  // The accepted entry of the same write: from the value shown during the conflict to the chosen one.
  const json& accepted = entries.at(entries.size() - 2);
  ASSERT_EQ(accepted.at("action"), "accepted") << entries.dump(2);
  const json shown = change_of(accepted, "phone");
  ASSERT_TRUE(shown.is_object()) << accepted.dump(2);
  EXPECT_EQ(shown.at("new"), "+49 30 333");
  EXPECT_TRUE(shown.at("old") == "+49 30 111" || shown.at("old") == "+49 30 222") << shown.dump();
}

TEST_F(HistoryValuesTest, AChineseDisplayNameRoundTripsThroughTheAdminCommandsHistoryAndUsers) {
  const std::string added = admin("user add lina --role rep --territory north --display-name '李娜'");
  EXPECT_NE(added.find("李娜"), std::string::npos) << added;
  EXPECT_NE(admin("user list").find("李娜"), std::string::npos);
  const std::string lina_token = issue("lina");

  Replica phone = open_replica("lina.db");
  const RecordId id = phone.create("customers", {{"name", Value(std::string("北京烤鸭店"))},
                                                 {"territory", Value(std::string("north"))}});
  sync(phone, lina_token);
  json entries = history(id, lina_token);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].at("display_name"), "李娜");
  EXPECT_EQ(change_of(entries[0], "name").at("new"), "北京烤鸭店");

  const std::string renamed = admin("user set-name lina '李娜（华北）'");
  EXPECT_NE(renamed.find("李娜（华北）"), std::string::npos) << renamed;
  // History shows the name as it is now, also for entries written before the change.
  entries = history(id, sue_token_);
  EXPECT_EQ(entries[0].at("display_name"), "李娜（华北）");
  EXPECT_EQ(entries[0].at("user"), "lina");

  const json users = get_json("/users", lina_token);
  ASSERT_TRUE(users.is_array());
  std::optional<json> lina;
  for (const auto& user : users) {
    if (user.at("name") == "lina") lina = user;
  }
  ASSERT_TRUE(lina) << users.dump(2);
  EXPECT_EQ(lina->at("devices"), json::array({phone.replica_id().to_string()})) << "the phone lina synced from";
  lina->erase("devices");
  EXPECT_EQ(*lina, (json{{"name", "lina"}, {"display_name", "李娜（华北）"}, {"role", "rep"}}));
}

TEST_F(HistoryValuesTest, UsersListsNamesDisplayNamesAndRolesOnlyToAuthenticatedUsers) {
  server_->store().set_user_display_name("ana", "Anna Weber");
  const json users = get_json("/users", ana_token_);  // a rep may read it
  EXPECT_EQ(users, (json::array({{{"name", "ana"}, {"display_name", "Anna Weber"}, {"role", "rep"}, {"devices", json::array()}},
                                 {{"name", "sue"}, {"display_name", "sue"}, {"role", "supervisor"}, {"devices", json::array()}}})));
  const HttpResult raw = http_request(port(), "/users", ana_token_);
  EXPECT_EQ(raw.body.find("north"), std::string::npos) << "no territories: " << raw.body;
  EXPECT_EQ(raw.body.find("fs1."), std::string::npos) << "no tokens: " << raw.body;

  EXPECT_EQ(http_request(port(), "/users").status, 401);
  EXPECT_EQ(http_request(port(), "/users", "fs1.nope.nope").status, 401);
  EXPECT_EQ(http_request(port(), "/users", sue_token_, "x").status, 405) << "GET only";
}

TEST_F(HistoryValuesTest, BadDisplayNamesAreRefusedAndChangeNothing) {
  server::Store& store = server_->store();
  store.set_user_display_name("ana", "Anna Weber");
  const auto refused = [&](const std::string& display_name, const std::string& why) {
    try {
      store.set_user_display_name("ana", display_name);
      ADD_FAILURE() << "accepted " << display_name;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  };
  refused("Anna\nWeber", "control character");
  refused("Anna\x1b[31mWeber", "control character");
  refused("Anna \xE2\x80\xAE" "rebeW", "control character");  // a right-to-left override
  refused("Anna \xff", "not valid UTF-8");
  std::string long_name;
  for (int i = 0; i < 101; ++i) long_name += "娜";
  refused(long_name, "101 characters; at most 100");
  try {
    store.add_user({"bea", server::Role::kSupervisor, {}, false, "Bea\tBerg"});
    ADD_FAILURE() << "added a user with a tab in the display name";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
  try {
    store.set_user_display_name("nobody", "No One");
    ADD_FAILURE() << "named an unknown user";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }

  const auto users = store.users();
  ASSERT_EQ(users.size(), 2u) << "bea was not added";
  EXPECT_EQ(users[0].display_name, "Anna Weber") << "unchanged by the refusals";
  // 100 characters are fine; surrounding spaces go; nothing at all means the user name.
  store.set_user_display_name("ana", long_name.substr(3));
  EXPECT_EQ(store.users()[0].display_name, long_name.substr(3));
  store.set_user_display_name("ana", "  Anna Weber ");
  EXPECT_EQ(store.users()[0].display_name, "Anna Weber");
  store.set_user_display_name("ana", "");
  EXPECT_EQ(store.users()[0].display_name, "ana");
}

TEST_F(HistoryValuesTest, ALongValueIsCutVisiblyWithinTheAuditBound) {
  start([](server::ServerConfig& config) { config.limits.max_audit_text_bytes = 64; });
  Replica phone = open_replica("ana.db");
  const std::string address(400, 'a');
  const RecordId id = phone.create("customers", {{"name", Value(std::string("Hoffmann"))},
                                                 {"territory", Value(std::string("north"))},
                                                 {"address", Value(address)}});
  sync(phone, ana_token_);
  const json entries = history(id, sue_token_);
  ASSERT_EQ(entries.size(), 1u);
  const std::string shown = change_of(entries[0], "address").at("new");
  EXPECT_LE(shown.size(), 64u);
  EXPECT_NE(shown.find("(400 bytes, cut)"), std::string::npos) << shown;
  EXPECT_EQ(change_of(entries[0], "name").at("new"), "Hoffmann");
}

// A store from before migration 8: its users show by their names, its old entries have no
// changes, and entries written after the upgrade have them.
TEST_F(HistoryValuesTest, AStoreFromBeforeDisplayNamesUpgradesWithNamesAsDisplayNames) {
  Replica phone = open_replica("ana.db");
  const RecordId id = phone.create("customers", {{"name", Value(std::string("Hoffmann"))},
                                                 {"territory", Value(std::string("north"))}});
  sync(phone, ana_token_);
  server_.reset();
  {
    // Back to the tables of migration 7.
    sqlite::Database db((data_dir_ / "fieldsync-server.db").string());
    db.exec("ALTER TABLE srv_users DROP COLUMN display_name; ALTER TABLE srv_audit DROP COLUMN changes; "
            "DROP TABLE srv_enrolment_codes; "  // migration 9's
            "UPDATE fs_settings SET value = '7' WHERE key = 'server.migration';");
  }
  start([](server::ServerConfig&) {});
  for (const auto& user : server_->store().users()) EXPECT_EQ(user.display_name, user.name);

  phone.update("customers", id, {{"phone", Value(std::string("+49 40 1"))}});
  sync(phone, ana_token_);
  const json entries = history(id, sue_token_);
  ASSERT_EQ(entries.size(), 2u) << entries.dump(2);
  EXPECT_EQ(entries[0].at("changes"), json::array()) << "written before the upgrade";
  EXPECT_EQ(entries[0].at("display_name"), "ana");
  EXPECT_EQ(entries[1].at("changes"), (json::array({{{"field", "phone"}, {"old", nullptr}, {"new", "+49 40 1"}}})));
}

}  // namespace
}  // namespace fieldsync::testing
