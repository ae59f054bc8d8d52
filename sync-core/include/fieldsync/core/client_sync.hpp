#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/transport.hpp"

namespace fieldsync {

inline constexpr std::uint32_t kProtocolVersion = 1;

struct ClientSyncOptions {
  std::size_t push_batch = 500;  // records per push; the server's limit caps it
  std::uint32_t pull_batch = 0;  // 0: the server's batch limit
  bool live = false;             // stay connected and exchange changes as they happen
  std::string client_name = "fieldsync";
  // A pull from scratch (a first sync, a resync, a server restored) of at least this many
  // server changes is one bulk load (Replica::BulkLoad): one commit at its end with the
  // checkpoint, indexes built once. An interrupted one starts over. 0: never.
  std::uint64_t bulk_pull_min = 5000;
  // A bulk load stores its pages on a thread of its own while this one reads and decodes
  // the next (false: both on the caller's thread, as every other pull).
  bool bulk_store_thread = true;
  // A pull from 0 by a replica that holds records names them by digest (Pull.held_digests):
  // the server sends only the states that differ (false: it sends every state again).
  bool name_held_states = true;
};

struct ClientSyncStats {
  std::size_t pushed = 0;    // records acknowledged by the server
  std::size_t rejected = 0;  // records the server refused (kept in Replica::rejections())
  std::size_t held_back = 0;  // of those, refused as unverified_history: still queued for the next sync
  std::size_t pulled = 0;    // records received
  std::size_t unchanged = 0;  // held records a pull from 0 did not receive again (Batch.unchanged)
  std::uint64_t checkpoint = 0;
  std::uint64_t server_seq = 0;
  // The device clock measured against the server's at the handshake: true time minus the
  // device clock. The replica stamps with the corrected clock (Replica::correct_clock).
  std::int64_t clock_offset_ms = 0;
  // The server's bound: a device clock further off than this should be fixed by the user
  // (a warning, never a refusal). 0 until the welcome.
  std::uint64_t max_clock_skew_ms = 0;
  std::size_t restamped = 0;  // stamps of unpushed edits corrected before pushing them
  bool clock_wrong() const {
    const std::uint64_t off = clock_offset_ms < 0 ? static_cast<std::uint64_t>(-clock_offset_ms)
                                                  : static_cast<std::uint64_t>(clock_offset_ms);
    return max_clock_skew_ms > 0 && off > max_clock_skew_ms;
  }
  std::string user;
  std::string role;
  std::vector<std::string> territories;
  bool server_restored = false;  // the server's store was restored: everything was re-sent
  // The server had collected tombstones this replica never pulled: it pulled everything
  // in its scope from the start and forgot the records the server no longer holds.
  bool resynced = false;
  std::size_t forgotten = 0;  // records removed by that resync
  bool bulk_loaded = false;   // the pull from scratch was one bulk load (ClientSyncOptions::bulk_pull_min)
};

// A pushed record costs its bytes plus a field tag and a length prefix (at most 6 bytes
// for any size a frame can hold); a push envelope costs a few fields besides its records.
inline constexpr std::size_t kPushRecordFramingBytes = 6;
inline constexpr std::size_t kPushEnvelopeBytes = 64;

// The limits a server announced in its welcome (0: not announced, no limit known).
struct ServerLimits {
  std::size_t max_frame_bytes = 0;
  std::size_t max_batch_records = 0;
  std::size_t max_record_bytes = 0;
  std::size_t max_siblings_per_field = 0;
  std::size_t max_version_vector_entries = 0;
  std::size_t max_held_digests = 0;  // 0: name no held states

  // Why the server would refuse this record (its serialised state is `wire_bytes` long).
  std::optional<std::string> refusal(const RecordState& state, std::size_t wire_bytes) const;
  // Whether a push stays within max_frame_bytes with `record_bytes` of records: the
  // records so far with their framing, plus the bare bytes of one more.
  bool fits(std::size_t record_bytes) const;
};

// The client side of the sync protocol for one connection, free of any I/O: it reacts to
// the transport's events and sends Envelopes through it. Handshake, then push the outbox
// in batches (one in flight), then pull to the server's head; in live mode it then applies
// the server's live batches and pushes local edits as they come.
// Not thread-safe: call it from the thread that owns the Replica. (A bulk load stores its
// pages on a thread of its own, and is back on the caller's before any other use.)
class PageWriter;
struct PulledPage;

class ClientSync {
 public:
  enum class Phase { kConnecting, kHandshake, kPushing, kPulling, kLive, kDone, kFailed };

  ClientSync(Replica& replica, Transport& transport, ClientSyncOptions options = {});
  ClientSync(const ClientSync&) = delete;
  ClientSync& operator=(const ClientSync&) = delete;
  ~ClientSync();

  // The transport is connected: say hello.
  void on_open();
  // A message from the server. Errors in it end the sync (phase kFailed, error()).
  void on_message(const proto::Envelope& message);
  // Local edits were made: push them now if connected and no push is in flight.
  void on_local_change();
  // A bulk load stores its pages but the last on a thread of its own
  // (ClientSyncOptions::bulk_store_thread): until this returns, the Replica is that
  // thread's. Waits until the pages handed over so far are stored; the caller may then use
  // the Replica on this thread until the next message is handled. A page that could not be
  // stored fails the sync (error()).
  void settle();
  // The transport is gone (network loss, server restart). Nothing is lost: unacked
  // edits stay in the outbox and the checkpoint is where the last applied batch left it.
  void on_closed();

  Phase phase() const { return phase_; }
  // Pushed everything and pulled to the head at least once.
  bool caught_up() const { return caught_up_; }
  const std::optional<Error>& error() const { return error_; }
  const ClientSyncStats& stats() const { return stats_; }

 private:
  void send(proto::Envelope message);
  void push_or_pull();
  void pull(std::uint64_t after_seq);
  void fail(ErrorCode code, const std::string& message);
  void handle_welcome(const proto::Welcome& welcome);
  void handle_ack(const proto::Ack& ack);
  void handle_batch(const proto::Envelope& message);
  // One pulled page and its checkpoint in one transaction (inside a bulk load: its part).
  // Returns the records a finished resync forgot.
  std::size_t store_page(PulledPage& page, bool resync_done, bool resync_asked);
  std::size_t finish_resync();
  void refuse_locally(const std::vector<std::pair<OutboxAck, std::string>>& refused);

  Replica* replica_;
  Transport* transport_;
  ClientSyncOptions options_;
  Phase phase_ = Phase::kConnecting;
  bool caught_up_ = false;
  std::optional<Error> error_;
  ClientSyncStats stats_;
  std::uint64_t next_request_ = 1;
  std::uint64_t push_request_ = 0;  // request id of the push in flight, 0 if none
  std::uint64_t pull_request_ = 0;
  std::vector<OutboxAck> in_flight_;
  // The states in flight of records refused before: accepted, they are what the server
  // now holds of them too (Replica::note_server_states). Keyed like held_back_.
  std::unordered_map<std::string, RecordState> in_flight_refused_before_;
  ServerLimits server_limits_;
  std::uint64_t hello_device_ms_ = 0;  // the device clock when the hello went out
  // Resync from scratch: wanted (the welcome said so, or an earlier one did not finish),
  // then under way, with the records the full pull has brought so far.
  bool resync_wanted_ = false;
  bool resyncing_ = false;
  // The replica held records when the resync started: those the full pull does not bring
  // are forgotten at its end, so the records it brings are tallied (Replica::tally_pulled,
  // on disk, not in memory). A fresh replica (a first sync after the server collected
  // tombstones) has nothing to forget and tallies nothing.
  bool resync_forgets_ = false;
  // The digests of the states held when the pull from scratch under way began that its
  // pulls have not named yet (each pull names what fits in a frame).
  std::string held_digests_;
  void name_held_states(proto::Pull& pull);
  // Hashes each received state's bytes as they are decoded: the replica stores the digest.
  StateDigester digest_of_;
  // The pull under way is a bulk load: it commits with the last page.
  std::optional<Replica::BulkLoad> bulk_;
  // Stores the bulk load's pages but the last (ClientSyncOptions::bulk_store_thread). After
  // bulk_, so that it stops before the load is rolled back.
  std::unique_ptr<PageWriter> writer_;
  void end_bulk_load() noexcept;
  // Records refused as unverified_history in this session: they stay in the outbox for the
  // next sync (the writes they carry may reach the server meanwhile), but are not pushed
  // again in this one, so the push loop does not spin on them.
  std::unordered_set<std::string> held_back_;
};

std::string_view phase_name(ClientSync::Phase phase);

}  // namespace fieldsync
