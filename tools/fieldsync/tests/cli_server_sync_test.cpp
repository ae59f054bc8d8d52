// sync, history and rejections: the real `fieldsync` binary against a real server,
// started in-process on 127.0.0.1 with a fresh data directory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <random>
#include <thread>

#include "cli_runner.hpp"
#include "fieldsync/core/sqlite.hpp"
#include "fieldsync/server/server.hpp"

extern char** environ;

namespace fieldsync::cli::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::uint64_t wall_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

// `fieldsync ARGS...` running in the background (for `sync --live`), its output going to
// files in the sandbox.
class BackgroundCli {
 public:
  BackgroundCli(const CliSandbox& box, const std::vector<std::string>& args)
      : out_(box.path(".live-stdout")), err_(box.path(".live-stderr")), box_(&box) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> storage{FIELDSYNC_CLI_PATH};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, FIELDSYNC_CLI_PATH, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start fieldsync");
  }
  BackgroundCli(const BackgroundCli&) = delete;
  BackgroundCli& operator=(const BackgroundCli&) = delete;
  ~BackgroundCli() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  std::string out() const { return box_->read_file(".live-stdout"); }
  std::string err() const { return box_->read_file(".live-stderr"); }

  // Waits until stdout holds `text`; false after `timeout` or if the process ended.
  bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (out().find(text) != std::string::npos) return true;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return out().find(text) != std::string::npos;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  // Sends `signal` and returns the exit status (128 + signal if it died of one, -1 if it
  // did not end within `timeout`).
  int stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    if (pid_ <= 0) return -1;
    kill(pid_, signal);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

 private:
  std::string out_;
  std::string err_;
  const CliSandbox* box_;
  pid_t pid_ = -1;
};

// A real server on 127.0.0.1 (port 0) and three users: sue (supervisor), ana (rep,
// north) and bob (rep, south), each with a token.
class CliServerSync : public ::testing::Test {
 protected:
  // A loopback server on a free port over this test's data directory.
  server::ServerConfig server_config() const {
    server::ServerConfig config;
    config.address = "127.0.0.1";
    config.port = 0;
    config.data_dir = data_dir_;
    config.threads = 2;
    config.durable = false;
    return config;
  }

  void SetUp() override {
    std::random_device random;
    data_dir_ = std::filesystem::temp_directory_path() /
                ("fieldsync-cli-server-" + std::to_string(random()) + "-" + std::to_string(random()));
    server_ = std::make_unique<server::Server>(server_config());
    server_->start();
    server_->store().add_user({"sue", server::Role::kSupervisor, {}});
    server_->store().add_user({"ana", server::Role::kRep, {"north"}});
    server_->store().add_user({"bob", server::Role::kRep, {"south"}});
    sue_ = server_->store().issue_token("sue", 3'600'000, wall_ms()).token;
    ana_ = server_->store().issue_token("ana", 3'600'000, wall_ms()).token;
    bob_ = server_->store().issue_token("bob", 3'600'000, wall_ms()).token;
    url_ = "ws://127.0.0.1:" + std::to_string(server_->port()) + "/sync";
    http_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }

  void TearDown() override {
    server_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(data_dir_, ignored);
  }

  CliResult ok(const std::string& db, std::vector<std::string> args) const {
    CliResult r = box_.run_db(db, std::move(args));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  }

  std::string put(const std::string& db, std::vector<std::string> args) const {
    args.insert(args.begin(), "put");
    const std::string out = ok(db, args).out;
    return out.substr(0, out.find('\n'));
  }

  CliResult sync(const std::string& db, const std::string& token, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"sync", "--server", url_, "--token", token};
    args.insert(args.end(), extra.begin(), extra.end());
    return box_.run_db(db, args);
  }

  CliSandbox box_;
  std::filesystem::path data_dir_;
  std::unique_ptr<server::Server> server_;
  std::string sue_, ana_, bob_;
  std::string url_, http_;
};

TEST_F(CliServerSync, TwoReplicasSyncThroughTheServerAndDumpIdentically) {
  box_.init("office.db");
  box_.init("phone.db");
  const std::string id = put("office.db", {"customers", "name=Hoffmann", "territory=north", "phone=1"});
  put("office.db", {"customers", "name=Gruber", "territory=south"});

  CliResult first = sync("office.db", sue_);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("as sue (supervisor; all territories)"));
  EXPECT_THAT(first.out, HasSubstr("pushed:     2 records"));
  EXPECT_THAT(first.out, HasSubstr("refused:    0 records"));

  CliResult second = sync("phone.db", sue_, {"--json"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  auto summary = nlohmann::json::parse(second.out);
  EXPECT_EQ(summary["user"], "sue");
  EXPECT_EQ(summary["pushed"], 0);
  EXPECT_EQ(summary["pulled"], 2);
  EXPECT_EQ(summary["refused"].size(), 0u);
  EXPECT_EQ(summary["checkpoint"], summary["server_seq"]);

  // Concurrent offline edits on both, then both sync (the phone twice, to get the office's).
  put("phone.db", {"customers", id, "phone=222", "email=a@example.com"});
  put("office.db", {"customers", id, "phone=111", "address=Marktplatz 1"});
  ASSERT_EQ(sync("phone.db", sue_).exit_code, 0);
  ASSERT_EQ(sync("office.db", sue_).exit_code, 0);
  // The server remembered: no --server needed the second time.
  CliResult again = box_.run_db("phone.db", {"sync", "--token", sue_});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("pulled:     1 record\n"));

  const std::string office = ok("office.db", {"dump"}).out;
  EXPECT_EQ(office, ok("phone.db", {"dump"}).out);
  auto record = nlohmann::json::parse(ok("phone.db", {"get", "customers", id, "--json"}).out);
  EXPECT_EQ(record["values"]["email"], "a@example.com");
  EXPECT_EQ(record["values"]["address"], "Marktplatz 1");
  auto conflicts = nlohmann::json::parse(ok("phone.db", {"conflicts", "--json"}).out);
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0]["field"], "phone");
}

// After a sync the replica knows the server's user directory: conflicts name the people.
TEST_F(CliServerSync, ConflictsNameThePeopleBehindTheDevices) {
  server_->store().set_user_display_name("sue", "Susanne Berg");
  const std::string office_id = box_.init("office.db");
  const std::string ana_id = box_.init("ana.db");
  const std::string id = put("office.db", {"customers", "name=Hoffmann", "territory=north", "phone=1"});
  ASSERT_EQ(sync("office.db", sue_).exit_code, 0);
  ASSERT_EQ(sync("ana.db", ana_).exit_code, 0);
  put("ana.db", {"customers", id, "phone=222"});
  put("office.db", {"customers", id, "phone=111"});
  ASSERT_EQ(sync("office.db", sue_).exit_code, 0);
  ASSERT_EQ(sync("ana.db", ana_).exit_code, 0);
  const std::string conflicts = ok("ana.db", {"conflicts"}).out;
  EXPECT_THAT(conflicts, HasSubstr("\"111\"  by Susanne Berg (sue), device " + office_id.substr(0, 8))) << conflicts;
  EXPECT_THAT(conflicts, HasSubstr("\"222\"  by ana, device " + ana_id.substr(0, 8))) << conflicts;
}

// A device clock days off syncs (the server used to refuse it) and the rep is told to fix
// it: one warning line on stderr, in text and JSON mode alike. Here the server's clock is
// three days ahead of this machine's, which is the same thing seen from the other side.
TEST_F(CliServerSync, AClockDaysOffSyncsWithAWarningLine) {
  constexpr std::uint64_t kDays3 = 3ULL * 24 * 3600 * 1000;
  ManualClock server_clock(wall_ms() + kDays3);
  server_ = std::make_unique<server::Server>(server_config(), &server_clock);
  server_->start();
  const std::string token = server_->store().issue_token("ana", 3'600'000, server_clock.now_ms()).token;
  const std::string url = "ws://127.0.0.1:" + std::to_string(server_->port()) + "/sync";

  box_.init("phone.db");
  put("phone.db", {"customers", "name=Hoffmann", "territory=north"});
  CliResult text = box_.run_db("phone.db", {"sync", "--server", url, "--token", token});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("pushed:     1 record\n"));
  EXPECT_THAT(text.err, HasSubstr("warning: this device's clock is 3 days behind the server's; set its date and time"));

  CliResult json = box_.run_db("phone.db", {"sync", "--server", url, "--token", token, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_THAT(json.err, HasSubstr("warning: this device's clock is 3 days behind"));
  auto summary = nlohmann::json::parse(json.out);
  EXPECT_EQ(summary["clock_wrong"], true);
  EXPECT_NEAR(summary["clock_offset_ms"].get<double>(), static_cast<double>(kDays3), 60'000.0);
  server_.reset();  // before the clock it reads goes
}

TEST_F(CliServerSync, BadTokenIsAReadableErrorWithExitOne) {
  box_.init("a.db");
  put("a.db", {"customers", "name=Kept", "territory=north"});
  CliResult r = sync("a.db", "not-a-real-token");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, ::testing::StartsWith("error: "));
  EXPECT_THAT(r.err, HasSubstr("token"));
  EXPECT_EQ(r.out, "");
  // Nothing was lost: the edit still waits to be pushed.
  EXPECT_THAT(ok("a.db", {"list", "customers"}).out, HasSubstr("pending"));
  // The live mode gives up on a bad token as well instead of retrying forever.
  CliResult live = sync("a.db", "not-a-real-token", {"--live"});
  EXPECT_EQ(live.exit_code, 1);
  EXPECT_THAT(live.err, HasSubstr("token"));
}

TEST_F(CliServerSync, UnreachableServerAndBadUrlAreErrors) {
  box_.init("a.db");
  const std::string closed_port = std::to_string(server_->port());
  // Destroyed, not only stopped: Server::stop() may leave the listening socket open (its
  // close is posted to the I/O threads that stop() then stops), and a connection to it
  // would wait for an answer instead of being refused.
  server_.reset();
  CliResult refused = box_.run_db("a.db", {"sync", "--server", "ws://127.0.0.1:" + closed_port, "--token", sue_});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("127.0.0.1:" + closed_port));
  EXPECT_THAT(refused.err, HasSubstr("refused"));

  CliResult history = box_.run({"history", "customers", "0190a6f2-0001-7000-8000-00000000c001", "--server",
                                "http://127.0.0.1:" + closed_port, "--token", sue_});
  EXPECT_EQ(history.exit_code, 1);
  EXPECT_THAT(history.err, HasSubstr("refused"));

  CliResult bad_url = box_.run_db("a.db", {"sync", "--server", "wss://example.com", "--token", sue_});
  EXPECT_EQ(bad_url.exit_code, 1);
  EXPECT_THAT(bad_url.err, HasSubstr("wss://example.com"));
}

TEST_F(CliServerSync, MissingTokenOrServerIsAUsageError) {
  box_.init("a.db");
  unsetenv("FIELDSYNC_TOKEN");
  CliResult no_token = box_.run_db("a.db", {"sync", "--server", url_});
  EXPECT_EQ(no_token.exit_code, 2);
  EXPECT_THAT(no_token.err, HasSubstr("FIELDSYNC_TOKEN"));
  CliResult no_server = box_.run_db("a.db", {"sync", "--token", sue_});
  EXPECT_EQ(no_server.exit_code, 2);
  EXPECT_THAT(no_server.err, HasSubstr("--server"));
  CliResult no_db = box_.run({"sync", "--server", url_, "--token", sue_});
  EXPECT_EQ(no_db.exit_code, 2);
  EXPECT_THAT(no_db.err, HasSubstr("--db"));
}

TEST_F(CliServerSync, TokenFromAFileOrTheEnvironment) {
  box_.init("a.db");
  box_.write_file("token", sue_ + "\n");
  CliResult from_file = box_.run_db("a.db", {"sync", "--server", url_, "--token-file", box_.path("token")});
  EXPECT_EQ(from_file.exit_code, 0) << from_file.err;
  EXPECT_THAT(from_file.out, HasSubstr("as sue"));

  CliResult missing = box_.run_db("a.db", {"sync", "--server", url_, "--token-file", box_.path("nope")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("cannot read the token file"));

  // A database syncs for one user only (the server ties its replica id to the first): Ana's
  // syncs from a database of her own.
  box_.init("b.db");
  setenv("FIELDSYNC_TOKEN", ana_.c_str(), 1);
  CliResult from_env = box_.run_db("b.db", {"sync", "--server", url_});
  // --token wins over the variable.
  CliResult explicit_token = box_.run_db("a.db", {"sync", "--server", url_, "--token", sue_});
  unsetenv("FIELDSYNC_TOKEN");
  EXPECT_EQ(from_env.exit_code, 0) << from_env.err;
  EXPECT_THAT(from_env.out, HasSubstr("as ana (rep; territories: north)"));
  EXPECT_THAT(explicit_token.out, HasSubstr("as sue"));
}

TEST_F(CliServerSync, HistoryShowsAcceptedEntries) {
  server_->store().set_user_display_name("ana", "Anna Weber");
  const std::string office_id = box_.init("office.db");
  box_.init("phone.db");
  const std::string id = put("office.db", {"customers", "name=Hoffmann", "territory=north"});
  ASSERT_EQ(sync("office.db", sue_).exit_code, 0);
  ASSERT_EQ(sync("phone.db", ana_).exit_code, 0);
  put("phone.db", {"customers", id, "phone=+49 40 1"});
  ASSERT_EQ(sync("phone.db", ana_).exit_code, 0);

  CliResult json = box_.run({"history", "customers", id, "--server", http_, "--token", sue_, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto entries = nlohmann::json::parse(json.out);
  ASSERT_EQ(entries.size(), 2u) << json.out;
  EXPECT_EQ(entries[0]["action"], "accepted");
  EXPECT_EQ(entries[0]["user"], "sue");
  EXPECT_EQ(entries[0]["replica"], office_id);
  EXPECT_EQ(entries[1]["action"], "accepted");
  EXPECT_EQ(entries[1]["user"], "ana");
  EXPECT_THAT(entries[1]["fields"].dump(), HasSubstr("phone"));
  EXPECT_EQ(entries[1]["display_name"], "Anna Weber");
  EXPECT_EQ(entries[1]["changes"], nlohmann::json::parse(R"([{"field":"phone","old":null,"new":"+49 40 1"}])"));

  // The table, from the sync URL and the token in the environment.
  setenv("FIELDSYNC_TOKEN", ana_.c_str(), 1);
  CliResult table = box_.run({"history", "customers", id, "--server", url_});
  unsetenv("FIELDSYNC_TOKEN");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("time"));
  EXPECT_THAT(table.out, HasSubstr("accepted"));
  // The device by its short id, the person by display name and user name, one row per
  // change with its values.
  EXPECT_THAT(table.out, HasSubstr("  " + office_id.substr(0, 8) + "  "));
  EXPECT_THAT(table.out, Not(HasSubstr(office_id)));
  EXPECT_THAT(table.out, HasSubstr("Anna Weber (ana)"));
  EXPECT_THAT(table.out, HasSubstr("name: (none) -> Hoffmann"));
  EXPECT_THAT(table.out, ::testing::ContainsRegex("\n +territory: \\(none\\) -> north"));
  EXPECT_THAT(table.out, HasSubstr("phone: (none) -> +49 40 1"));
  EXPECT_THAT(table.out, Not(HasSubstr("_deleted"))) << "every write sets it; shown for deletes only";
  EXPECT_THAT(table.out, HasSubstr("(2 entries)"));
  EXPECT_THAT(table.out, ::testing::ContainsRegex("20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-9:.]+Z"));

  // With --db, the server the replica synced with is the default.
  CliResult remembered = box_.run_db("phone.db", {"history", "customers", id, "--token", sue_});
  EXPECT_EQ(remembered.exit_code, 0) << remembered.err;
  EXPECT_THAT(remembered.out, HasSubstr("(2 entries)"));

  // Readable refusals.
  CliResult bad_token = box_.run({"history", "customers", id, "--server", http_, "--token", "wrong"});
  EXPECT_EQ(bad_token.exit_code, 1);
  EXPECT_THAT(bad_token.err, HasSubstr("refused the token"));
  CliResult bob = box_.run({"history", "customers", id, "--server", http_, "--token", bob_});
  EXPECT_EQ(bob.exit_code, 1);
  EXPECT_THAT(bob.err, ::testing::StartsWith("error: "));
  CliResult bad_id = box_.run({"history", "customers", "x", "--server", http_, "--token", sue_});
  EXPECT_EQ(bad_id.exit_code, 1);
  EXPECT_THAT(bad_id.err, HasSubstr("not a record id"));
  CliResult bad_collection = box_.run({"history", "planets", id, "--server", http_, "--token", sue_});
  EXPECT_EQ(bad_collection.exit_code, 1);
}

// A customer handed from Ana's territory to another: her next sync says it resynced and
// removed it, and the one after does not resync again.
TEST_F(CliServerSync, APullFromTheStartSaysWhatCameUnchanged) {
  box_.init("office.db");
  box_.init("ana.db");
  put("office.db", {"customers", "name=Hoffmann", "territory=north"});
  const std::string edited = put("office.db", {"customers", "name=Gruber", "territory=north"});
  ASSERT_EQ(sync("office.db", sue_).exit_code, 0);
  ASSERT_EQ(sync("ana.db", ana_).exit_code, 0);
  put("office.db", {"customers", edited, "phone=030 1"});
  ASSERT_EQ(sync("office.db", sue_).exit_code, 0);
  // As after a lost checkpoint: the next sync pulls from the start.
  {
    sqlite::Database db(box_.path("ana.db"));
    db.exec("UPDATE fs_settings SET value = '0' WHERE key = 'sync.checkpoint'");
  }
  auto summary = nlohmann::json::parse(ok("ana.db", {"sync", "--server", url_, "--token", ana_, "--json"}).out);
  EXPECT_EQ(summary["pulled"], 1);     // the edited one
  EXPECT_EQ(summary["unchanged"], 1);  // the other, named by the phone and not sent
  {
    sqlite::Database db(box_.path("ana.db"));
    db.exec("UPDATE fs_settings SET value = '0' WHERE key = 'sync.checkpoint'");
  }
  CliResult r = sync("ana.db", ana_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("pulled:     0 records\n"));
  EXPECT_THAT(r.out, HasSubstr("unchanged:  2 records this replica holds already, not sent again"));
}

TEST_F(CliServerSync, ATerritoryMoveShowsAsAResync) {
  box_.init("office.db");
  box_.init("ana.db");
  const std::string id = put("office.db", {"customers", "name=Hoffmann", "territory=north"});
  ASSERT_EQ(sync("office.db", sue_).exit_code, 0);
  ASSERT_EQ(sync("ana.db", ana_).exit_code, 0);
  put("office.db", {"customers", id, "territory=south"});
  ASSERT_EQ(sync("office.db", sue_).exit_code, 0);

  CliResult r = sync("ana.db", ana_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("resynced:   from scratch; removed 1 record no longer on the server or in your territories"));
  EXPECT_EQ(box_.run_db("ana.db", {"get", "customers", id}).exit_code, 1);

  auto summary = nlohmann::json::parse(ok("ana.db", {"sync", "--server", url_, "--token", ana_, "--json"}).out);
  EXPECT_EQ(summary["resynced"], false);
  EXPECT_EQ(summary["forgotten"], 0);
}

TEST_F(CliServerSync, OutOfScopeRecordShowsUpInRejections) {
  box_.init("office.db");
  box_.init("ana.db");
  const std::string north = put("office.db", {"customers", "name=Hoffmann", "territory=north"});
  ASSERT_EQ(sync("office.db", sue_).exit_code, 0);
  ASSERT_EQ(sync("ana.db", ana_).exit_code, 0);
  EXPECT_EQ(ok("ana.db", {"rejections"}).out, "no refused records\n");

  // Ana, north only, creates a south customer and edits her north one.
  const std::string south = put("ana.db", {"customers", "name=Alpenblick", "territory=south"});
  put("ana.db", {"customers", north, "phone=1"});
  CliResult r = sync("ana.db", ana_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("pushed:     1 record\n"));
  EXPECT_THAT(r.out, HasSubstr("refused:    1 record\n"));
  EXPECT_THAT(r.out, HasSubstr("customers " + south +
                                 "  forbidden: this customers record is outside your scope (your territories: north)"));
  EXPECT_THAT(r.err, HasSubstr("fieldsync rejections"));

  CliResult table = ok("ana.db", {"rejections"});
  EXPECT_THAT(table.out, HasSubstr(south));
  EXPECT_THAT(table.out, HasSubstr("outside your scope"));
  EXPECT_THAT(table.out, HasSubstr("(1 refused record)"));
  EXPECT_THAT(table.out, Not(HasSubstr(north)));
  auto json = nlohmann::json::parse(ok("ana.db", {"rejections", "--json"}).out);
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0]["collection"], "customers");
  EXPECT_EQ(json[0]["id"], south);
  EXPECT_EQ(json[0]["code"], "forbidden");

  // The next sync has nothing more to refuse, and the server never got the record.
  EXPECT_EQ(sync("ana.db", ana_).exit_code, 0);
  CliResult history = box_.run({"history", "customers", south, "--server", http_, "--token", sue_, "--json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  auto entries = nlohmann::json::parse(history.out);
  for (const auto& entry : entries) EXPECT_NE(entry["action"], "accepted");
}

TEST_F(CliServerSync, DismissingARefusalReturnsTheRecordToTheServersCopy) {
  box_.init("ana.db");
  const std::string customer = put("ana.db", {"customers", "name=Hoffmann", "territory=north"});
  const std::string mine = put("ana.db", {"orders", "customer_id=" + customer, "territory=north"});
  ASSERT_EQ(sync("ana.db", ana_).exit_code, 0);
  // Ana hands her order to someone who is not a user and creates a customer in the south:
  // both pass her phone's rules, and the server refuses both.
  put("ana.db", {"orders", mine, "responsible=ghost", "notes=call first"});
  const std::string south = put("ana.db", {"customers", "name=Alpenblick", "territory=south"});
  EXPECT_EQ(sync("ana.db", ana_).exit_code, 1);

  CliResult table = ok("ana.db", {"rejections"});
  EXPECT_THAT(table.out, HasSubstr("on dismiss"));
  auto json = nlohmann::json::parse(ok("ana.db", {"rejections", "--json"}).out);
  ASSERT_EQ(json.size(), 2u);
  for (const auto& r : json) EXPECT_EQ(r["on_dismiss"], r["id"] == mine ? "revert" : "remove") << r.dump();
  EXPECT_THAT(ok("ana.db", {"get", "orders", mine, "--field", "responsible"}).out, HasSubstr("ghost"));

  EXPECT_EQ(ok("ana.db", {"rejections", "--dismiss", "orders", mine}).out,
            "dismissed: orders " + mine + " is back to the server's copy\n");
  EXPECT_THAT(ok("ana.db", {"get", "orders", mine, "--field", "responsible"}).out, ::testing::Not(HasSubstr("ghost")));
  EXPECT_THAT(ok("ana.db", {"get", "orders", mine, "--field", "notes"}).out, ::testing::Not(HasSubstr("call first")));
  auto removed = nlohmann::json::parse(ok("ana.db", {"rejections", "--dismiss", "customers", south, "--json"}).out);
  EXPECT_EQ(removed["outcome"], "removed");
  EXPECT_EQ(box_.run_db("ana.db", {"get", "customers", south}).exit_code, 1);
  EXPECT_EQ(ok("ana.db", {"rejections"}).out, "no refused records\n");

  CliResult again = box_.run_db("ana.db", {"rejections", "--dismiss", "customers", south});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("no refusal to dismiss"));
  EXPECT_EQ(box_.run_db("ana.db", {"rejections", "--dismiss", "customers"}).exit_code, 2) << "it takes two values";
  // Nothing left to push: the next sync is clean.
  CliResult clean = ok("ana.db", {"sync", "--server", url_, "--token", ana_, "--json"});
  EXPECT_EQ(nlohmann::json::parse(clean.out)["pushed"], 0);
}

TEST_F(CliServerSync, LiveSyncPrintsIncomingChangesAndStopsOnSigint) {
  box_.init("watcher.db");
  box_.init("writer.db");
  BackgroundCli live(box_, {"--db", box_.path("watcher.db"), "sync", "--live", "--server", url_, "--token", sue_});
  ASSERT_TRUE(live.wait_for_output("waiting for changes")) << live.out() << live.err();
  EXPECT_THAT(live.out(), HasSubstr("connected to " + url_ + " as sue"));

  const std::string id = put("writer.db", {"customers", "name=Live Bakery", "territory=north"});
  ASSERT_EQ(sync("writer.db", sue_).exit_code, 0);
  ASSERT_TRUE(live.wait_for_output("received customers " + id + "  \"Live Bakery\"")) << live.out() << live.err();

  // An edit made by another command on the watched replica is pushed without a new sync.
  const std::string local = put("watcher.db", {"customers", "name=From the watcher", "territory=south"});
  ASSERT_TRUE(live.wait_for_output("pushed 1 local edit")) << live.out() << live.err();

  EXPECT_EQ(live.stop(SIGINT), 0) << live.err();
  EXPECT_THAT(live.out(), HasSubstr("stopped\n"));
  EXPECT_THAT(ok("watcher.db", {"get", "customers", id, "--field", "name"}).out, HasSubstr("Live Bakery"));
  ASSERT_EQ(sync("writer.db", sue_).exit_code, 0);
  EXPECT_THAT(ok("writer.db", {"get", "customers", local, "--field", "name"}).out, HasSubstr("From the watcher"));
}

TEST_F(CliServerSync, LiveSyncStopsOnSigtermWithJsonEvents) {
  box_.init("watcher.db");
  BackgroundCli live(box_,
                     {"--db", box_.path("watcher.db"), "sync", "--live", "--json", "--server", url_, "--token", ana_});
  ASSERT_TRUE(live.wait_for_output("\"event\":\"caught_up\"")) << live.out() << live.err();
  EXPECT_EQ(live.stop(SIGTERM), 0) << live.err();
  std::istringstream lines(live.out());
  std::string line;
  std::vector<std::string> events;
  while (std::getline(lines, line)) events.push_back(nlohmann::json::parse(line)["event"]);
  EXPECT_EQ(events, (std::vector<std::string>{"connected", "caught_up", "stopped"}));
}

TEST_F(CliServerSync, RejectionsNeedsAReplica) {
  CliResult r = box_.run_db("nothing.db", {"rejections"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("no replica at"));
  CliResult usage = box_.run({"rejections"});
  EXPECT_EQ(usage.exit_code, 2);
}

}  // namespace
}  // namespace fieldsync::cli::test
