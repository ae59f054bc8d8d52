#include "fieldsync/core/client_sync.hpp"

#include <algorithm>
#include <charconv>

#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/core/state_digest.hpp"
#include "page_writer.hpp"

namespace fieldsync {
namespace {

constexpr std::string_view kCheckpointSetting = "sync.checkpoint";
constexpr std::string_view kEpochSetting = "sync.replica_epoch";
constexpr std::string_view kGenerationSetting = "sync.store_generation";
// Set while a resync from scratch is due or under way: a crash in the middle starts it over.
constexpr std::string_view kResyncSetting = "sync.resync";

std::string record_key(std::string_view collection, const RecordId& id) {
  std::string key(collection);
  key += '\0';
  key += id.raw();
  return key;
}

std::uint64_t stored_checkpoint(const Replica& replica) {
  auto text = replica.setting(kCheckpointSetting);
  std::uint64_t value = 0;
  if (text) std::from_chars(text->data(), text->data() + text->size(), value);
  return value;
}

// What the server says it holds of a refused record (Rejection.current), checked as a
// pulled state is: bytes that do not decode, or a state that is not valid here or is
// another record's, throw Error. Absent: not known (an older server, or no room in the ack).
ServerCopy server_copy_of(const proto::Rejection& rejection, const OutboxAck& refused, const Schema& schema) {
  ServerCopy copy;
  if (!rejection.has_current()) return copy;
  copy.known = true;
  if (rejection.current().empty()) return copy;  // the server holds none the user may read
  RecordState state = decode_wire_state(rejection.current());
  validate_state(schema, state);
  if (state.collection != refused.collection || state.id != refused.id) {
    throw Error(ErrorCode::kProtocol, "it is the state of " + state.collection + " " + state.id.to_string());
  }
  copy.state = std::move(state);
  return copy;
}

}  // namespace

std::string_view phase_name(ClientSync::Phase phase) {
  switch (phase) {
    case ClientSync::Phase::kConnecting: return "connecting";
    case ClientSync::Phase::kHandshake: return "handshake";
    case ClientSync::Phase::kPushing: return "pushing";
    case ClientSync::Phase::kPulling: return "pulling";
    case ClientSync::Phase::kLive: return "live";
    case ClientSync::Phase::kDone: return "done";
    case ClientSync::Phase::kFailed: return "failed";
  }
  return "unknown";
}

ClientSync::ClientSync(Replica& replica, Transport& transport, ClientSyncOptions options)
    : replica_(&replica), transport_(&transport), options_(std::move(options)) {
  stats_.checkpoint = stored_checkpoint(replica);
}

ClientSync::~ClientSync() { end_bulk_load(); }

void ClientSync::settle() {
  if (!writer_) return;
  try {
    writer_->wait_idle();
  } catch (const Error& e) {
    fail(e.code(), e.what());
  }
}

void ClientSync::send(proto::Envelope message) {
  message.set_protocol_version(kProtocolVersion);
  transport_->send(std::move(message));
}

void ClientSync::on_open() {
  phase_ = Phase::kHandshake;
  proto::Envelope message;
  auto* hello = message.mutable_hello();
  hello->set_replica_id(std::string(replica_->replica_id().raw()));
  hello->set_replica_counter(replica_->counter());
  hello->set_checkpoint(stats_.checkpoint);
  hello_device_ms_ = replica_->device_now_ms();
  hello->set_client_clock_ms(hello_device_ms_);
  hello->set_client_name(options_.client_name);
  hello->set_replica_epoch(replica_->setting(kEpochSetting).value_or(""));
  send(std::move(message));
}

void ClientSync::on_message(const proto::Envelope& message) {
  if (phase_ == Phase::kFailed || phase_ == Phase::kDone) return;
  if (message.protocol_version() != kProtocolVersion) {
    return fail(ErrorCode::kUnsupportedVersion,
                "the server speaks protocol version " + std::to_string(message.protocol_version()));
  }
  try {
    // Anything but a page waits until the pages before it are stored: it may use the replica.
    if (message.body_case() != proto::Envelope::kBatch) {
      settle();
      if (phase_ == Phase::kFailed) return;  // a page before it could not be stored
    }
    switch (message.body_case()) {
      case proto::Envelope::kWelcome:
        if (phase_ != Phase::kHandshake) return fail(ErrorCode::kProtocol, "welcome outside the handshake");
        return handle_welcome(message.welcome());
      case proto::Envelope::kAck:
        if (message.request_id() != push_request_ || push_request_ == 0) {
          return fail(ErrorCode::kProtocol, "an ack for no push in flight");
        }
        return handle_ack(message.ack());
      case proto::Envelope::kBatch: return handle_batch(message);
      case proto::Envelope::kError: {
        const auto code = static_cast<ErrorCode>(message.error().code());
        if (code == ErrorCode::kReplicaIdReused) {
          // This database was restored or copied: never write with that id again.
          const ReplicaId fresh = replica_->take_new_replica_id();
          replica_->set_setting(kEpochSetting, "");  // the new id has had no welcome yet
          return fail(code, message.error().message() + "; took the new replica id " + fresh.to_string() +
                                " and re-stamped the unpushed edits: sync again");
        }
        return fail(code, message.error().message());
      }
      case proto::Envelope::kPing: {
        proto::Envelope pong;
        pong.set_request_id(message.request_id());
        pong.mutable_pong()->set_clock_ms(message.ping().clock_ms());
        return send(std::move(pong));
      }
      case proto::Envelope::kPong: return;
      default: return fail(ErrorCode::kProtocol, "unexpected message from the server");
    }
  } catch (const Error& e) {
    fail(e.code(), e.what());
  }
}

void ClientSync::handle_welcome(const proto::Welcome& welcome) {
  stats_.server_seq = welcome.server_seq();
  // The server read its clock between our hello and this welcome: compare it with the
  // middle of that round trip, so that network delay does not count as skew.
  const std::uint64_t device_now = replica_->device_now_ms();
  const std::uint64_t midpoint = hello_device_ms_ + (std::max(device_now, hello_device_ms_) - hello_device_ms_) / 2;
  stats_.clock_offset_ms =
      static_cast<std::int64_t>(welcome.server_clock_ms()) - static_cast<std::int64_t>(midpoint);
  stats_.max_clock_skew_ms = welcome.max_clock_skew_ms();
  stats_.user = welcome.scope().user();
  stats_.role = welcome.scope().role();
  stats_.territories.assign(welcome.scope().territories().begin(), welcome.scope().territories().end());
  server_limits_ = ServerLimits{welcome.max_frame_bytes(),        welcome.max_batch_records(),
                                welcome.max_record_bytes(),       welcome.max_siblings_per_field(),
                                welcome.max_version_vector_entries(), welcome.max_held_digests()};
  replica_->transaction([&] {
    // Before anything is pushed: unpushed edits stamped by a wrong clock are corrected.
    stats_.restamped += replica_->correct_clock(stats_.clock_offset_ms).restamped;
    replica_->set_setting(kEpochSetting, welcome.replica_epoch());
    replica_->set_setting(kSignedInUserSetting, welcome.scope().user());
    replica_->set_setting(kSignedInRoleSetting, welcome.scope().role());
    std::string territories;
    for (const auto& territory : welcome.scope().territories()) territories += (territories.empty() ? "" : ",") + territory;
    replica_->set_setting(kSignedInTerritoriesSetting, territories);
    const auto known = replica_->setting(kGenerationSetting);
    if (known && !known->empty() && *known != welcome.store_generation()) {
      // The server was restored from a backup: it may lack writes it acknowledged, and its
      // sequence numbers start over. Everything goes back up, and the pull starts afresh.
      replica_->requeue_all();
      replica_->set_setting(kCheckpointSetting, "0");
      stats_.checkpoint = 0;
      stats_.server_restored = true;
    }
    replica_->set_setting(kGenerationSetting, welcome.store_generation());
    // The server collected tombstones this replica has not pulled yet (deletes it would
    // never hear of), or records moved into or out of its territories (pulls by sequence
    // would neither drop them nor bring their history). Its edits go up first, as always;
    // then it pulls from scratch.
    if (stats_.checkpoint < welcome.collected_seq() || welcome.resync()) {
      replica_->set_setting(kResyncSetting, "1");
    }
    resync_wanted_ = replica_->setting(kResyncSetting).value_or("") == "1";
  });
  push_or_pull();
}

void ClientSync::on_local_change() {
  if (phase_ == Phase::kLive) push_or_pull();
}

void ClientSync::push_or_pull() {
  if (push_request_ || pull_request_) return;  // one request in flight at a time
  std::size_t limit = options_.push_batch;
  if (server_limits_.max_batch_records && server_limits_.max_batch_records < limit) {
    limit = server_limits_.max_batch_records;
  }
  // Records held back in this session sort among the others: read past them.
  auto next_entries = [&] {
    auto entries = replica_->outbox_for_push(held_back_.empty() ? limit : limit + held_back_.size());
    std::erase_if(entries, [&](const OutboxEntry& entry) {
      return held_back_.contains(record_key(entry.state.collection, entry.state.id));
    });
    if (entries.size() > limit) entries.resize(limit);
    return entries;
  };
  // Each round either sends a push or refuses at least one record here; the outbox shrinks.
  for (auto entries = next_entries(); !entries.empty(); entries = next_entries()) {
    proto::Envelope message;
    auto* push = message.mutable_push();
    std::vector<OutboxAck> records;
    std::vector<std::pair<OutboxAck, std::string>> refused;
    std::size_t bytes = 0;
    std::unordered_set<std::string> refused_before;
    for (const auto& rejection : replica_->rejections()) {
      refused_before.insert(record_key(rejection.collection, rejection.id));
    }
    in_flight_refused_before_.clear();
    for (auto& entry : entries) {
      std::string record;
      append_wire_state(record, entry.state);
      OutboxAck ack{entry.state.collection, entry.state.id, entry.change};
      if (auto why = server_limits_.refusal(entry.state, record.size())) {
        refused.emplace_back(std::move(ack), std::move(*why));
        continue;
      }
      // A push stays within the server's max_frame_bytes, which would otherwise close the
      // connection: cut by bytes as well as by count.
      if (!records.empty() && !server_limits_.fits(bytes + record.size())) break;
      bytes += record.size() + kPushRecordFramingBytes;
      push->add_records(std::move(record));
      if (const auto key = record_key(ack.collection, ack.id); refused_before.contains(key)) {
        in_flight_refused_before_[key] = entry.state;
      }
      records.push_back(std::move(ack));
    }
    if (!refused.empty()) refuse_locally(refused);
    if (records.empty()) continue;
    push_request_ = next_request_++;
    message.set_request_id(push_request_);
    in_flight_ = std::move(records);
    phase_ = Phase::kPushing;
    return send(std::move(message));
  }
  if (!caught_up_) {
    if (resync_wanted_ && !resyncing_) {
      resyncing_ = true;
      resync_forgets_ = replica_->last_seq() != 0;
      if (resync_forgets_) replica_->start_pull_tally();
      stats_.checkpoint = 0;
    }
    if (stats_.checkpoint == 0 && !bulk_ && options_.bulk_pull_min &&
        stats_.server_seq >= options_.bulk_pull_min) {
      bulk_.emplace(replica_->start_bulk_load());
      if (options_.bulk_store_thread) {
        writer_ = std::make_unique<PageWriter>([this](PulledPage& page) { store_page(page, false, false); });
      }
    }
    return pull(stats_.checkpoint);
  }
  if (options_.live) {
    phase_ = Phase::kLive;
  } else {
    phase_ = Phase::kDone;
    transport_->close();
  }
}

void ClientSync::pull(std::uint64_t after_seq) {
  proto::Envelope message;
  pull_request_ = next_request_++;
  message.set_request_id(pull_request_);
  message.mutable_pull()->set_after_seq(after_seq);
  message.mutable_pull()->set_max_records(options_.pull_batch);
  if (after_seq == 0) {
    held_digests_.clear();
    if (options_.name_held_states && replica_->last_seq() != 0 && server_limits_.max_held_digests) {
      held_digests_ = replica_->held_state_digests(server_limits_.max_held_digests);
    }
  }
  name_held_states(*message.mutable_pull());
  phase_ = Phase::kPulling;
  send(std::move(message));
}

// The next of the held states' digests that fit in this pull's message; the rest go with
// the pulls after it. A page the server reads before the pull naming one of its states
// sends that state in full: correct, only not spared.
void ClientSync::name_held_states(proto::Pull& pull) {
  if (held_digests_.empty()) return;
  const std::size_t room = server_limits_.max_frame_bytes > kPushEnvelopeBytes
                               ? (server_limits_.max_frame_bytes - kPushEnvelopeBytes) / kStateDigestBytes *
                                     kStateDigestBytes
                               : held_digests_.size();
  const std::size_t take = std::min(room, held_digests_.size());
  pull.set_held_digests(held_digests_.substr(0, take));
  held_digests_.erase(0, take);
  if (held_digests_.empty()) held_digests_.shrink_to_fit();  // all named: free them
}

// A record the server would refuse for its size: refused here as the server would (it
// leaves the outbox, the refusal is kept for the user), instead of being sent. One larger
// than a whole frame would otherwise cost the connection every time it was pushed.
void ClientSync::refuse_locally(const std::vector<std::pair<OutboxAck, std::string>>& refused) {
  std::vector<OutboxAck> acks;
  replica_->transaction([&] {
    for (const auto& [ack, reason] : refused) {
      replica_->record_rejection(ack.collection, ack.id, ErrorCode::kTooLarge, reason);
      acks.push_back(ack);
    }
    replica_->acknowledge(acks);
  });
  stats_.rejected += refused.size();
}

std::optional<std::string> ServerLimits::refusal(const RecordState& state, std::size_t wire_bytes) const {
  const std::size_t frame_room = max_frame_bytes > kPushEnvelopeBytes ? max_frame_bytes - kPushEnvelopeBytes : 0;
  if (max_record_bytes && wire_bytes > max_record_bytes) {
    return "the record is " + std::to_string(wire_bytes) + " bytes, over the server's limit of " +
           std::to_string(max_record_bytes) + " bytes per record";
  }
  if (max_frame_bytes && wire_bytes + kPushRecordFramingBytes > frame_room) {
    return "the record is " + std::to_string(wire_bytes) + " bytes, more than a message to the server may hold (" +
           std::to_string(max_frame_bytes) + " bytes)";
  }
  if (max_version_vector_entries && state.vv.entries().size() > max_version_vector_entries) {
    return "the record's version vector has " + std::to_string(state.vv.entries().size()) +
           " entries, over the server's limit of " + std::to_string(max_version_vector_entries);
  }
  for (const auto& field : state.fields) {
    if (max_siblings_per_field && field.siblings.size() > max_siblings_per_field) {
      return "field '" + field.name + "' has " + std::to_string(field.siblings.size()) +
             " concurrent values, over the server's limit of " + std::to_string(max_siblings_per_field);
    }
  }
  return std::nullopt;
}

bool ServerLimits::fits(std::size_t record_bytes) const {
  if (!max_frame_bytes) return true;
  return record_bytes + kPushRecordFramingBytes + kPushEnvelopeBytes <= max_frame_bytes;
}

void ClientSync::handle_ack(const proto::Ack& ack) {
  push_request_ = 0;
  std::vector<bool> keep(in_flight_.size(), false);
  std::vector<bool> refused(in_flight_.size(), false);
  std::optional<Error> malformed;  // the first server copy that could not be taken
  replica_->transaction([&] {
    for (const auto& rejection : ack.rejected()) {
      if (rejection.index() >= in_flight_.size()) throw Error(ErrorCode::kProtocol, "an ack rejects a record never pushed");
      const auto& entry = in_flight_[rejection.index()];
      const auto code = static_cast<ErrorCode>(rejection.code());
      refused[rejection.index()] = true;
      ServerCopy server;
      try {
        server = server_copy_of(rejection, entry, replica_->schema());
      } catch (const Error& e) {
        // Kept as a refusal whose server copy is not known, and queued: the edit is not
        // lost, and a later sync may bring a copy that can be taken.
        if (!malformed) {
          malformed = Error(e.code(), "the server's copy of refused " + entry.collection + " " + entry.id.to_string() +
                                          " is malformed: " + e.what());
        }
        keep[rejection.index()] = true;
        held_back_.insert(record_key(entry.collection, entry.id));
      }
      // Refused records leave the outbox (the server will never take them), but the
      // refusal is kept for the user to see, with the server's copy that dismissing it
      // brings back: nothing is dropped silently. One refused for writes of others the
      // server does not hold yet (relayed through change files) stays queued: once their
      // author has synced, the same state is accepted.
      replica_->record_rejection(entry.collection, entry.id, code, rejection.reason(), server);
      if (code == ErrorCode::kUnverifiedHistory) {
        keep[rejection.index()] = true;
        held_back_.insert(record_key(entry.collection, entry.id));
        ++stats_.held_back;
      }
    }
    std::vector<OutboxAck> done;
    std::vector<RecordState> accepted_after_refusal;
    for (std::size_t i = 0; i < in_flight_.size(); ++i) {
      if (keep[i]) continue;
      done.push_back(in_flight_[i]);
      // Accepted at last: an earlier refusal of the kind above is settled.
      replica_->clear_rejection(in_flight_[i].collection, in_flight_[i].id, ErrorCode::kUnverifiedHistory);
      if (refused[i]) continue;
      auto it = in_flight_refused_before_.find(record_key(in_flight_[i].collection, in_flight_[i].id));
      if (it != in_flight_refused_before_.end()) accepted_after_refusal.push_back(std::move(it->second));
    }
    // What a refused record's server copy lacks: the server merged these states.
    replica_->note_server_states(accepted_after_refusal);
    replica_->acknowledge(done);
  });
  stats_.rejected += static_cast<std::size_t>(ack.rejected_size());
  stats_.pushed += in_flight_.size() - static_cast<std::size_t>(ack.rejected_size());
  stats_.server_seq = std::max(stats_.server_seq, ack.server_seq());
  in_flight_.clear();
  in_flight_refused_before_.clear();
  if (malformed) return fail(malformed->code(), malformed->what());
  push_or_pull();
}

void ClientSync::handle_batch(const proto::Envelope& message) {
  const bool reply = message.request_id() != 0;
  if (reply && message.request_id() != pull_request_) {
    return fail(ErrorCode::kProtocol, "a batch for no pull in flight");
  }
  const auto& batch = message.batch();
  const std::uint64_t checkpoint = std::max(stats_.checkpoint, batch.to_seq());
  if (reply) {
    pull_request_ = 0;
    // Ask for the next page before applying this one, so that the server reads and sends
    // it while this replica merges. If applying fails, the connection ends and the reply
    // is never used: the stored checkpoint still says where to resume.
    if (batch.more()) {
      pull(checkpoint);
    } else {
      // The pull is done: a digest not named by now is not named at all.
      held_digests_ = {};
    }
  }
  if (batch.unchanged().size() % kStateDigestBytes != 0) {
    return fail(ErrorCode::kProtocol, "a batch names unchanged states in a digest list of the wrong length");
  }
  PulledPage page;
  page.checkpoint = checkpoint;
  page.states.reserve(static_cast<std::size_t>(batch.records_size()));
  page.digests.reserve(static_cast<std::size_t>(batch.records_size()));
  for (const auto& record : batch.records()) {
    page.states.push_back(decode_wire_state(record));
    page.digests.push_back(digest_of_(record));  // stored with the row (Replica::merge)
  }
  page.unchanged = batch.unchanged();
  const bool resync_done = resyncing_ && reply && !batch.more();
  // A live batch saying a record moved into or out of this replica's territories.
  const bool resync_asked = !reply && batch.resync();
  stats_.pulled += page.states.size();
  stats_.unchanged += page.unchanged.size() / kStateDigestBytes;
  std::size_t forgotten = 0;
  if (writer_ && reply && batch.more()) {
    // A page of a bulk load but its last: stored on the writer's thread while this one
    // reads and decodes the next.
    writer_->submit(std::move(page));
  } else {
    if (writer_) writer_->wait_idle();
    forgotten = store_page(page, resync_done, resync_asked);
    if (bulk_ && reply && !batch.more()) {
      writer_.reset();
      bulk_->finish();
      bulk_.reset();
      stats_.bulk_loaded = true;
    }
  }
  if (resync_done) {
    resyncing_ = false;
    resync_wanted_ = false;
    stats_.resynced = true;
    stats_.forgotten += forgotten;
  }
  stats_.checkpoint = checkpoint;
  stats_.server_seq = std::max(stats_.server_seq, checkpoint);
  if (resync_asked) {
    // The server took this connection out of its live set: resync now, after whatever
    // push is in flight.
    resync_wanted_ = true;
    caught_up_ = false;
    if (phase_ == Phase::kLive) push_or_pull();
    return;
  }
  if (!reply) return;          // a live batch: nothing else to do
  if (batch.more()) return;    // the next page is on its way
  caught_up_ = !resync_wanted_;  // a resync asked for during this pull starts now
  push_or_pull();
}

std::size_t ClientSync::store_page(PulledPage& page, bool resync_done, bool resync_asked) {
  std::size_t forgotten = 0;
  // The batch and its checkpoint commit together: a crash resumes from the checkpoint.
  replica_->transaction([&] {
    replica_->merge(page.states, MergeDetail::kCounts, {}, page.digests);
    if (resyncing_ && resync_forgets_) {
      replica_->tally_pulled(page.states);
      replica_->tally_unchanged(page.unchanged);
    }
    replica_->note_server_states(page.states);
    replica_->set_setting(kCheckpointSetting, std::to_string(page.checkpoint));
    if (resync_done) forgotten = finish_resync();
    if (resync_asked) replica_->set_setting(kResyncSetting, "1");
  });
  return forgotten;
}

// The full pull is in (same transaction as its last page): whatever this replica holds that
// the server did not send is gone from the server (a collected tombstone) or out of scope.
// Returns how many records went.
std::size_t ClientSync::finish_resync() {
  std::size_t forgotten = 0;
  // A replica that held nothing before the pull holds only what it brought.
  if (resync_forgets_) forgotten = replica_->forget_untallied();
  replica_->set_setting(kResyncSetting, "");
  return forgotten;
}

void ClientSync::on_closed() {
  if (phase_ != Phase::kDone && phase_ != Phase::kFailed) {
    fail(ErrorCode::kIo, "the connection to the server closed during " + std::string(phase_name(phase_)));
  }
  push_request_ = 0;
  pull_request_ = 0;
  in_flight_.clear();
  in_flight_refused_before_.clear();
  end_bulk_load();
}

void ClientSync::fail(ErrorCode code, const std::string& message) {
  phase_ = Phase::kFailed;
  error_ = Error(code, message);
  end_bulk_load();
  transport_->close();
}

// A bulk load that did not reach its last page is rolled back: the replica is where it was
// before the pull, and so is its checkpoint (the next sync starts the pull over).
void ClientSync::end_bulk_load() noexcept {
  writer_.reset();  // first: it may be storing a page of the load
  if (!bulk_) return;
  bulk_.reset();
  stats_.checkpoint = stored_checkpoint(*replica_);
}

}  // namespace fieldsync
