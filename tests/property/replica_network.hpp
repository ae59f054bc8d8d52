#pragma once

// A simulated network of in-memory replicas for the property tests. Each replica has its
// own manual clock (possibly hours off the others) and, per peer, the checkpoint up to
// which that peer has received its changes. A sync step exports changes_since(checkpoint)
// as a message that stays in flight until the test delivers it (in any order, perhaps
// twice), drops it, or drops it and re-sends it later. Only a delivery moves the sender's
// checkpoint for that peer, as an acknowledgement would.
// Single-threaded: the test thread owns the network.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "fieldsync/core/clock.hpp"
#include "fieldsync/core/replica.hpp"

namespace fieldsync::test {

struct SyncMessage {
  std::size_t from = 0;
  std::size_t to = 0;
  std::vector<RecordState> states;
  std::uint64_t to_seq = 0;
};

struct NetworkStats {
  std::size_t sent = 0;
  std::size_t delivered = 0;
  std::size_t duplicated = 0;
  std::size_t lost = 0;
  std::size_t resent = 0;
};

class ReplicaNetwork {
 public:
  // `clock_offsets_ms[i]` is how far replica i's wall clock is from true time.
  ReplicaNetwork(const Schema& schema, const std::vector<std::int64_t>& clock_offsets_ms);

  // Makes replica `hub` a guarded server: the others exchange states with it only (send()
  // and settle() keep to that), and whatever they send it passes check_pushed_history with
  // the sender as the pusher, as the server's push gate does.
  void guard(std::size_t hub);
  std::optional<std::size_t> hub() const { return hub_; }
  // A push to the guarded hub by a replica outside the network (a forger): merged through
  // the same guard at once.
  MergeReport push_to_hub(const ReplicaId& pusher, std::span<const RecordState> states);

  std::size_t size() const { return nodes_.size(); }
  Replica& replica(std::size_t i) { return nodes_.at(i)->replica; }
  // Moves true time forward: every replica's clock advances by `ms`.
  void advance_time(std::uint64_t ms);

  // Exports what `to` has not acknowledged yet (at most `limit` states; 0: all).
  void send(std::size_t from, std::size_t to, std::size_t limit);
  std::size_t in_flight() const { return in_flight_.size(); }
  // One random fault-prone step on the in-flight messages: a delivery, a duplicated
  // delivery, a loss, or a loss followed by a later re-send.
  void step(std::mt19937_64& rng);
  // Delivers everything still in flight or awaiting a re-send, then exchanges between
  // every pair until nothing changes. Returns false if that did not settle.
  bool settle(std::mt19937_64& rng);

  const NetworkStats& stats() const { return stats_; }
  // Rejections reported by merges: each one is a failure of the engine or the test.
  const std::vector<std::string>& rejections() const { return rejections_; }

 private:
  struct Node {
    Node(const Schema& schema, std::uint64_t start_ms);
    ManualClock clock;
    Replica replica;
    std::vector<std::uint64_t> acked;  // per peer: seq up to which the peer has our changes
  };

  void deliver(const SyncMessage& message);
  MergeReport merge_into(std::size_t to, const ReplicaId& pusher, std::span<const RecordState> states);
  bool linked(std::size_t from, std::size_t to) const { return !hub_ || from == *hub_ || to == *hub_; }
  SyncMessage take(std::size_t index);

  std::vector<std::unique_ptr<Node>> nodes_;  // stable addresses: a Replica points at its clock
  std::vector<SyncMessage> in_flight_;
  std::vector<SyncMessage> resend_queue_;  // lost, to be sent again later
  NetworkStats stats_;
  std::vector<std::string> rejections_;
  std::optional<std::size_t> hub_;
};

}  // namespace fieldsync::test
