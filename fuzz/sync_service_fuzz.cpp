// The server's read path: one frame of arbitrary bytes, fed to the sans-IO SyncService
// (server/include/fieldsync/server/sync_service.hpp) after a valid hello, over the embedded
// SqliteStore in a temporary directory with a supervisor and a rep set up once.
// The frame is sent as the supervisor, or as the rep (territory north) when it parses as
// an Envelope with an odd request_id. A frame that pushes is followed by a pull of the
// changes it committed. Findings:
//   - anything thrown out of handle_frame (it promises never to throw), a crash, a
//     sanitizer report;
//   - a reply that is not a well-formed Envelope: protocol version 1, a body, serialises and
//     parses back to the same bytes, a request's id echoed, a known error code;
//   - an error of code internal (the service's catch-all for exceptions other than Error);
//   - an ack naming a record index outside the push, or twice;
//   - a batch (reply to the pull, or live) holding a record that does not decode or does not
//     pass validate_state: the store must never accept and serve an invalid state.
// The store keeps what earlier inputs committed (fresh replica id per input); it is
// recreated every kResetEvery inputs to bound its size.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "fieldsync/core/client_sync.hpp"
#include "fieldsync/core/clock.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/server/metrics.hpp"
#include "fieldsync/server/sqlite_store.hpp"
#include "fieldsync/server/sync_service.hpp"
#include "fuzz_support.hpp"

using namespace fieldsync;

namespace {

constexpr std::uint64_t kNow = 1'700'000'000'000;
constexpr int kResetEvery = 2000;

void check_batch_records(const proto::Batch& batch, const char* what) {
  for (const auto& record : batch.records()) {
    try {
      validate_state(Schema::domain(), decode_wire_state(record));
    } catch (const Error& e) {
      fuzz::fail(__FILE__, __LINE__, what, std::string("a served record is invalid: ") + e.what() + " " + fuzz::hex(record));
    }
  }
}

void check_envelope(const proto::Envelope& m, const char* what) {
  FUZZ_CHECK(m.protocol_version() == kProtocolVersion, what);
  FUZZ_CHECK(m.body_case() != proto::Envelope::BODY_NOT_SET, what);
  FUZZ_CHECK(m.IsInitialized(), what);
  std::string bytes;
  FUZZ_CHECK(m.SerializeToString(&bytes), what);
  proto::Envelope back;
  FUZZ_CHECK(back.ParseFromString(bytes) && back.SerializeAsString() == bytes,
             std::string(what) + ": the reply does not parse back to itself");
  if (m.has_error()) {
    const auto code = static_cast<ErrorCode>(m.error().code());
    FUZZ_CHECK(error_code_name(code) != "unknown", std::string(what) + ": unknown error code " + std::to_string(m.error().code()));
    FUZZ_CHECK(code != ErrorCode::kInternal, std::string(what) + ": internal error: " + m.error().message());
  }
  if (m.has_batch()) check_batch_records(m.batch(), what);
}

// A live connection's sink: checks what the service delivers to it.
class CheckingSink final : public server::SessionSink {
 public:
  void deliver(proto::Envelope message) override {
    check_envelope(message, "live batch");
    FUZZ_CHECK(message.has_batch() && message.request_id() == 0, "a live message is not a batch");
  }
};

struct Server {
  std::filesystem::path dir;
  ManualClock clock{kNow};
  std::unique_ptr<server::Store> store;
  std::unique_ptr<server::Metrics> metrics;
  std::unique_ptr<server::SyncService> service;
  server::Principal supervisor;
  server::Principal rep;
  int inputs = 0;

  void open() {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    store = server::open_sqlite_store(dir, Schema::domain(), clock, false);
    store->add_user({"sue", server::Role::kSupervisor, {}});
    store->add_user({"anna", server::Role::kRep, {"north"}});
    metrics = std::make_unique<server::Metrics>();
    service = std::make_unique<server::SyncService>(*store, Schema::domain(), server::Limits{}, *metrics, clock);
    supervisor = service->authenticate(store->issue_token("sue", 3'600'000, kNow).token);
    rep = service->authenticate(store->issue_token("anna", 3'600'000, kNow).token);
  }

  void close() {
    service.reset();
    metrics.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
};

Server* server_state = nullptr;
std::uint64_t next_replica = 1;

ReplicaId replica_for_input() {
  Uuid::Bytes b{};
  b[0] = 0xF0;
  std::uint64_t n = next_replica++;
  for (int i = 15; i >= 8; --i, n >>= 8) b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(n);
  return Uuid(b);
}

std::string frame(const proto::Envelope& m) { return m.SerializeAsString(); }

server::Reply send(server::Connection& connection, std::string_view bytes, const char* what) {
  server::Reply reply;
  try {
    reply = server_state->service->handle_frame(connection, bytes);
  } catch (const std::exception& e) {
    fuzz::fail(__FILE__, __LINE__, "handle_frame threw", std::string(what) + ": " + e.what());
  } catch (...) {
    fuzz::fail(__FILE__, __LINE__, "handle_frame threw", std::string(what) + ": not a std::exception");
  }
  for (const auto& m : reply.messages) check_envelope(m, what);
  return reply;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  static Server s;
  const char* tmp = std::getenv("TMPDIR");
  s.dir = std::filesystem::path(tmp && *tmp ? tmp : "/tmp") / ("fieldsync-fuzz-" + std::to_string(::getpid()));
  s.open();
  server_state = &s;
  std::atexit([] { server_state->close(); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Server& s = *server_state;
  if (++s.inputs % kResetEvery == 0) {
    s.close();
    s.open();
  }
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  proto::Envelope parsed;
  const bool parses = parsed.ParseFromArray(data, static_cast<int>(size));
  const bool as_rep = parses && (parsed.request_id() & 1);

  auto sink = std::make_shared<CheckingSink>();
  server::Connection connection = s.service->connect(as_rep ? s.rep : s.supervisor, sink);

  proto::Envelope hello;
  hello.set_protocol_version(kProtocolVersion);
  const ReplicaId replica = replica_for_input();
  hello.mutable_hello()->set_replica_id(std::string(replica.raw()));
  hello.mutable_hello()->set_client_clock_ms(kNow);
  hello.mutable_hello()->set_client_name("fuzz");
  const server::Reply welcome = send(connection, frame(hello), "hello");
  FUZZ_CHECK(welcome.messages.size() == 1 && welcome.messages[0].has_welcome() && !welcome.close, "no welcome");
  const std::uint64_t head_before = welcome.messages[0].welcome().server_seq();

  const server::Reply reply = send(connection, input, "fuzzed frame");
  FUZZ_CHECK(!reply.messages.empty() || (parses && parsed.has_pong()), "no reply to a frame");
  for (const auto& m : reply.messages) {
    if (parses && parsed.request_id() && !parsed.has_pong()) {
      FUZZ_CHECK(m.request_id() == parsed.request_id() || (m.has_error() && m.error().fatal() && m.request_id() == 0),
                 "the reply does not echo the request id");
    }
    if (m.has_ack()) {
      FUZZ_CHECK(parses && parsed.has_push(), "an ack to something that is not a push");
      std::set<std::uint32_t> seen;
      for (const auto& r : m.ack().rejected()) {
        FUZZ_CHECK(r.index() < static_cast<std::uint32_t>(parsed.push().records_size()), "a rejection index outside the push");
        FUZZ_CHECK(seen.insert(r.index()).second, "a record rejected twice");
      }
    }
  }

  if (!reply.close && parses && parsed.has_push()) {
    proto::Envelope pull;
    pull.set_protocol_version(kProtocolVersion);
    pull.set_request_id(7);
    pull.mutable_pull()->set_after_seq(head_before);
    const server::Reply batch = send(connection, frame(pull), "pull after the push");
    FUZZ_CHECK(batch.messages.size() == 1 && batch.messages[0].has_batch(), "the pull after a push got no batch");
  }
  s.service->disconnect(connection);
  return 0;
}
