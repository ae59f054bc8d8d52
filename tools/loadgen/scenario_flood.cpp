// `flood`: misbehaving clients hammer a server; its memory must stay bounded, and a
// well-behaved client beside them must still be served.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "common.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/tools/progress_bar.hpp"
#include "load_server.hpp"
#include "raw_session.hpp"
#include "scenarios.hpp"
#include "server_process.hpp"

namespace fieldsync::loadgen {

namespace flood_scenario {

constexpr std::size_t kDefaultConnections = 16;  // the server's default connections per user
constexpr std::size_t kDefaultRecords = 20'000;  // enough for full pull pages, quick to load
constexpr auto kProbeInterval = std::chrono::milliseconds(100);
constexpr auto kSampleInterval = std::chrono::milliseconds(50);
const std::string kTerritory = "north";  // the child server's rep writes here

// What one flooding connection does, over and over, never reading a reply.
enum class Misbehaviour {
  kUnreadPulls,      // pulls from 0: every reply is a full page the server must queue
  kUnreadPushes,     // full pushes: a merge and an ack each
  kOversizedFrames,  // one byte over max_frame_bytes
  kGarbage,          // frames just under the limit that are no protobuf
};
constexpr Misbehaviour kMisbehaviours[] = {Misbehaviour::kUnreadPulls, Misbehaviour::kUnreadPushes,
                                          Misbehaviour::kOversizedFrames, Misbehaviour::kGarbage};

const char* describe(Misbehaviour kind) {
  switch (kind) {
    case Misbehaviour::kUnreadPulls: return "pulls from 0, replies unread";
    case Misbehaviour::kUnreadPushes: return "full pushes, acks unread";
    case Misbehaviour::kOversizedFrames: return "frames 1 byte over the limit";
    case Misbehaviour::kGarbage: return "non-protobuf frames just under the limit";
  }
  return "";
}

// The frames the flooders send, made once.
struct FloodFrames {
  proto::Envelope pull;
  proto::Envelope push;
  std::string oversized;
  std::string garbage;
};

FloodFrames make_frames(const proto::Welcome& welcome) {
  FloodFrames frames;
  frames.pull.mutable_pull()->set_after_seq(0);
  Replica maker = Replica::open(":memory:", Schema::domain());
  maker.transaction([&] {
    for (std::size_t n = 0; n < welcome.max_batch_records(); ++n) {
      maker.create("customers", customer_fields(1'000'000 + n, kTerritory));
    }
  });
  for (const auto& entry : maker.outbox()) append_wire_state(*frames.push.mutable_push()->add_records(), entry.state);
  frames.oversized.assign(welcome.max_frame_bytes() + 1, '\xff');
  frames.garbage.assign(welcome.max_frame_bytes() - 16, '\xff');
  return frames;
}

struct FloodCounters {
  std::atomic<std::size_t> sessions{0};  // welcomed
  std::atomic<std::size_t> refused{0};   // upgrade or hello refused (connection limit, rate)
  std::atomic<std::size_t> ended{0};     // closed under the flooder by the server
  std::atomic<std::size_t> frames{0};
  std::atomic<std::uint64_t> bytes{0};
};

// One misbehaving connection after another, until `deadline`.
void flood(Misbehaviour kind, const MeasuredServer& server, const FloodFrames& frames,
           SteadyClock::time_point deadline, FloodCounters& counters) {
  while (SteadyClock::now() < deadline) {
    std::optional<RawSession> session;
    try {
      HelloFields hello;
      hello.replica_id = random_replica_id();
      hello.client_name = "fieldsync-loadgen flood";
      session.emplace(server.url, server.token, hello);
    } catch (const Error&) {
      counters.refused.fetch_add(1);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    counters.sessions.fetch_add(1);
    try {
      while (SteadyClock::now() < deadline) {
        std::size_t size = 0;
        switch (kind) {
          case Misbehaviour::kUnreadPulls: session->send(frames.pull); size = frames.pull.ByteSizeLong(); break;
          case Misbehaviour::kUnreadPushes: session->send(frames.push); size = frames.push.ByteSizeLong(); break;
          case Misbehaviour::kOversizedFrames: session->send_frame(frames.oversized); size = frames.oversized.size(); break;
          case Misbehaviour::kGarbage: session->send_frame(frames.garbage); size = frames.garbage.size(); break;
        }
        counters.frames.fetch_add(1);
        counters.bytes.fetch_add(size);
      }
    } catch (const Error&) {
      counters.ended.fetch_add(1);
    }
  }
}

// A well-behaved client beside the flood: a pull of nothing new every kProbeInterval.
struct ProbeResult {
  std::vector<double> latencies_ms;
  std::size_t failures = 0;
  std::string first_failure;
};

void probe(const MeasuredServer& server, SteadyClock::time_point deadline, ProbeResult& result) {
  std::optional<RawSession> session;
  while (SteadyClock::now() < deadline) {
    try {
      if (!session) {
        HelloFields hello;
        hello.replica_id = random_replica_id();
        hello.client_name = "fieldsync-loadgen probe";
        session.emplace(server.url, server.token, hello);
      }
      proto::Envelope pull;
      pull.mutable_pull()->set_after_seq(session->welcome().server_seq());
      const auto start = SteadyClock::now();
      const proto::Envelope reply = session->request(std::move(pull));
      if (!reply.has_batch()) throw Error(ErrorCode::kProtocol, "no batch in reply to a pull");
      result.latencies_ms.push_back(seconds_between(start, SteadyClock::now()) * 1000.0);
    } catch (const Error& e) {
      if (result.failures++ == 0) result.first_failure = e.what();
      session.reset();
    }
    std::this_thread::sleep_for(kProbeInterval);
  }
}

}  // namespace flood_scenario

Report run_flood(const Options& options) {
  using namespace flood_scenario;
  Report report;
  report.scenario = "flood";
  const std::size_t connections = options.clients ? options.clients : kDefaultConnections;
  const std::size_t records = options.records ? options.records : kDefaultRecords;
  ScratchDir scratch(options.dir);
  ServerProcessConfig config;
  config.threads = options.server_threads;
  config.durable = options.durable;
  config.max_connections_per_user = connections + 1;  // and the probe
  const MeasuredServer server = measured_server(options, scratch.path(), config, report);

  const proto::Welcome welcome = fetch_welcome(server.url, server.token);
  load_server(server.url, server.token, {kTerritory}, records, welcome.max_batch_records(), options.progress);
  const FloodFrames frames = make_frames(welcome);
  report.parameter("records on the server", std::to_string(records) + " customers, so that every pull page is full");
  report.parameter("limits", "the server's defaults: max_frame_bytes " + std::to_string(welcome.max_frame_bytes()) +
                                 ", max_batch_records " + std::to_string(welcome.max_batch_records()));
  std::string mix;
  for (std::size_t i = 0; i < std::size(kMisbehaviours); ++i) mix += (i ? "; " : "") + std::string(describe(kMisbehaviours[i]));
  report.parameter("flooders", std::to_string(connections) + " connections of one user, in turn: " + mix +
                                   "; each reconnects when the server closes it");
  report.parameter("probe", "one more connection of the same user: an empty pull every 100 ms");
  report.parameter("duration", format_figure(options.duration_s) + " s");

  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const std::size_t before = server.pid ? resident_kib(server.pid) : 0;
  const auto deadline =
      SteadyClock::now() + std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(options.duration_s));
  FloodCounters counters;
  ProbeResult probed;
  std::vector<std::jthread> threads;
  for (std::size_t i = 0; i < connections; ++i) {
    threads.emplace_back([&, kind = kMisbehaviours[i % std::size(kMisbehaviours)]] {
      flood(kind, server, frames, deadline, counters);
    });
  }
  threads.emplace_back([&] { probe(server, deadline, probed); });
  std::size_t sampled_peak = 0;
  {
    const auto total_ms = static_cast<std::size_t>(options.duration_s * 1000);
    tools::ProgressBar line("flood", total_ms, options.progress, "ms");
    const auto start = SteadyClock::now();
    while (SteadyClock::now() < deadline) {
      if (server.pid) sampled_peak = std::max(sampled_peak, resident_kib(server.pid));
      line.update(std::min(total_ms, static_cast<std::size_t>(seconds_between(start, SteadyClock::now()) * 1000)));
      std::this_thread::sleep_for(kSampleInterval);
    }
    line.finish();
  }
  threads.clear();  // joins: every flooder stops at the deadline
  std::this_thread::sleep_for(std::chrono::seconds(2));  // closes finish, the allocator settles

  const bool alive = !server.pid || kill(server.pid, 0) == 0;
  bool served_after = true;
  try {
    fetch_welcome(server.url, server.token);
  } catch (const Error& e) {
    served_after = false;
    report.notes.push_back(std::string("after the flood: ") + e.what());
  }
  if (!alive) report.notes.push_back("the server process is gone");

  if (server.pid) {
    report.figure("server RSS before the flood", kib_to_mib(before), "MiB");
    report.figure("server RSS, highest sample during the flood", kib_to_mib(sampled_peak), "MiB");
    report.figure("server peak RSS (VmHWM, set-up included)", kib_to_mib(resident_kib(server.pid, "VmHWM")), "MiB");
    report.figure("server RSS 2 s after the flood", kib_to_mib(resident_kib(server.pid)), "MiB");
  }
  report.figure("flood sessions welcomed", static_cast<double>(counters.sessions.load()), "sessions");
  report.figure("  ended by the server", static_cast<double>(counters.ended.load()), "sessions");
  report.figure("  refused at upgrade or hello", static_cast<double>(counters.refused.load()), "attempts");
  report.figure("flood frames sent", static_cast<double>(counters.frames.load()), "frames");
  report.figure("flood data sent", static_cast<double>(counters.bytes.load()) / (1024.0 * 1024.0), "MiB");
  const Distribution latency = distribution(probed.latencies_ms);
  report.figure("probe pulls answered", static_cast<double>(latency.count), "pulls");
  report.figure("probe failures", static_cast<double>(probed.failures), "failures");
  report.figure("probe latency p50", latency.p50, "ms");
  report.figure("probe latency p99", latency.p99, "ms");
  report.figure("probe latency max", latency.max, "ms");
  report.figure("server up and serving afterwards", alive && served_after ? 1 : 0, "yes=1");
  if (probed.failures) report.notes.push_back("first probe failure: " + probed.first_failure);
  return report;
}

}  // namespace fieldsync::loadgen
