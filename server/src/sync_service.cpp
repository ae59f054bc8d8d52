#include "fieldsync/server/sync_service.hpp"

#include <algorithm>

#include "fieldsync/core/client_sync.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/core/utf8.hpp"
#include "record_rules.hpp"

namespace fieldsync::server {
namespace {

Reply fatal(ErrorCode code, const std::string& text, std::uint64_t request_id = 0) {
  return Reply{{SyncService::error_message(code, text, true, request_id)}, true};
}

Reply refused(ErrorCode code, const std::string& text, std::uint64_t request_id) {
  return Reply{{SyncService::error_message(code, text, false, request_id)}, false};
}

std::uint64_t distance(std::uint64_t a, std::uint64_t b) { return a > b ? a - b : b - a; }

// A record in a batch costs its bytes plus a field tag and a length prefix; an envelope
// costs a few fields besides its records.
constexpr std::size_t kRecordFramingBytes = 6;
constexpr std::size_t kEnvelopeBytes = 64;

std::size_t page_budget_bytes(const Limits& limits) {
  return limits.max_frame_bytes > kEnvelopeBytes ? limits.max_frame_bytes - kEnvelopeBytes : 0;
}

}  // namespace

SyncService::SyncService(Store& store, const Schema& schema, Limits limits, Metrics& metrics, const Clock& clock)
    : store_(&store), schema_(&schema), limits_(limits), metrics_(&metrics), clock_(&clock), scope_(schema, store) {}

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
  if (token.empty()) throw Error(ErrorCode::kUnauthenticated, "no token: send 'Authorization: Bearer <token>'");
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
  return Connection{next_connection_++, std::move(principal), std::nullopt, std::move(sink), {}};
}

void SyncService::disconnect(const Connection& connection) {
  std::lock_guard lock(mutex_);
  live_.erase(connection.id);
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
  return reply;
}

Reply SyncService::hello(Connection& connection, const proto::Envelope& message) {
  const auto& hello = message.hello();
  auto replica = Uuid::from_bytes(hello.replica_id());
  if (!replica || replica->is_nil()) return fatal(ErrorCode::kProtocol, "hello: the replica id must be 16 bytes");
  const std::uint64_t now = clock_->now_ms();
  if (hello.client_clock_ms() && distance(hello.client_clock_ms(), now) > limits_.max_clock_skew_ms) {
    return fatal(ErrorCode::kClockSkew, "the device clock is " +
                                            std::to_string(distance(hello.client_clock_ms(), now) / 1000) +
                                            " s away from the server's; set the device's date and time");
  }
  const ReplicaCheck check =
      store_->register_replica(*replica, hello.replica_counter(), hello.replica_epoch(), hello.checkpoint(),
                               connection.principal.user);
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
  welcome->set_server_seq(store_->head());
  welcome->mutable_scope()->set_user(connection.principal.user);
  welcome->mutable_scope()->set_role(std::string(role_name(connection.principal.role)));
  for (const auto& t : connection.principal.territories) welcome->mutable_scope()->add_territories(t);
  welcome->set_max_frame_bytes(static_cast<std::uint32_t>(limits_.max_frame_bytes));
  welcome->set_max_batch_records(static_cast<std::uint32_t>(limits_.max_batch_records));
  welcome->set_replica_epoch(check.epoch);
  welcome->set_store_generation(store_->generation());
  welcome->set_collected_seq(store_->collected_seq());
  // A replica about to pull from 0 gets its whole scope anyway.
  if (hello.checkpoint() > 0 && scope_changed_since(connection.principal, full_pull_seq(*replica, check))) {
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
  proto::Envelope ack_message;
  ack_message.set_protocol_version(kProtocolVersion);
  ack_message.set_request_id(message.request_id());
  auto* ack = ack_message.mutable_ack();
  auto reject = [&](std::size_t index, ErrorCode code, const std::string& reason) {
    auto* r = ack->add_rejected();
    r->set_index(static_cast<std::uint32_t>(index));
    r->set_code(static_cast<std::uint32_t>(code));
    r->set_reason(to_valid_utf8(reason));  // it may quote the record's bytes
  };
  for (int i = 0; i < records.size(); ++i) {
    try {
      RecordState state = decode_wire_state(records[i]);
      for (const auto& f : state.fields) {
        for (const auto& s : f.siblings) {
          if (s.hlc.ms() > now + limits_.max_clock_skew_ms) {
            throw Error(ErrorCode::kClockSkew, "field '" + f.name + "' carries a time stamp in the future");
          }
        }
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
  auto check = [&](const RecordState& incoming, const RecordState* stored) -> std::optional<PushRefusal> {
    if (auto why = scope_.write_refusal(who, incoming, stored)) return PushRefusal{0, why->code(), why->what()};
    if (auto move = scope_.move_of(incoming, stored)) moving[{incoming.collection, incoming.id}] = std::move(*move);
    return std::nullopt;
  };
  PushContext context{who.user, *connection.replica, now, connection.epoch};

  // Declared before the lock: the sessions publish() reached are released after it.
  std::vector<std::shared_ptr<SessionSink>> delivered_to;
  std::lock_guard lock(mutex_);
  PushResult result = store_->push(context, states, check);
  const std::vector<TerritoryMove> moves = note_moves(moving, result.committed);
  for (const auto& refusal : result.refused) reject(wire_index[refusal.index], refusal.code, refusal.reason);
  ack->set_server_seq(result.head);
  metrics_->pushed(states.size() - result.refused.size(), static_cast<std::size_t>(ack->rejected_size()),
                   result.conflicts_opened);
  publish(result.committed, result.head, moves, delivered_to);
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
  const Principal who = connection.principal;
  auto visible = [&](const RecordState& state) { return scope_.may_read(who, state); };

  std::lock_guard lock(mutex_);
  // A pull from after_seq says the replica applied everything up to it.
  auto& pulled = pulled_[*connection.replica];
  pulled.replica = *connection.replica;
  pulled.checkpoint = std::max(pulled.checkpoint, message.pull().after_seq());
  if (message.pull().after_seq() == 0) pulled.full_pull_seq = store_->head();
  ChangePage page = store_->changes_since(message.pull().after_seq(), limit, visible);
  proto::Envelope reply;
  reply.set_protocol_version(kProtocolVersion);
  reply.set_request_id(message.request_id());
  auto* batch = reply.mutable_batch();
  // A page also stays within max_frame_bytes, so that a client taking the welcome's limit
  // as its own can read it: records with long texts and many siblings are cut short by
  // bytes before they are by count. A single larger record still goes, alone.
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < page.states.size(); ++i) {
    std::string record;
    append_wire_state(record, page.states[i]);
    if (i > 0 && bytes + record.size() + kRecordFramingBytes > page_budget_bytes(limits_)) {
      page.to_seq = page.seqs[i - 1];
      page.more = true;
      break;
    }
    bytes += record.size() + kRecordFramingBytes;
    batch->add_records(std::move(record));
  }
  batch->set_to_seq(page.to_seq);
  batch->set_more(page.more);
  if (!page.more) {
    // Caught up: from here on this connection gets every commit as a live batch.
    live_[connection.id] = LiveSubscriber{who, connection.sink};
  }
  metrics_->pulled(static_cast<std::size_t>(batch->records_size()));
  return Reply{{std::move(reply)}, false};
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

// The pusher's own connection, if live, gets its commits back like everyone else's, on
// purpose. A live batch's to_seq is the head after its commit: a connection skipped for
// its own commit n would move its checkpoint past n with the next batch it does get,
// without having applied the state the server stored at n (the merge of what it pushed
// with what the server held). Sending it back keeps every checkpoint contiguous: a
// connection only ever moves past commits it has applied, and merging a state it already
// holds changes nothing. The cost is one message per push to a live pusher.
//
// A connection whose scope the commit changed (a record moved into or out of its
// territories) gets `resync` and leaves the live set: it pulls from 0 and, caught up, is
// live again. Live batches meanwhile would move its checkpoint under that pull.
void SyncService::publish(const std::vector<CommittedChange>& committed, std::uint64_t head,
                          std::span<const TerritoryMove> moves, std::vector<std::shared_ptr<SessionSink>>& keep_alive) {
  if (committed.empty()) return;
  keep_alive.reserve(keep_alive.size() + live_.size());
  for (auto it = live_.begin(); it != live_.end();) {
    auto sink = it->second.sink.lock();
    if (!sink) {
      it = live_.erase(it);
      continue;
    }
    proto::Envelope message;
    message.set_protocol_version(kProtocolVersion);
    auto* batch = message.mutable_batch();
    for (const auto& change : committed) {
      if (scope_.may_read(it->second.principal, change.state)) append_wire_state(*batch->add_records(), change.state);
    }
    batch->set_to_seq(head);
    const bool resync = scope_changed_by(it->second.principal, moves);
    batch->set_resync(resync);
    if (resync) metrics_->resync_requested();
    if (batch->records_size() > 0 || resync) {
      metrics_->pulled(static_cast<std::size_t>(batch->records_size()));
      sink->deliver(std::move(message));
    }
    keep_alive.push_back(std::move(sink));  // released by the caller, after the lock
    it = resync ? live_.erase(it) : std::next(it);
  }
}

}  // namespace fieldsync::server
