// The PostgreSQL store shared by several servers (several Store objects on one database,
// each with its own connections), with pushes and pulls interleaved from many threads:
// a checkpointed puller ends with every change, no concurrent push of one record loses a
// sibling, and a unique value is accepted once however many servers push it at once.

#include <atomic>
#include <barrier>
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "store_test_support.hpp"

namespace fieldsync::test {
namespace {

using server::PushContext;
using server::PushRefusal;
using server::Role;
using server::Store;

std::optional<PushRefusal> accept(const RecordState&, const RecordState*) { return std::nullopt; }

class PostgresConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string cluster = pg_cluster_url();
    if (cluster.empty()) GTEST_SKIP();  // reported as a failure by pg_cluster_url
    url_ = fresh_pg_database(cluster);
    for (int i = 0; i < kServers; ++i) servers_.push_back(server::open_postgres_store(url_, Schema::domain(), clock_));
    servers_[0]->add_user({"sue", Role::kSupervisor, {}});
  }

  PushContext session(Store& store, const Phone& phone) {
    const auto check = store.register_replica(phone.id(), phone.counter(), "", 0, "sue");
    return PushContext{"sue", phone.id(), clock_.now_ms(), check.epoch};
  }

  static constexpr int kServers = 3;
  SystemClock clock_;
  std::string url_;
  std::vector<std::unique_ptr<Store>> servers_;
};

TEST_F(PostgresConcurrencyTest, ACheckpointedPullerMissesNoChangeAndNoSiblingIsLost) {
  constexpr int kPushersPerServer = 2;
  constexpr int kRounds = 40;
  // One record every pusher edits at once, through every server.
  Phone seed;
  const RecordId shared = seed.customer("Shared");
  servers_[0]->push(session(*servers_[0], seed), std::vector{seed.state("customers", shared)}, accept);
  const RecordState shared_start = *servers_[0]->get("customers", shared);

  std::atomic<int> pushing{kServers * kPushersPerServer};
  std::vector<std::string> pusher_ids(kServers * kPushersPerServer);
  std::vector<std::thread> threads;
  std::atomic<bool> failed{false};
  for (int t = 0; t < kServers * kPushersPerServer; ++t) {
    threads.emplace_back([&, t] {
      try {
        Store& store = *servers_[static_cast<std::size_t>(t % kServers)];
        Phone phone;
        pusher_ids[static_cast<std::size_t>(t)] = phone.id().to_string();
        phone.take(shared_start);
        auto context = session(store, phone);
        for (int round = 0; round < kRounds; ++round) {
          const RecordId mine = phone.customer("T" + std::to_string(t) + "-" + std::to_string(round));
          phone.rename(shared, "by " + std::to_string(t) + " in " + std::to_string(round));
          const auto result =
              store.push(context, std::vector{phone.state("customers", mine), phone.state("customers", shared)}, accept);
          if (!result.refused.empty() || result.committed.size() != 2) failed = true;
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << "pusher " << t << ": " << e.what();
        failed = true;
      }
      --pushing;
    });
  }

  // The puller hops between servers, pulling small pages from its checkpoint.
  std::map<std::string, RecordState> view;
  std::uint64_t checkpoint = 0;
  std::size_t pages = 0;
  auto pull_page = [&](Store& store) {
    const auto page = store.changes_since(checkpoint, 7, {}, [](const RecordState&) { return true; });
    for (std::size_t i = 0; i < page.states.size(); ++i) {
      EXPECT_GT(page.seqs[i], checkpoint);
      view[page.states[i].id.to_string()] = page.states[i];
    }
    EXPECT_GE(page.to_seq, checkpoint);
    checkpoint = page.to_seq;
    ++pages;
    return page.more;
  };
  for (int hop = 0; pushing > 0; ++hop) pull_page(*servers_[static_cast<std::size_t>(hop % kServers)]);
  for (auto& thread : threads) thread.join();
  ASSERT_FALSE(failed);
  while (pull_page(*servers_[1])) {
  }

  // Every record as the store holds it now is what the puller ended with.
  const auto all = servers_[2]->changes_since(0, 1'000'000, {}, [](const RecordState&) { return true; });
  ASSERT_EQ(all.states.size(), 1u + kServers * kPushersPerServer * kRounds);
  EXPECT_EQ(checkpoint, servers_[0]->head());
  EXPECT_EQ(view.size(), all.states.size());
  std::size_t stale = 0;
  for (const auto& state : all.states) {
    auto seen = view.find(state.id.to_string());
    if (seen == view.end() || !(seen->second == state)) ++stale;
  }
  EXPECT_EQ(stale, 0u) << "the puller missed changes (" << pages << " pages pulled)";
  // The shared record keeps one sibling from every pusher: their last edits, all concurrent.
  const auto held = *servers_[0]->get("customers", shared);
  std::set<std::string> authors;
  for (const auto& sibling : held.field("name")->siblings) authors.insert(sibling.dot.replica.to_string());
  EXPECT_EQ(authors, std::set<std::string>(pusher_ids.begin(), pusher_ids.end()));
  EXPECT_EQ(held.field("name")->siblings.size(), pusher_ids.size());
  // Sequence numbers were handed out without reuse: one per change.
  EXPECT_EQ(servers_[0]->head(), 1u + 2u * kServers * kPushersPerServer * kRounds);
}

TEST_F(PostgresConcurrencyTest, AUniqueValuePushedThroughEveryServerAtOnceIsAcceptedOnce) {
  constexpr int kRounds = 12;
  std::barrier start(kServers);
  std::vector<std::vector<int>> accepted(kServers, std::vector<int>(kRounds, 0));
  std::vector<std::thread> threads;
  for (int s = 0; s < kServers; ++s) {
    threads.emplace_back([&, s] {
      Store& store = *servers_[static_cast<std::size_t>(s)];
      Phone phone;
      const RecordId customer = phone.customer("Shop " + std::to_string(s));
      auto context = session(store, phone);
      store.push(context, std::vector{phone.state("customers", customer)}, accept);
      // The server's duplicate check (ScopePolicy::duplicate_refusal) in small.
      auto unique = [&](const RecordState& incoming, const RecordState*) -> std::optional<PushRefusal> {
        const auto& number = incoming.field("order_number")->siblings.front().value;
        if (store.alive_record_with("orders", "order_number", number, incoming.id)) {
          return PushRefusal{0, ErrorCode::kAlreadyExists, "taken"};
        }
        return std::nullopt;
      };
      for (int round = 0; round < kRounds; ++round) {
        const RecordId order = phone.order(customer, "R-" + std::to_string(round));
        start.arrive_and_wait();
        const auto result = store.push(context, std::vector{phone.state("orders", order)}, unique);
        accepted[static_cast<std::size_t>(s)][static_cast<std::size_t>(round)] = result.refused.empty() ? 1 : 0;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int round = 0; round < kRounds; ++round) {
    int total = 0;
    for (int s = 0; s < kServers; ++s) total += accepted[static_cast<std::size_t>(s)][static_cast<std::size_t>(round)];
    EXPECT_EQ(total, 1) << "order number R-" << round;
  }
}

}  // namespace
}  // namespace fieldsync::test
