// Three fieldsync-server processes on one PostgreSQL database, nginx in front of them, and a
// dozen phones (real replicas on SQLite files, the real client over WebSocket) connecting
// to random servers or through nginx. The phones edit offline, shared customers
// concurrently, and sync from their own threads while one server is SIGKILLed mid-push and
// restarted, and while PostgreSQL restarts. At the end every write a sync acknowledged is
// on the servers (at that version or a later one), every concurrent edit is kept, and the
// phones of one territory are byte-identical, to each other and to the supervisor's view.
// Seeded: FIELDSYNC_SEED=<seed> replays the edits and the timing of the faults.

#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "cluster_support.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/core/version_vector.hpp"
#include "system_support.hpp"

namespace fieldsync::testing {
namespace {

constexpr std::size_t kServers = 3;
constexpr std::size_t kPhonesPerTerritory = 4;
constexpr std::size_t kCustomersPerTerritory = 8;
constexpr std::size_t kHotCustomers = 2;  // per territory: every rep edits them each round
constexpr int kRounds = 4;
const std::vector<std::string> kTerritories = {"north", "south", "east"};
const std::vector<std::string> kCollections = {"customers"};

struct Phone {
  std::string user;
  std::string territory;
  std::string token;
  Replica replica;
  StateDump acknowledged{};  // states a completed sync left not pending: on the server since
  std::size_t syncs = 0;
  std::size_t failed_syncs = 0;
  std::string last_failure{};
};

client::SyncOptions quick_failure(std::size_t push_batch) {
  client::SyncOptions options;
  options.connection.connect_timeout = std::chrono::milliseconds(2000);
  options.connection.handshake_timeout = std::chrono::milliseconds(2000);
  options.connection.idle_timeout = std::chrono::milliseconds(3000);
  options.sync.push_batch = push_batch;  // several pushes per sync: a kill can land between them
  return options;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find_first_of("\r\n")); }

// Syncs; on success notes what the server acknowledged. A failure (the server killed under
// it, PostgreSQL restarting) loses nothing: the edits stay in the outbox for the next one.
bool sync(Phone& phone, const std::string& url, std::size_t push_batch) {
  try {
    client::sync_once(phone.replica, url, phone.token, quick_failure(push_batch));
  } catch (const std::exception& e) {
    ++phone.failed_syncs;
    phone.last_failure = url + ": " + e.what();
    return false;
  }
  ++phone.syncs;
  ListQuery all;
  all.include_deleted = true;
  for (const auto& record : phone.replica.list("customers", all)) {
    if (!record.pending) phone.acknowledged[{"customers", record.state.id.to_string()}] = encode_state(record.state);
  }
  return true;
}

// A rep's offline edits of one round: the hot customers' phone number (every rep of the
// territory writes it: concurrent values, kept as siblings) and other fields of others.
void edit_offline(Phone& phone, int round, std::mt19937_64& random) {
  auto customers = phone.replica.list("customers");
  if (customers.empty()) return;
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random); };
  const std::string tag = phone.user + "-r" + std::to_string(round);
  for (std::size_t i = 0; i < kHotCustomers && i < customers.size(); ++i) {
    try {
      phone.replica.update("customers", customers[i].state.id, {{"phone", Value("+49 " + tag + "-" + std::to_string(i))}});
    } catch (const Error&) {
      // A rep may not write over an open conflict (the sales rules): the supervisor settles it.
    }
  }
  for (int n = 0; n < 3; ++n) {
    const auto& customer = customers[pick(customers.size())];
    const std::string field = pick(2) == 0 ? "email" : "name";
    const std::string value = field == "email" ? tag + "-" + std::to_string(n) + "@example.com" : "Kunde " + tag;
    try {
      phone.replica.update("customers", customer.state.id, {{field, Value(value)}});
    } catch (const Error&) {
    }
  }
}

TEST(ClusterTest, AcknowledgedWritesSurviveAServerKillAndADatabaseRestart) {
  const std::uint64_t seed = test_seed();
  std::cout << "FIELDSYNC_SEED=" << seed << " (set it to replay this run)\n";
  SCOPED_TRACE("FIELDSYNC_SEED=" + std::to_string(seed));
  std::mt19937_64 random(seed);
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random); };

  ScratchDir dir;
  PostgresCluster postgres(free_tcp_port(), "fieldsync");
  std::vector<std::unique_ptr<ServerProcess>> servers;
  std::vector<std::uint16_t> ports;
  for (std::size_t n = 0; n < kServers; ++n) {
    ports.push_back(free_tcp_port());
    servers.push_back(std::make_unique<ServerProcess>(
        dir.path() / ("server" + std::to_string(n)), dir.path() / ("server" + std::to_string(n) + ".log"),
        ServerProcessOptions{{"--store", postgres.url()}, ports.back()}));
  }
  // The admin commands work on the database, whichever server's directory they name.
  ServerProcess& admin = *servers[0];
  admin.admin("user add sue --role supervisor");
  const std::string sue_token = first_line(admin.admin("token issue sue --ttl-days 1"));
  for (auto& server : servers) server->start();
  NginxProcess nginx(dir.path() / "nginx", free_tcp_port(), ports);

  std::vector<std::string> urls;
  for (const auto& server : servers) urls.push_back(server->url());
  urls.push_back(nginx.url());  // through the load balancer, to whichever server it picks

  // The office enters the customers through nginx.
  Replica office = Replica::open(dir.file("office.db"), Schema::domain());
  for (const auto& territory : kTerritories) {
    for (std::size_t i = 0; i < kCustomersPerTerritory; ++i) {
      office.create("customers", {{"name", Value(territory + " customer " + std::to_string(i))},
                                  {"territory", Value(territory)},
                                  {"tier", Value(std::string("regular"))}});
    }
  }
  ASSERT_NO_THROW(client::sync_once(office, nginx.url(), sue_token));

  // The reps, each on a server of its own choosing for a first sync.
  std::vector<std::unique_ptr<Phone>> phones;
  for (const auto& territory : kTerritories) {
    for (std::size_t i = 0; i < kPhonesPerTerritory; ++i) {
      const std::string user = territory + std::to_string(i);
      admin.admin("user add " + user + " --role rep --territory " + territory);
      const std::string token = first_line(admin.admin("token issue " + user + " --ttl-days 1"));
      phones.push_back(std::make_unique<Phone>(
          Phone{user, territory, token, Replica::open(dir.file(user + ".db"), Schema::domain())}));
      ASSERT_TRUE(sync(*phones.back(), urls[pick(urls.size())], 64)) << phones.back()->last_failure;
      ASSERT_EQ(phones.back()->replica.list("customers").size(), kCustomersPerTerritory);
    }
  }

  for (int round = 0; round < kRounds; ++round) {
    for (auto& phone : phones) edit_offline(*phone, round, random);
    // Every phone comes back online at once, each syncing twice through random servers.
    std::vector<std::uint64_t> phone_seeds;
    std::vector<std::string> phone_urls;
    for (std::size_t p = 0; p < phones.size(); ++p) {
      phone_seeds.push_back(random());
      phone_urls.push_back(urls[pick(urls.size())]);
    }
    const auto fault_delay = std::chrono::milliseconds(10 + pick(150));
    const std::size_t victim = pick(kServers);
    std::vector<std::thread> threads;
    for (std::size_t p = 0; p < phones.size(); ++p) {
      threads.emplace_back([&, p] {
        std::mt19937_64 own(phone_seeds[p]);
        sync(*phones[p], phone_urls[p], 1 + own() % 3);
        sync(*phones[p], urls[own() % urls.size()], 1 + own() % 3);
      });
    }
    // Round 1: a server dies mid-push and comes back; round 2: PostgreSQL restarts.
    std::thread fault([&] {
      std::this_thread::sleep_for(fault_delay);
      if (round == 1) {
        servers[victim]->kill_hard();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        servers[victim]->start();
      } else if (round == 2) {
        postgres.restart();
      }
    });
    for (auto& thread : threads) thread.join();
    fault.join();
  }

  // Back to quiet: every phone syncs through nginx until it gets through, twice round (the
  // second pass brings each phone what the others pushed in the first).
  for (int pass = 0; pass < 2; ++pass) {
    for (auto& phone : phones) {
      bool done = false;
      for (int attempt = 0; attempt < 20 && !done; ++attempt) {
        done = sync(*phone, nginx.url(), 64);
        if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(250));
      }
      ASSERT_TRUE(done) << phone->user << " cannot sync any more: " << phone->last_failure;
      EXPECT_EQ(phone->replica.outbox_size(), 0u) << phone->user;
    }
  }
  // Every server still serves, and each gives the supervisor the same view.
  std::vector<StateDump> views;
  for (std::size_t n = 0; n < kServers; ++n) {
    Replica view = Replica::open(dir.file("view" + std::to_string(n) + ".db"), Schema::domain());
    ASSERT_NO_THROW(client::sync_once(view, servers[n]->url(), sue_token)) << "server " << n;
    views.push_back(dump_replica(view, kCollections));
    if (n > 0) {
      EXPECT_EQ(first_difference(views[0], views[n]), "") << "server " << n << " shows another store";
    }
  }
  const StateDump& server_view = views[0];
  ASSERT_EQ(server_view.size(), kTerritories.size() * kCustomersPerTerritory);

  std::size_t failed_syncs = 0;
  std::size_t acknowledged = 0;
  std::map<std::string, StateDump> territory_view;
  for (const auto& phone : phones) {
    failed_syncs += phone->failed_syncs;
    // Every acknowledged write is on the server, at that version or a newer one.
    for (const auto& [key, bytes] : phone->acknowledged) {
      ++acknowledged;
      auto it = server_view.find(key);
      ASSERT_NE(it, server_view.end()) << phone->user << " acknowledged " << key.second << ", which is lost";
      const auto compared = decode_state(it->second).vv.compare(decode_state(bytes).vv);
      EXPECT_TRUE(compared == Causality::kSame || compared == Causality::kNewer)
          << phone->user << ": the server lost an acknowledged write of " << key.second;
    }
    // Each phone holds exactly its territory as the servers hold it, byte for byte.
    const StateDump holds = dump_replica(phone->replica, kCollections);
    EXPECT_EQ(holds.size(), kCustomersPerTerritory) << phone->user;
    for (const auto& [key, bytes] : holds) {
      auto it = server_view.find(key);
      ASSERT_NE(it, server_view.end()) << phone->user << " holds " << key.second << ", unknown to the server";
      EXPECT_EQ(it->second, bytes) << phone->user << "'s " << key.second << " differs from the server's";
    }
    auto [known, first] = territory_view.try_emplace(phone->territory, holds);
    if (!first) {
      EXPECT_EQ(first_difference(known->second, holds), "") << phone->user;
    }
  }
  // The hot customers were written concurrently by every rep of a territory: siblings kept.
  Replica supervisor = Replica::open(dir.file("supervisor.db"), Schema::domain());
  ASSERT_NO_THROW(client::sync_once(supervisor, nginx.url(), sue_token));
  EXPECT_FALSE(supervisor.conflicts().empty()) << "concurrent edits of one field left no siblings";

  for (std::size_t n = 0; n < kServers; ++n) EXPECT_EQ(servers[n]->stop(), 0) << "server " << n << " stops cleanly";
  std::cout << "phones: " << phones.size() << ", acknowledged states checked: " << acknowledged
            << ", syncs cut short by the faults: " << failed_syncs
            << ", open conflicts: " << supervisor.conflicts().size() << "\n";
}

}  // namespace
}  // namespace fieldsync::testing
