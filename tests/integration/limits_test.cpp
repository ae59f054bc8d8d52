// Limits a hostile or buggy phone cannot break: records over the per-record limits are
// refused one by one, a live push near the frame limit keeps its connection, an absurd
// frame header gets a close frame, a flood of idle sockets is capped, and the store's
// files are private.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "fieldsync/core/error.hpp"
#include "server_fixture.hpp"

namespace fieldsync::testing {
namespace {

using boost::beast::websocket::close_code;
using Steady = std::chrono::steady_clock;

std::uint32_t code_of(ErrorCode code) { return static_cast<std::uint32_t>(code); }

// A customer's state as its phone made it, then grown by `extra_writers` concurrent values
// of `name` (each from a replica of its own) and `extra_replicas` more version-vector
// entries: what a buggy or hostile phone could push.
RecordState grown_customer(Replica& phone, UuidGenerator& ids, std::size_t extra_writers,
                           std::size_t extra_replicas) {
  const RecordId id = phone.create("customers", {{"name", Value("Grown")}, {"territory", Value("north")}});
  RecordState state = *phone.state("customers", id);
  FieldState* name = nullptr;
  for (auto& field : state.fields) {
    if (field.name == "name") name = &field;
  }
  const Hlc hlc = name->siblings.front().hlc;
  for (std::size_t i = 0; i < extra_writers; ++i) {
    const ReplicaId writer = ids.make_v4();
    state.vv.advance(writer, 1);
    name->siblings.push_back({Value("Name " + std::to_string(i)), Dot{writer, 1}, hlc});
  }
  for (std::size_t i = 0; i < extra_replicas; ++i) state.vv.advance(ids.make_v4(), 1);
  canonicalize(state);
  return state;
}

proto::Envelope push_of(const std::vector<RecordState>& states) {
  proto::Envelope message = envelope();
  for (const auto& state : states) append_wire_state(*message.mutable_push()->add_records(), state);
  return message;
}

class LimitsTest : public ServerTest {
 protected:
  SystemClock system_clock_;
  UuidGenerator ids_{system_clock_};
};

TEST_F(LimitsTest, TheWelcomeAnnouncesEveryLimitAClientMustRespect) {
  TestClient client(port(), sue_token_);
  Device device;
  const proto::Envelope reply = client.hello(device.id());
  ASSERT_TRUE(reply.has_welcome()) << reply.DebugString();
  const server::Limits defaults;
  const auto& welcome = reply.welcome();
  EXPECT_EQ(welcome.max_frame_bytes(), defaults.max_frame_bytes);
  EXPECT_EQ(welcome.max_batch_records(), defaults.max_batch_records);
  EXPECT_EQ(welcome.max_record_bytes(), defaults.max_record_bytes);
  EXPECT_EQ(welcome.max_siblings_per_field(), defaults.max_siblings_per_field);
  EXPECT_EQ(welcome.max_version_vector_entries(), defaults.max_version_vector_entries);
  EXPECT_EQ(welcome.max_messages_per_second(), defaults.max_messages_per_second);
  EXPECT_EQ(welcome.max_unanswered_messages(), defaults.max_unanswered_messages);
}

// 30 000 concurrent values of one field (some 2 MB): refused by its size before it is even
// decoded, while the record beside it is merged; the push is answered at once.
TEST_F(LimitsTest, ARecordOverTheByteLimitIsRefusedAloneAndFast) {
  Replica phone = Replica::open(":memory:", Schema::domain());
  const RecordId fine = phone.create("customers", {{"name", Value("Fine")}, {"territory", Value("north")}});
  const RecordState bomb = grown_customer(phone, ids_, 30'000, 0);
  proto::Envelope push = push_of({*phone.state("customers", fine), bomb});
  ASSERT_GT(push.push().records(1).size(), server::Limits{}.max_record_bytes);

  TestClient client(port(), sue_token_);
  ASSERT_TRUE(client.hello(phone.replica_id(), phone.counter()).has_welcome());
  const auto started = Steady::now();
  const proto::Envelope ack = client.request(push, 10s);
  const auto took = Steady::now() - started;
  ASSERT_TRUE(ack.has_ack()) << ack.DebugString();
  ASSERT_EQ(ack.ack().rejected_size(), 1) << ack.DebugString();
  EXPECT_EQ(ack.ack().rejected(0).index(), 1u);
  EXPECT_EQ(ack.ack().rejected(0).code(), code_of(ErrorCode::kTooLarge));
  EXPECT_NE(ack.ack().rejected(0).reason().find("bytes per record"), std::string::npos) << ack.DebugString();
  EXPECT_LT(took, 1s);

  const proto::Envelope page = client.pull(0);
  ASSERT_TRUE(page.has_batch());
  EXPECT_EQ(record_ids(page.batch()), std::vector<std::string>{fine.to_string()});
}

TEST_F(LimitsTest, RecordsOverTheSiblingOrVersionVectorLimitAreRefusedOneByOne) {
  start([](server::ServerConfig& c) {
    c.limits.max_siblings_per_field = 8;
    c.limits.max_version_vector_entries = 16;
  });
  Replica phone = Replica::open(":memory:", Schema::domain());
  const RecordId fine = phone.create("customers", {{"name", Value("Fine")}, {"territory", Value("north")}});
  const RecordState at_limits = grown_customer(phone, ids_, 7, 8);  // 8 values, 16 entries
  const RecordState siblings = grown_customer(phone, ids_, 8, 0);   // 9 values
  const RecordState context = grown_customer(phone, ids_, 0, 16);   // 17 entries

  TestClient client(port(), sue_token_);
  ASSERT_TRUE(client.hello(phone.replica_id(), phone.counter()).has_welcome());
  const proto::Envelope ack = client.request(push_of({siblings, *phone.state("customers", fine), context, at_limits}));
  ASSERT_TRUE(ack.has_ack()) << ack.DebugString();
  // The record at the limits passes the size checks; made up here of other replicas' writes
  // the server never received, it then meets the causality check (unverified_history), and
  // that is the only refusal it gets.
  ASSERT_EQ(ack.ack().rejected_size(), 3) << ack.DebugString();
  EXPECT_EQ(ack.ack().rejected(2).index(), 3u);
  EXPECT_EQ(ack.ack().rejected(2).code(), code_of(ErrorCode::kUnverifiedHistory)) << ack.DebugString();
  EXPECT_EQ(ack.ack().rejected(0).index(), 0u);
  EXPECT_EQ(ack.ack().rejected(0).code(), code_of(ErrorCode::kTooLarge));
  EXPECT_NE(ack.ack().rejected(0).reason().find("field 'name' has 9 concurrent values"), std::string::npos)
      << ack.DebugString();
  EXPECT_EQ(ack.ack().rejected(1).index(), 2u);
  EXPECT_EQ(ack.ack().rejected(1).code(), code_of(ErrorCode::kTooLarge));
  EXPECT_NE(ack.ack().rejected(1).reason().find("version vector has 17 entries"), std::string::npos)
      << ack.DebugString();

  const proto::Envelope page = client.pull(0);
  ASSERT_TRUE(page.has_batch());
  EXPECT_EQ(page.batch().records_size(), 1);  // the fine one
}

// 400 orders of 12 KB each (4000 three-byte characters of notes): 4.9 MB, within
// max_frame_bytes and max_batch_records. Pushed on a live connection, the commit's live
// batch must not overflow the pusher's send queue behind the ack.
TEST_F(LimitsTest, ALivePushNearTheFrameLimitIsAckedAndTheConnectionStays) {
  Replica phone = Replica::open(":memory:", Schema::domain());
  const RecordId customer = phone.create("customers", {{"name", Value("Big orders")}, {"territory", Value("north")}});
  std::string notes;
  for (int i = 0; i < 4000; ++i) notes += "\xE2\x82\xAC";  // the euro sign
  for (int i = 0; i < 400; ++i) {
    phone.create("orders", {{"order_number", Value("O-" + std::to_string(i))},
                            {"customer_id", Value(customer.to_string())},
                            {"territory", Value("north")},
                            {"notes", Value(notes)}});
  }
  std::vector<RecordState> states;
  for (const auto& entry : phone.outbox()) states.push_back(entry.state);
  const proto::Envelope push = push_of(states);
  ASSERT_GT(push.ByteSizeLong(), 4'800'000u);
  ASSERT_LT(push.ByteSizeLong(), server::Limits{}.max_frame_bytes);

  TestClient client(port(), sue_token_);
  ASSERT_TRUE(client.hello(phone.replica_id(), phone.counter()).has_welcome());
  const proto::Envelope caught_up = client.pull(0);
  ASSERT_TRUE(caught_up.has_batch());
  ASSERT_FALSE(caught_up.batch().more());  // live from here on

  const proto::Envelope ack = client.request(push, 20s);
  ASSERT_TRUE(ack.has_ack()) << ack.DebugString();
  EXPECT_EQ(ack.ack().rejected_size(), 0);
  // The pusher's live batch: it holds every state it pushed, so only the checkpoint moves.
  const proto::Envelope live = client.receive(10s);
  ASSERT_TRUE(live.has_batch()) << live.DebugString();
  EXPECT_EQ(live.request_id(), 0u);
  EXPECT_EQ(live.batch().records_size(), 0);
  EXPECT_EQ(live.batch().to_seq(), ack.ack().server_seq());

  // Still open and usable.
  proto::Envelope ping = envelope();
  ping.mutable_ping()->set_clock_ms(1);
  EXPECT_TRUE(client.request(ping).has_pong());
  EXPECT_TRUE(client.request(push, 20s).has_ack());
}

// The pusher's live batch keeps what the merge changed: a record another device edited
// concurrently comes back merged; a record the server took as pushed does not.
TEST_F(LimitsTest, APushersLiveBatchCarriesOnlyTheRecordsTheMergeChanged) {
  Replica a = Replica::open(":memory:", Schema::domain());
  Replica b = Replica::open(":memory:", Schema::domain());
  const RecordId shared = a.create("customers", {{"name", Value("Shared")}, {"territory", Value("north")}});
  TestClient a_client(port(), sue_token_);
  ASSERT_TRUE(a_client.hello(a.replica_id(), a.counter()).has_welcome());
  ASSERT_TRUE(a_client.request(push_of({*a.state("customers", shared)})).has_ack());
  ASSERT_FALSE(a_client.pull(0).batch().more());  // live

  // b edits the name, a the phone, concurrently; b pushes first.
  b.merge(std::vector<RecordState>{*a.state("customers", shared)});
  b.update("customers", shared, {{"name", Value("Shared, renamed")}});
  TestClient b_client(port(), sue_token_);
  ASSERT_TRUE(b_client.hello(b.replica_id(), b.counter()).has_welcome());
  ASSERT_TRUE(b_client.request(push_of({*b.state("customers", shared)})).has_ack());
  const proto::Envelope b_live = a_client.receive();  // b's commit, live; a does not apply it
  ASSERT_EQ(b_live.batch().records_size(), 1);

  a.update("customers", shared, {{"phone", Value("+49 30 1")}});
  const RecordId fresh = a.create("customers", {{"name", Value("Fresh")}, {"territory", Value("north")}});
  const RecordState pushed_shared = *a.state("customers", shared);
  const proto::Envelope ack = a_client.request(push_of({pushed_shared, *a.state("customers", fresh)}));
  ASSERT_TRUE(ack.has_ack()) << ack.DebugString();
  ASSERT_EQ(ack.ack().rejected_size(), 0);
  const proto::Envelope live = a_client.receive();
  ASSERT_TRUE(live.has_batch()) << live.DebugString();
  EXPECT_EQ(live.batch().to_seq(), ack.ack().server_seq());
  ASSERT_EQ(live.batch().records_size(), 1) << live.DebugString();
  const RecordState merged = decode_wire_state(live.batch().records(0));
  EXPECT_EQ(merged.id, shared);
  EXPECT_NE(merged, pushed_shared);
  EXPECT_EQ(merged.field("name")->siblings.front().value, Value("Shared, renamed"));
}

// --- raw sockets: what no well-behaved client library would send ---------------------

class RawSocket {
 public:
  // Connects to 127.0.0.1:port from `source` (another loopback address stands for another
  // remote host).
  RawSocket(std::uint16_t port, const char* source = "127.0.0.1") : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &from.sin_addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) {
      throw std::runtime_error("bind " + std::string(source) + ": " + std::strerror(errno));
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
      throw std::runtime_error("connect: " + std::string(std::strerror(errno)));
    }
  }
  ~RawSocket() { ::close(fd_); }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  void send_all(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send: " + std::string(std::strerror(errno)));
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  // Appends what arrives within `timeout` (at most `max` bytes); false once the peer closed
  // (EOF or reset).
  bool receive(std::string& out, std::chrono::milliseconds timeout, std::size_t max = 64 * 1024) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return true;  // nothing yet
    std::string chunk(max, '\0');
    const ssize_t n = ::recv(fd_, chunk.data(), chunk.size(), 0);
    if (n <= 0) return false;
    out.append(chunk.data(), static_cast<std::size_t>(n));
    return true;
  }
  // Whether the server closed the connection within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout) {
    const auto deadline = Steady::now() + timeout;
    std::string ignored;
    while (Steady::now() < deadline) {
      if (!receive(ignored, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now()))) {
        return true;
      }
    }
    return false;
  }

 private:
  int fd_;
};

// The WebSocket upgrade, by hand; returns what came after the 101 response's headers.
std::string raw_upgrade(RawSocket& socket, const std::string& token) {
  socket.send_all(
      "GET /sync HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
      "Authorization: Bearer " + token + "\r\n\r\n");
  std::string received;
  const auto deadline = Steady::now() + 3s;
  while (received.find("\r\n\r\n") == std::string::npos && Steady::now() < deadline) {
    if (!socket.receive(received, 100ms)) break;
  }
  const auto end = received.find("\r\n\r\n");
  if (received.rfind("HTTP/1.1 101", 0) != 0 || end == std::string::npos) {
    throw std::runtime_error("upgrade refused: " + received);
  }
  return received.substr(end + 4);
}

struct ServerFrame {
  unsigned opcode = 0;
  std::string payload;
};

// Complete unmasked frames at the front of `bytes` (the server's), consumed from it.
std::vector<ServerFrame> parse_frames(std::string& bytes) {
  std::vector<ServerFrame> frames;
  for (;;) {
    if (bytes.size() < 2) break;
    const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
    std::size_t length = b[1] & 0x7F;
    std::size_t header = 2;
    if (length == 126) {
      if (bytes.size() < 4) break;
      length = (std::size_t{b[2]} << 8) | b[3];
      header = 4;
    } else if (length == 127) {
      if (bytes.size() < 10) break;
      length = 0;
      for (int i = 0; i < 8; ++i) length = (length << 8) | b[2 + i];
      header = 10;
    }
    if (bytes.size() < header + length) break;
    frames.push_back({b[0] & 0x0Fu, bytes.substr(header, length)});
    bytes.erase(0, header + length);
  }
  return frames;
}

// A binary frame header that claims 32 MiB, four times the default max_frame_bytes, and not
// a byte of its payload: the server must answer from the header alone, with a close frame
// 1009 (message too big), not cut the TCP connection or wait for the payload.
TEST_F(LimitsTest, AFrameHeaderClaiming32MiBGetsACloseFrameWithCode1009) {
  RawSocket socket(port());
  std::string received = raw_upgrade(socket, sue_token_);
  std::string header = "\x82\xFF";  // FIN, binary; masked, 64-bit length
  const std::uint64_t claimed = 32ull * 1024 * 1024;
  for (int shift = 56; shift >= 0; shift -= 8) header += static_cast<char>((claimed >> shift) & 0xFF);
  header += std::string("\x01\x02\x03\x04", 4);  // masking key
  socket.send_all(header);
  socket.send_all(std::string(1024, 'x'));  // a little of the payload, as a real sender would

  std::vector<ServerFrame> frames;
  const auto deadline = Steady::now() + 5s;
  bool open = true;
  while (open && Steady::now() < deadline) {
    open = socket.receive(received, 100ms);
    for (auto& frame : parse_frames(received)) frames.push_back(std::move(frame));
    if (!frames.empty() && frames.back().opcode == 0x8) break;
  }
  ASSERT_FALSE(frames.empty()) << "the connection ended with no frame at all";
  const ServerFrame& close = frames.back();
  ASSERT_EQ(close.opcode, 0x8u) << "no close frame";
  ASSERT_GE(close.payload.size(), 2u);
  const unsigned code = (static_cast<unsigned char>(close.payload[0]) << 8) | static_cast<unsigned char>(close.payload[1]);
  EXPECT_EQ(code, 1009u) << close.payload.substr(2);
  EXPECT_NE(close.payload.find("too_large"), std::string::npos) << close.payload.substr(2);
  // The Error envelope before it says the same to a client that reads messages.
  ASSERT_GE(frames.size(), 2u);
  proto::Envelope error;
  ASSERT_TRUE(error.ParseFromString(frames[frames.size() - 2].payload));
  EXPECT_EQ(error.error().code(), code_of(ErrorCode::kTooLarge)) << error.DebugString();
  EXPECT_TRUE(error.error().fatal());
}

// 30 idle sockets from one address (127.0.0.2) against a cap of 8 per address and 16 in
// all: the excess is closed at once, and an authenticated client from another address still
// syncs, /healthz still answers at once. The remaining room (16 in all) is then filled from
// more addresses and the next connection is refused by the total cap.
TEST_F(LimitsTest, AFloodOfIdleSocketsIsCappedAndRealClientsStillSync) {
  start([](server::ServerConfig& c) {
    c.limits.max_connections = 16;
    c.limits.max_connections_per_address = 8;
    c.limits.handshake_timeout = 30s;  // idle sockets are not dropped by time during the test
  });
  TestClient early(port(), ana_token_);  // connected before the flood
  Device device;
  ASSERT_TRUE(early.hello(device.id()).has_welcome());

  std::vector<std::unique_ptr<RawSocket>> flood;
  for (int i = 0; i < 30; ++i) flood.push_back(std::make_unique<RawSocket>(port(), "127.0.0.2"));
  std::size_t refused = 0;
  for (auto& socket : flood) refused += socket->closed_within(300ms) ? 1 : 0;
  EXPECT_EQ(refused, 22u);

  const auto started = Steady::now();
  EXPECT_EQ(http_request(port(), "/healthz").status, 200);
  EXPECT_LT(Steady::now() - started, 1s);
  device.add_customer("Still served", "north");
  const proto::Envelope ack = early.request(device.push_outbox());
  ASSERT_TRUE(ack.has_ack()) << ack.DebugString();
  {
    TestClient late(port(), sue_token_);  // a new authenticated client from 127.0.0.1
    Device other;
    ASSERT_TRUE(late.hello(other.id()).has_welcome());
  }
  // The sessions of /healthz and `late` give their places back (however loaded the host).
  for (const auto deadline = Steady::now() + 10s; server_->open_connections() > 9 && Steady::now() < deadline;) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(server_->open_connections(), 9u) << "1 (early) + 8 (127.0.0.2)";

  // 1 (early) + 8 (127.0.0.2) open: 7 more from 127.0.0.3 fill the total of 16.
  std::vector<std::unique_ptr<RawSocket>> more;
  for (int i = 0; i < 7; ++i) more.push_back(std::make_unique<RawSocket>(port(), "127.0.0.3"));
  for (auto& socket : more) EXPECT_FALSE(socket->closed_within(100ms));
  RawSocket one_too_many(port(), "127.0.0.4");
  EXPECT_TRUE(one_too_many.closed_within(1s));

  const std::string metrics = server_->metrics().render();
  EXPECT_NE(metrics.find("fieldsync_connections_refused_total{reason=\"max_connections_per_address\"} 22"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("fieldsync_connections_refused_total{reason=\"max_connections\"} 1"), std::string::npos)
      << metrics;
}

// Services often start with a soft descriptor limit of 1024 under a far higher hard one.
TEST_F(LimitsTest, TheServerTakesEveryDescriptorTheSystemAllows) {
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_max == RLIM_INFINITY || limit.rlim_max <= 256) GTEST_SKIP() << "no finite hard limit to raise to";
  rlimit low = limit;
  low.rlim_cur = 256;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  start([](server::ServerConfig&) {});
  rlimit now{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &now), 0);
  EXPECT_EQ(now.rlim_cur, limit.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

unsigned mode_of(const std::filesystem::path& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) throw std::runtime_error("stat " + path.string() + ": " + std::strerror(errno));
  return st.st_mode & 0777;
}

// Created under the usual umask 022, the store's files are still readable by the server's
// user only: they hold token hashes, the audit log and every customer.
TEST_F(LimitsTest, TheStoresFilesAreReadableByTheServersUserOnly) {
  const mode_t old_umask = ::umask(022);
  server_.reset();
  std::filesystem::remove_all(data_dir_);
  start([](server::ServerConfig&) {});
  ::umask(old_umask);
  server_->store().add_user({"sue", server::Role::kSupervisor, {}});
  TestClient client(port(), issue("sue"));
  Device device;
  device.add_customer("Private", "north");
  ASSERT_TRUE(client.hello(device.id(), device.counter()).has_welcome());
  ASSERT_TRUE(client.request(device.push_outbox()).has_ack());

  EXPECT_EQ(mode_of(data_dir_), 0700u);
  const std::filesystem::path db = data_dir_ / "fieldsync-server.db";
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::filesystem::path file = db.string() + suffix;
    ASSERT_TRUE(std::filesystem::exists(file)) << file;
    EXPECT_EQ(mode_of(file), 0600u) << file;
  }
  const mode_t again = ::umask(022);
  const std::filesystem::path backup = data_dir_.string() + "-backup.db";
  server_->store().backup(backup);
  ::umask(again);
  EXPECT_EQ(mode_of(backup), 0600u);
  std::filesystem::remove(backup);
}

}  // namespace
}  // namespace fieldsync::testing
