#include "replica_network.hpp"

#include <algorithm>

#include "fieldsync/core/causal_check.hpp"

namespace fieldsync::test {
namespace {

constexpr std::uint64_t kTrueStartMs = 1'760'000'000'000;
constexpr std::size_t kMaxSettleRounds = 20;

}  // namespace

ReplicaNetwork::Node::Node(const Schema& schema, std::uint64_t start_ms)
    : clock(start_ms), replica(Replica::open(":memory:", schema, ReplicaOptions{.clock = &clock})) {}

ReplicaNetwork::ReplicaNetwork(const Schema& schema, const std::vector<std::int64_t>& clock_offsets_ms) {
  for (auto offset : clock_offsets_ms) {
    nodes_.push_back(std::make_unique<Node>(schema, static_cast<std::uint64_t>(static_cast<std::int64_t>(kTrueStartMs) + offset)));
  }
  for (auto& node : nodes_) node->acked.assign(nodes_.size(), 0);
}

void ReplicaNetwork::advance_time(std::uint64_t ms) {
  for (auto& node : nodes_) node->clock.advance(ms);
}

void ReplicaNetwork::send(std::size_t from, std::size_t to, std::size_t limit) {
  Node& sender = *nodes_.at(from);
  ChangeBatch batch = sender.replica.changes_since(sender.acked.at(to), limit);
  in_flight_.push_back(SyncMessage{from, to, std::move(batch.states), batch.to_seq});
  ++stats_.sent;
}

SyncMessage ReplicaNetwork::take(std::size_t index) {
  SyncMessage message = std::move(in_flight_[index]);
  in_flight_[index] = std::move(in_flight_.back());
  in_flight_.pop_back();
  return message;
}

void ReplicaNetwork::guard(std::size_t hub) { hub_ = hub; }

MergeReport ReplicaNetwork::merge_into(std::size_t to, const ReplicaId& pusher, std::span<const RecordState> states) {
  Replica& receiver = nodes_.at(to)->replica;
  if (!hub_ || to != *hub_) return receiver.merge(states);
  return receiver.merge(states, MergeDetail::kCounts, [&](const RecordState& incoming, const RecordState* stored) {
    return check_pushed_history(incoming, stored, pusher);
  });
}

MergeReport ReplicaNetwork::push_to_hub(const ReplicaId& pusher, std::span<const RecordState> states) {
  return merge_into(hub_.value(), pusher, states);
}

void ReplicaNetwork::deliver(const SyncMessage& message) {
  MergeReport report = merge_into(message.to, nodes_.at(message.from)->replica.replica_id(), message.states);
  for (const auto& r : report.rejected) {
    rejections_.push_back("replica " + std::to_string(message.to) + " rejected " + r.collection + " " + r.id + ": " +
                          r.reason);
  }
  auto& acked = nodes_.at(message.from)->acked.at(message.to);
  acked = std::max(acked, message.to_seq);
  ++stats_.delivered;
}

void ReplicaNetwork::step(std::mt19937_64& rng) {
  // A lost message comes back now and then, as a sender's retry would.
  if (!resend_queue_.empty() && rng() % 4 == 0) {
    std::size_t i = rng() % resend_queue_.size();
    in_flight_.push_back(std::move(resend_queue_[i]));
    resend_queue_.erase(resend_queue_.begin() + static_cast<std::ptrdiff_t>(i));
    ++stats_.resent;
  }
  if (in_flight_.empty()) return;
  const std::size_t index = rng() % in_flight_.size();
  const auto roll = rng() % 100;
  if (roll < 8) {
    // Lost for good: the checkpoint did not move, so a later export carries it again.
    take(index);
    ++stats_.lost;
  } else if (roll < 16) {
    resend_queue_.push_back(take(index));
    ++stats_.lost;
  } else if (roll < 26) {
    deliver(in_flight_[index]);  // delivered, and a copy stays in flight
    ++stats_.duplicated;
  } else {
    deliver(take(index));
  }
}

bool ReplicaNetwork::settle(std::mt19937_64& rng) {
  for (auto& message : resend_queue_) in_flight_.push_back(std::move(message));
  resend_queue_.clear();
  while (!in_flight_.empty()) deliver(take(rng() % in_flight_.size()));
  for (std::size_t round = 0; round < kMaxSettleRounds; ++round) {
    bool quiet = true;
    for (std::size_t from = 0; from < nodes_.size(); ++from) {
      for (std::size_t to = 0; to < nodes_.size(); ++to) {
        if (from == to || !linked(from, to)) continue;
        send(from, to, 0);
        SyncMessage message = take(in_flight_.size() - 1);
        quiet = quiet && message.states.empty();
        deliver(message);
      }
    }
    if (quiet) return true;
  }
  return false;
}

}  // namespace fieldsync::test
