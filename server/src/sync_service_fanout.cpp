// SyncService: live fan-out by sequence. Live connections are sent the changes committed
// to the store, read back from it by sequence: commits made by this server and, on a
// database shared by several servers, by the others, alike.
#include <algorithm>
#include <limits>
#include <string_view>

#include <spdlog/spdlog.h>

#include "batch_budget.hpp"
#include "fieldsync/core/client_sync.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/server/sync_service.hpp"
#include "log_fields.hpp"

namespace fieldsync::server {

// The rules a live batch keeps (they were publish()'s when fan-out followed local pushes):
//
// A live batch's to_seq moves the phone's checkpoint, so it never passes a change the
// phone was not sent: each connection has a position (every change up to it that it may
// read was sent, or came in its pull), a batch carries the changes after that position
// in sequence order, and its to_seq is the sequence of the last change it looked at. A
// batch that would outgrow max_frame_bytes is cut there, and the rest follows in another.
//
// The pusher's own connection, if live, gets a live batch for its commit too, on purpose.
// A connection skipped for its own commit n would move its checkpoint past n with the next
// batch it does get, without having applied the state the server stored at n (the merge
// of what it pushed with what the server held). So its batch carries to_seq and every
// record the merge changed; a record whose stored state equals the state it pushed is left
// out, since the pusher holds exactly that state already. Echoing those too would double
// every push's traffic and, for a push near max_frame_bytes, overflow the pusher's send
// queue behind its ack.
//
// A connection whose scope a change altered (a record moved into or out of its
// territories, as the store's territory moves say) gets `resync` and leaves the live set:
// it pulls from 0 and, caught up, is live again. Live batches meanwhile would move its
// checkpoint under that pull. A move made on another server is noted there after its
// commit; if this server's pass read the commit before the note, the phones it concerns
// learn of it at their next hello (welcome.resync), as after a crash between the two.

void SyncService::mark_own_commits(std::uint64_t connection, const std::vector<CommittedChange>& committed,
                                   const std::vector<RecordState>& pushed,
                                   const std::set<std::pair<std::string, RecordId>>& altered) {
  if (committed.empty()) return;
  // What the pusher holds of each record it pushed (a record pushed twice: its last state).
  std::map<std::pair<std::string_view, RecordId>, const RecordState*> held;
  for (const auto& state : pushed) held[{state.collection, state.id}] = &state;
  auto held_by_pusher = [&](const RecordState& stored) {
    if (altered.contains({stored.collection, stored.id})) return false;
    auto it = held.find({stored.collection, stored.id});
    return it != held.end() && *it->second == stored;
  };
  std::lock_guard lock(mutex_);
  auto live = live_.find(connection);
  if (live == live_.end()) return;  // not caught up yet: its pull brings them
  for (const auto& change : committed) live->second.own[change.seq] = held_by_pusher(change.state);
}

void SyncService::request_fanout() {
  if (fanout_stopping_.load()) return;
  fanout_requested_.store(true);
  bool idle = false;
  if (!fanout_running_.compare_exchange_strong(idle, true)) return;  // the running pass goes round again
  if (executor_) {
    executor_([this] { run_fanout(); });
  } else {
    run_fanout();
  }
}

void SyncService::stop_fanout() {
  commit_signal_.reset();  // no more signals; one in progress has finished
  fanout_stopping_.store(true);
  std::unique_lock lock(fanout_idle_mutex_);
  fanout_idle_.wait(lock, [this] { return !fanout_running_.load(); });
}

void SyncService::run_fanout() {
  for (;;) {
    // Requests coalesce: one pass reads everything committed before it started.
    while (!fanout_stopping_.load() && fanout_requested_.exchange(false)) {
      try {
        fanout_pass();
      } catch (const std::exception& e) {
        // Positions stay where they were: the next request reads the same changes again.
        spdlog::error("event=fanout_failed error={}", quote_field(e.what()));
      }
    }
    {
      std::lock_guard lock(fanout_idle_mutex_);
      fanout_running_.store(false);
    }
    fanout_idle_.notify_all();
    // A request made after the last look but before `running` went false was left to us.
    if (fanout_stopping_.load() || !fanout_requested_.load()) return;
    bool idle = false;
    if (!fanout_running_.compare_exchange_strong(idle, true)) return;  // another caller took it
  }
}

void SyncService::fanout_pass() {
  std::uint64_t from = std::numeric_limits<std::uint64_t>::max();
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, live] : live_) from = std::min(from, live.position);
  }
  if (from == std::numeric_limits<std::uint64_t>::max()) return;  // nobody is live
  const auto everything = [](const RecordState&) { return true; };
  for (;;) {
    const ChangePage page = store_->changes_since(from, limits_.max_batch_records, {}, everything);
    if (page.to_seq <= from) return;
    // Local pushes whose commits this page holds have noted their moves and marked their
    // own commits once they let go of commit_mutex_.
    { std::lock_guard barrier(commit_mutex_); }
    const std::vector<TerritoryMove> moves = store_->territory_moves_since(from);
    // Encoded and placed once, for every connection; parents are read from the store here,
    // not under mutex_.
    std::vector<std::string> encoded(page.states.size());
    std::vector<ScopePolicy::Readers> readers;
    readers.reserve(page.states.size());
    for (std::size_t i = 0; i < page.states.size(); ++i) {
      append_wire_state(encoded[i], page.states[i]);
      readers.push_back(scope_.readers_of(page.states[i]));
    }
    // Declared before the lock: the sessions reached are released after it.
    std::vector<std::shared_ptr<SessionSink>> keep_alive;
    bool behind = false;
    {
      std::lock_guard lock(mutex_);
      behind = deliver_page(from, page, encoded, readers, moves, keep_alive);
      fanned_to_ = std::max(fanned_to_, page.to_seq);
    }
    keep_alive.clear();
    if (behind) fanout_requested_.store(true);  // one that went live meanwhile, further back
    if (!page.more || fanout_stopping_.load()) return;
    from = page.to_seq;
  }
}

bool SyncService::deliver_page(std::uint64_t from, const ChangePage& page, const std::vector<std::string>& encoded,
                               const std::vector<ScopePolicy::Readers>& readers,
                               std::span<const TerritoryMove> moves,
                               std::vector<std::shared_ptr<SessionSink>>& keep_alive) {
  const std::size_t budget = page_budget_bytes(limits_);
  bool behind = false;
  keep_alive.reserve(live_.size());
  for (auto it = live_.begin(); it != live_.end();) {
    LiveSubscriber& live = it->second;
    auto sink = live.sink.lock();
    if (!sink) {
      it = live_.erase(it);
      continue;
    }
    keep_alive.push_back(sink);  // released by the caller, after the lock
    if (live.position < from) {  // went live behind this pass: the next one starts there
      behind = true;
      ++it;
      continue;
    }
    if (live.position >= page.to_seq) {  // its pull read past this page
      ++it;
      continue;
    }
    const bool resync = std::any_of(moves.begin(), moves.end(), [&](const TerritoryMove& move) {
      return move.seq > live.position && live.principal.covers(move.from) != live.principal.covers(move.to);
    });
    if (resync) {
      metrics_->resync_requested();
      sink->deliver(resync_batch(live.position));
      it = live_.erase(it);
      continue;
    }
    auto start_batch = [] {
      proto::Envelope message;
      message.set_protocol_version(kProtocolVersion);
      message.mutable_batch();
      return message;
    };
    proto::Envelope message = start_batch();
    std::size_t bytes = 0;
    bool own = false;  // the range holds a commit of its own: it is told even if nothing is sent
    std::uint64_t looked_at = live.position;
    for (std::size_t i = 0; i < page.states.size(); ++i) {
      const std::uint64_t seq = page.seqs[i];
      if (seq <= live.position) continue;
      bool send = ScopePolicy::may_read(live.principal, readers[i]);
      if (auto mine = live.own.find(seq); mine != live.own.end()) {
        own = true;
        if (mine->second) send = false;  // it holds this state already
      }
      if (send) {
        auto* batch = message.mutable_batch();
        const std::size_t cost = encoded[i].size() + kRecordFramingBytes;
        if (batch->records_size() > 0 && bytes + cost > budget) {
          batch->set_to_seq(looked_at);
          metrics_->pulled(static_cast<std::size_t>(batch->records_size()));
          sink->deliver(std::move(message));
          message = start_batch();
          bytes = 0;
        }
        message.mutable_batch()->add_records(encoded[i]);
        bytes += cost;
      }
      looked_at = seq;
    }
    auto* batch = message.mutable_batch();
    batch->set_to_seq(page.to_seq);
    if (batch->records_size() > 0 || own) {
      metrics_->pulled(static_cast<std::size_t>(batch->records_size()));
      sink->deliver(std::move(message));
    }
    live.position = page.to_seq;
    live.own.erase(live.own.begin(), live.own.upper_bound(page.to_seq));
    ++it;
  }
  return behind;
}

}  // namespace fieldsync::server
