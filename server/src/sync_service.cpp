#include "fieldsync/server/sync_service.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>

#include "fieldsync/core/causal_check.hpp"
#include "fieldsync/core/client_sync.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/core/utf8.hpp"
#include "fieldsync/core/write_rules.hpp"
#include "batch_budget.hpp"
#include "record_limits.hpp"
#include "record_rules.hpp"
#include "server_copies.hpp"

namespace fieldsync::server {
namespace {

// Held states a pull page may name per record it may carry (SyncService::pull).
constexpr std::size_t kHeldPerRecord = 16;

// The requests whose handling Metrics times.
std::optional<Metrics::Request> timed_request(proto::Envelope::BodyCase body) {
  switch (body) {
    case proto::Envelope::kHello: return Metrics::Request::kHello;
    case proto::Envelope::kPush: return Metrics::Request::kPush;
    case proto::Envelope::kPull: return Metrics::Request::kPull;
    default: return std::nullopt;
  }
}

Reply fatal(ErrorCode code, const std::string& text, std::uint64_t request_id = 0) {
  return Reply{{SyncService::error_message(code, text, true, request_id)}, true};
}

Reply refused(ErrorCode code, const std::string& text, std::uint64_t request_id) {
  return Reply{{SyncService::error_message(code, text, false, request_id)}, false};
}

std::uint64_t distance(std::uint64_t a, std::uint64_t b) { return a > b ? a - b : b - a; }

// A sibling stamped further than `max_ahead_ms` ahead of the server's clock (a phone that
// did not correct its clock, or a hostile one) is stamped `now` instead, so that it cannot
// win the display order over concurrent edits made later. Merging keeps the smaller stamp of
// two copies of one dot, so the pusher's copy converges to this one when it pulls it back.
std::size_t lower_stamps_beyond(RecordState& state, std::uint64_t now, std::uint64_t max_ahead_ms) {
  std::size_t lowered = 0;
  for (auto& f : state.fields) {
    for (auto& s : f.siblings) {
      if (s.hlc.ms() > now + max_ahead_ms) {
        s.hlc = Hlc(now, 0);
        ++lowered;
      }
    }
  }
  return lowered;
}

}  // namespace

SyncService::SyncService(Store& store, const Schema& schema, Limits limits, Metrics& metrics, const Clock& clock,
                         Executor fanout_executor)
    : store_(&store),
      schema_(&schema),
      limits_(limits),
      metrics_(&metrics),
      clock_(&clock),
      scope_(schema, store),
      executor_(std::move(fanout_executor)) {
  // Without an executor a pass would run inside the store's push, under its locks.
  if (executor_) commit_signal_ = store_->on_commit([this] { request_fanout(); });
}

SyncService::~SyncService() { stop_fanout(); }

proto::Envelope SyncService::error_message(ErrorCode code, const std::string& text, bool fatal_error,
                                           std::uint64_t request_id) {
  proto::Envelope message;
  message.set_protocol_version(kProtocolVersion);
  message.set_request_id(request_id);
  auto* error = message.mutable_error();
  error->set_code(static_cast<std::uint32_t>(code));
  error->set_message(to_valid_utf8(text));  // it may quote received bytes
  error->set_fatal(fatal_error);
  return message;
}

Principal SyncService::authenticate(std::string_view token) {
  if (token.empty()) throw Error(ErrorCode::kUnauthenticated, "no token: send 'Authorization: Bearer <token>' (browsers: offer the subprotocol 'fieldsync.bearer.<token>')");
  return store_->authenticate(std::string(token), clock_->now_ms());
}

Connection SyncService::connect(Principal principal, std::weak_ptr<SessionSink> sink) {
  std::lock_guard lock(mutex_);
  auto& count = connections_per_user_[principal.user];
  if (count >= limits_.max_connections_per_user) {
    throw Error(ErrorCode::kRateLimited, "user '" + principal.user + "' already has " + std::to_string(count) +
                                             " connections open (the limit)");
  }
  ++count;
  metrics_->connection_opened();
  const std::uint64_t id = next_connection_++;
  open_[id] = OpenConnection{principal, 0, 0, {}, false, sink};
  return Connection{id, std::move(principal), std::nullopt, std::move(sink), {}, 0, {}, false};
}

void SyncService::disconnect(const Connection& connection) {
  std::lock_guard lock(mutex_);
  live_.erase(connection.id);
  open_.erase(connection.id);
  auto it = connections_per_user_.find(connection.principal.user);
  if (it != connections_per_user_.end() && it->second > 0 && --it->second == 0) connections_per_user_.erase(it);
  metrics_->connection_closed();
}

Reply SyncService::handle_frame(Connection& connection, std::string_view frame) {
  proto::Envelope message;
  if (!message.ParseFromArray(frame.data(), static_cast<int>(frame.size()))) {
    metrics_->error(ErrorCode::kProtocol);
    return fatal(ErrorCode::kProtocol, "the frame is not a FieldSync message (protobuf Envelope)");
  }
  return handle(connection, message);
}

Reply SyncService::handle(Connection& connection, const proto::Envelope& message) {
  const auto started = std::chrono::steady_clock::now();
  Reply reply;
  try {
    if (message.protocol_version() != kProtocolVersion) {
      reply = fatal(ErrorCode::kUnsupportedVersion, "this server speaks protocol version " +
                                                        std::to_string(kProtocolVersion) + ", not " +
                                                        std::to_string(message.protocol_version()));
    } else if (message.body_case() == proto::Envelope::kPing) {
      proto::Envelope pong;
      pong.set_protocol_version(kProtocolVersion);
      pong.set_request_id(message.request_id());
      pong.mutable_pong()->set_clock_ms(clock_->now_ms());
      reply.messages.push_back(std::move(pong));
    } else if (message.body_case() == proto::Envelope::kPong) {
      // Nothing to do: any frame keeps the connection alive.
    } else if (auto refused = account_gate(connection)) {
      reply = std::move(*refused);
    } else if (!connection.replica) {
      reply = message.body_case() == proto::Envelope::kHello
                  ? hello(connection, message)
                  : fatal(ErrorCode::kProtocol, "the first message must be a hello", message.request_id());
    } else {
      switch (message.body_case()) {
        case proto::Envelope::kPush: reply = push(connection, message); break;
        case proto::Envelope::kPull: reply = pull(connection, message); break;
        case proto::Envelope::kHello: reply = fatal(ErrorCode::kProtocol, "hello was already received"); break;
        default: reply = fatal(ErrorCode::kProtocol, "a client may not send this message", message.request_id());
      }
    }
  } catch (const Error& e) {
    reply = fatal(e.code(), e.what(), message.request_id());
  } catch (const std::exception& e) {
    reply = fatal(ErrorCode::kInternal, std::string("internal error: ") + e.what(), message.request_id());
  }
  for (const auto& m : reply.messages) {
    if (m.has_error()) metrics_->error(static_cast<ErrorCode>(m.error().code()));
  }
  if (auto request = timed_request(message.body_case())) {
    metrics_->request_handled(*request, std::chrono::steady_clock::now() - started);
  }
  return reply;
}

Reply SyncService::hello(Connection& connection, const proto::Envelope& message) {
  const auto& hello = message.hello();
  auto replica = Uuid::from_bytes(hello.replica_id());
  if (!replica || replica->is_nil()) return fatal(ErrorCode::kProtocol, "hello: the replica id must be 16 bytes");
  // A wrong device clock never stops a sync (docs/architecture.md, "Clocks"): the welcome
  // says how far off it is, the client corrects its stamps, and the skew is counted.
  const std::uint64_t now = clock_->now_ms();
  const std::int64_t skew = hello.client_clock_ms() ? static_cast<std::int64_t>(hello.client_clock_ms()) -
                                                          static_cast<std::int64_t>(now)
                                                    : 0;
  if (hello.client_clock_ms() && distance(hello.client_clock_ms(), now) > limits_.max_clock_skew_ms) {
    metrics_->clock_skewed_hello();
  }
  const ReplicaCheck check =
      store_->register_replica(*replica, hello.replica_counter(), hello.replica_epoch(), hello.checkpoint(),
                               connection.principal.user);
  if (check.status == ReplicaStatus::kOtherUser) {
    // Someone writing in a colleague's name (their replica id is in every state they
    // wrote), or a database handed from one user to another. The session's ws_closed log
    // line carries this reason.
    return fatal(ErrorCode::kForbidden, "the replica id " + replica->to_string() +
                                            " is registered to another user: a database syncs for the user "
                                            "who first synced it; start a new one (fieldsync init)");
  }
  if (check.status == ReplicaStatus::kCounterWentBack) {
    return fatal(ErrorCode::kReplicaIdReused,
                 "this database was restored from a backup or copied: it must take a new replica id");
  }
  connection.replica = *replica;
  connection.epoch = check.epoch;
  proto::Envelope welcome_message;
  welcome_message.set_protocol_version(kProtocolVersion);
  auto* welcome = welcome_message.mutable_welcome();
  welcome->set_server_clock_ms(now);
  welcome->set_client_clock_skew_ms(skew);
  welcome->set_max_clock_skew_ms(limits_.max_clock_skew_ms);
  welcome->set_server_seq(store_->head());
  welcome->mutable_scope()->set_user(connection.principal.user);
  welcome->mutable_scope()->set_role(std::string(role_name(connection.principal.role)));
  for (const auto& t : connection.principal.territories) welcome->mutable_scope()->add_territories(t);
  welcome->set_max_frame_bytes(static_cast<std::uint32_t>(limits_.max_frame_bytes));
  welcome->set_max_batch_records(static_cast<std::uint32_t>(limits_.max_batch_records));
  welcome->set_max_record_bytes(static_cast<std::uint32_t>(limits_.max_record_bytes));
  welcome->set_max_siblings_per_field(static_cast<std::uint32_t>(limits_.max_siblings_per_field));
  welcome->set_max_version_vector_entries(static_cast<std::uint32_t>(limits_.max_version_vector_entries));
  welcome->set_max_messages_per_second(static_cast<std::uint32_t>(limits_.max_messages_per_second));
  welcome->set_max_unanswered_messages(static_cast<std::uint32_t>(limits_.max_unanswered_messages));
  welcome->set_max_held_digests(static_cast<std::uint32_t>(limits_.max_held_digests));
  welcome->set_replica_epoch(check.epoch);
  welcome->set_store_generation(store_->generation());
  welcome->set_collected_seq(store_->collected_seq());
  // A replica about to pull from 0 gets its whole scope anyway.
  if (hello.checkpoint() > 0 && (scope_changed_since(connection.principal, full_pull_seq(*replica, check)) ||
                                 pulled_under_other_scope(*replica, check, connection.principal))) {
    welcome->set_resync(true);
  }
  if (welcome->resync() || hello.checkpoint() < welcome->collected_seq()) metrics_->resync_requested();
  return Reply{{std::move(welcome_message)}, false};
}

Reply SyncService::push(Connection& connection, const proto::Envelope& message) {
  const auto& records = message.push().records();
  if (static_cast<std::size_t>(records.size()) > limits_.max_batch_records) {
    return refused(ErrorCode::kTooLarge, "a push may carry at most " + std::to_string(limits_.max_batch_records) +
                                             " records, not " + std::to_string(records.size()),
                   message.request_id());
  }
  const std::uint64_t now = clock_->now_ms();
  std::vector<RecordState> states;
  std::vector<std::size_t> wire_index;  // states[i] came as records[wire_index[i]]
  std::size_t lowered = 0;               // stamps from the future, lowered to now
  std::set<std::pair<std::string, RecordId>> altered;  // records with lowered stamps
  proto::Envelope ack_message;
  ack_message.set_protocol_version(kProtocolVersion);
  ack_message.set_request_id(message.request_id());
  auto* ack = ack_message.mutable_ack();
  auto reject = [&](std::size_t index, ErrorCode code, const std::string& reason) {
    auto* r = ack->add_rejected();
    r->set_index(static_cast<std::uint32_t>(index));
    r->set_code(static_cast<std::uint32_t>(code));
    // It may quote the record's bytes; cut, so that an ack fits its share of the send queue.
    r->set_reason(to_valid_utf8(std::string_view(reason).substr(0, kMaxRejectionReasonBytes)));
  };
  for (int i = 0; i < records.size(); ++i) {
    try {
      if (auto why = record_bytes_refusal(limits_, records[i])) throw Error(ErrorCode::kTooLarge, *why);
      RecordState state = decode_wire_state(records[i]);
      if (auto why = record_shape_refusal(limits_, state)) throw Error(ErrorCode::kTooLarge, *why);
      if (const std::size_t n = lower_stamps_beyond(state, now, limits_.max_clock_skew_ms); n > 0) {
        lowered += n;
        altered.emplace(state.collection, state.id);
      }
      states.push_back(std::move(state));
      wire_index.push_back(static_cast<std::size_t>(i));
    } catch (const Error& e) {
      reject(static_cast<std::size_t>(i), e.code(), e.what());
    }
  }
  // Referenced records first, so that a record meets the parent it names in the same push.
  put_parents_first(*schema_, states, wire_index);
  const Principal& who = connection.principal;
  std::map<std::pair<std::string, RecordId>, TerritoryMove> moving;
  // Read on the first who-field a push brings (most pushes bring none), under the lock.
  std::optional<std::set<std::string, std::less<>>> user_names;
  auto is_user = [&](std::string_view name) {
    if (!user_names) {
      user_names.emplace();
      for (auto& user : store_->users()) user_names->insert(std::move(user.name));
    }
    return user_names->contains(name);
  };
  auto check = [&](const RecordState& incoming, const RecordState* stored) -> std::optional<PushRefusal> {
    if (auto why = scope_.write_refusal(who, incoming, stored)) return PushRefusal{0, why->code(), why->what()};
    // The pusher may add its own writes only; its claims about others' must be the server's.
    if (auto why = check_pushed_history(incoming, stored, *connection.replica, limits_.max_replica_counter)) {
      return PushRefusal{0, why->code(), why->what()};
    }
    // The sales rules last: they judge what a write does, once it is known to be the pusher's.
    const RecordState merged = stored ? merge(*stored, incoming) : incoming;
    if (auto why = rule_refusal(*schema_, schema_->require(incoming.collection), role_name(who.role), stored, merged,
                                MoveReach::kChain)) {
      return PushRefusal{0, why->code(), why->what()};
    }
    if (auto why = unknown_user_refusal(schema_->require(incoming.collection), stored, merged, is_user)) {
      return PushRefusal{0, why->code(), why->what()};
    }
    if (auto move = scope_.move_of(incoming, stored)) moving[{incoming.collection, incoming.id}] = std::move(*move);
    return std::nullopt;
  };
  PushContext context{who.user, *connection.replica, now, connection.epoch};

  PushResult result;
  {
    // Until the moves are noted and the pusher's own commits marked: a fan-out pass that
    // read these commits waits for both (commit_mutex_).
    std::lock_guard commit(commit_mutex_);
    result = store_->push(context, states, check);
    note_moves(moving, result.committed);
    mark_own_commits(connection.id, result.committed, states, altered);
  }
  for (const auto& refusal : result.refused) reject(wire_index[refusal.index], refusal.code, refusal.reason);
  ack->set_server_seq(result.head);
  metrics_->pushed(states.size() - result.refused.size(), static_cast<std::size_t>(ack->rejected_size()),
                   result.conflicts_opened);
  metrics_->future_stamps_lowered(lowered);
  // The store signals its commits too; this covers a store that cannot (Store::on_commit).
  if (!result.committed.empty()) request_fanout();
  // After the commit, outside the lock: what the pusher returns to once its user has seen why.
  attach_server_copies(*ack, result.refused, states, wire_index, *store_, scope_, who);
  return Reply{{std::move(ack_message)}, false};
}

// Replicas that held a moved record, or should now, learn of it at their next hello
// (welcome.resync). Noted after the push's commit: a crash in between leaves those
// replicas with a stale view until a resync, and loses no write.
std::vector<TerritoryMove> SyncService::note_moves(
    const std::map<std::pair<std::string, RecordId>, TerritoryMove>& moving,
    const std::vector<CommittedChange>& committed) {
  std::vector<TerritoryMove> moves;
  if (moving.empty()) return moves;
  for (const auto& change : committed) {
    auto it = moving.find({change.state.collection, change.state.id});
    if (it == moving.end()) continue;
    moves.push_back(it->second);
    moves.back().seq = change.seq;
  }
  if (!moves.empty()) store_->note_territory_moves(moves);
  metrics_->territory_moves(moves.size());
  return moves;
}

std::uint64_t SyncService::full_pull_seq(const ReplicaId& replica, const ReplicaCheck& check) {
  std::lock_guard lock(mutex_);
  auto it = pulled_.find(replica);  // not yet flushed to the store
  return it == pulled_.end() ? check.full_pull_seq : std::max(check.full_pull_seq, it->second.full_pull_seq);
}

bool SyncService::scope_changed_since(const Principal& who, std::uint64_t full_pull_seq) {
  return !who.sees_everything() && scope_changed_by(who, store_->territory_moves_since(full_pull_seq));
}

bool SyncService::scope_changed_by(const Principal& who, std::span<const TerritoryMove> moves) {
  return std::any_of(moves.begin(), moves.end(),
                     [&](const TerritoryMove& move) { return who.covers(move.from) != who.covers(move.to); });
}

Reply SyncService::pull(Connection& connection, const proto::Envelope& message) {
  std::size_t limit = limits_.max_batch_records;
  if (message.pull().max_records()) limit = std::min<std::size_t>(limit, message.pull().max_records());
  const std::uint64_t after_seq = message.pull().after_seq();
  const std::string_view named = message.pull().held_digests();
  if (named.size() % kStateDigestBytes != 0) {
    return fatal(ErrorCode::kProtocol, "pull: held_digests must be whole digests of " +
                                           std::to_string(kStateDigestBytes) + " bytes", message.request_id());
  }
  if (after_seq == 0) {
    connection.held_digests.clear();
    connection.pulling_from_scratch = true;
  }
  if (!named.empty()) {
    if (!connection.pulling_from_scratch) {
      return fatal(ErrorCode::kProtocol, "a pull names held states only in a pull from 0 and the pulls after it",
                   message.request_id());
    }
    auto& held = connection.held_digests;
    const std::size_t before = held.size();
    const std::size_t count = named.size() / kStateDigestBytes;
    if (before + count > limits_.max_held_digests) {
      return fatal(ErrorCode::kProtocol, "a pull from scratch names more than the " +
                                             std::to_string(limits_.max_held_digests) + " held states it may",
                   message.request_id());
    }
    // Kept sorted: each pull's digests are sorted and merged in.
    held.resize(before + count);
    for (std::size_t i = 0; i < count; ++i) {
      named.copy(reinterpret_cast<char*>(held[before + i].data()), kStateDigestBytes, i * kStateDigestBytes);
    }
    std::sort(held.begin() + static_cast<std::ptrdiff_t>(before), held.end());
    std::inplace_merge(held.begin(), held.begin() + static_cast<std::ptrdiff_t>(before), held.end());
  }
  // A pull from 0 holds the whole scope as of (at least) the head before its first page.
  const std::uint64_t head = after_seq == 0 ? store_->head() : 0;
  Principal who;
  {
    std::lock_guard lock(mutex_);
    who = current_principal(connection);  // read under the lock: account checks change it
    // A pull from after_seq says the replica applied everything up to it.
    auto& pulled = pulled_[*connection.replica];
    pulled.replica = *connection.replica;
    pulled.checkpoint = std::max(pulled.checkpoint, after_seq);
    if (after_seq == 0) {
      pulled.full_pull_seq = head;
      pulled.full_pull_scope = scope_key(who);
      take_resync_due(connection.id);  // this pull is in the current scope from the start
    }
  }
  // Outside the lock: a long page holds up no other connection. A change of scope
  // meanwhile marks this connection resync_due (it is not live), seen below.
  auto visible = [&](const RecordState& state) { return scope_.may_read(who, state); };
  const auto& held = connection.held_digests;
  // A state the replica holds already: its digest goes instead of its bytes. A page names up
  // to a frame of them besides its records (kHeldPerRecord times as many, at most): a
  // redelivery takes few round trips, and few messages against the rate limit.
  HeldStates holds;
  if (!held.empty()) {
    holds.check = [&](const StateDigest& d) { return std::binary_search(held.begin(), held.end(), d); };
    holds.limit = std::max<std::size_t>(1, std::min(page_budget_bytes(limits_) / kStateDigestBytes, kHeldPerRecord * limit));
  }
  ChangePage page = store_->changes_since(after_seq, limit, scope_.read_scope(who), visible, holds);
  proto::Envelope reply;
  reply.set_protocol_version(kProtocolVersion);
  reply.set_request_id(message.request_id());
  auto* batch = reply.mutable_batch();
  // A page also stays within max_frame_bytes, so that a client taking the welcome's limit
  // as its own can read it: records with long texts and many siblings are cut short by
  // bytes before they are by count. A single larger record still goes, alone. States and
  // held digests are taken in sequence order, so that the cut leaves nothing behind it.
  std::size_t bytes = 0;
  std::size_t next_state = 0;
  std::size_t next_held = 0;
  std::uint64_t last_seq = 0;
  while (next_state < page.states.size() || next_held < page.held.size()) {
    const bool take_held = next_state == page.states.size() ||
                           (next_held < page.held.size() && page.held_seqs[next_held] < page.seqs[next_state]);
    std::string record;
    if (!take_held) append_wire_state(record, page.states[next_state]);
    const std::size_t cost = take_held ? kStateDigestBytes : record.size() + kRecordFramingBytes;
    if (last_seq != 0 && bytes + cost > page_budget_bytes(limits_)) {
      page.to_seq = last_seq;
      page.more = true;
      break;
    }
    bytes += cost;
    if (take_held) {
      append_digest(*batch->mutable_unchanged(), page.held[next_held]);
      last_seq = page.held_seqs[next_held++];
    } else {
      batch->add_records(std::move(record));
      last_seq = page.seqs[next_state++];
    }
  }
  batch->set_to_seq(page.to_seq);
  batch->set_more(page.more);
  metrics_->pulled(static_cast<std::size_t>(batch->records_size()), batch->unchanged().size() / kStateDigestBytes);
  Reply out{{std::move(reply)}, false};
  if (page.more) return out;
  connection.held_digests = {};  // the pull from scratch is done: free them
  connection.pulling_from_scratch = false;
  bool resync = false;
  bool behind = false;
  {
    std::lock_guard lock(mutex_);
    if (take_resync_due(connection.id)) {
      resync = true;
    } else {
      // Caught up: from here on this connection gets every change after its page as live
      // batches. Passes already past its page's end owe it the changes in between.
      live_[connection.id] = LiveSubscriber{current_principal(connection), connection.sink, page.to_seq, {}};
      behind = page.to_seq < fanned_to_;
    }
  }
  if (resync) {
    // Its user's scope changed during this pull: resync, and be live after that.
    metrics_->resync_requested();
    out.messages.push_back(resync_batch(page.to_seq));
  }
  if (behind) request_fanout();
  return out;
}

void SyncService::flush_checkpoints() {
  std::vector<ReplicaCheckpoint> checkpoints;
  {
    std::lock_guard lock(mutex_);
    checkpoints.reserve(pulled_.size());
    for (const auto& [replica, noted] : pulled_) checkpoints.push_back(noted);
    pulled_.clear();
  }
  if (!checkpoints.empty()) store_->note_checkpoints(checkpoints);
}

TombstoneCollection SyncService::collect_tombstones(std::uint64_t horizon_ms) {
  flush_checkpoints();
  TombstoneCollection collected = store_->collect_tombstones(clock_->now_ms(), horizon_ms);
  metrics_->tombstones_collected(collected.records);
  return collected;
}

}  // namespace fieldsync::server
