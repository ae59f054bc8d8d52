// Writes the seed corpora of the fuzz targets: `fuzz_make_seeds <dir>` fills
// <dir>/<target>/ with a handful of valid inputs each (deterministic: a manual clock and
// fixed ids, so rerunning it gives the same files). The committed corpora in fuzz/corpus/
// were made with it; tools/run-fuzz copies them, so fuzzing never grows them.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fieldsync/core/client_sync.hpp"
#include "fieldsync/core/clock.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/sync.pb.h"
#include "row_fixture.hpp"

using namespace fieldsync;

namespace {

void write(const std::filesystem::path& dir, const std::string& name, const std::string& bytes) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
}

RecordId fixed_id(std::uint8_t n) {
  Uuid::Bytes b{};
  b[0] = 0x01;
  b[6] = 0x70;  // version 7
  b[8] = 0x80;
  b[15] = n;
  return Uuid(b);
}

// A few records of every kind, one field in conflict, one deleted: their states.
std::vector<RecordState> sample_states() {
  ManualClock clock(1'700'000'000'000);
  ReplicaOptions options;
  options.clock = &clock;
  Replica a = Replica::open(":memory:", Schema::domain(), options);
  Replica b = Replica::open(":memory:", Schema::domain(), options);
  const RecordId customer = fixed_id(1), order = fixed_id(2), contact = fixed_id(3), product = fixed_id(4),
                 ticket = fixed_id(5), visit = fixed_id(6);
  a.create("customers", customer,
           {{"name", std::string("Hotel Aurora")}, {"tier", std::string("vip")}, {"territory", std::string("north")},
            {"phone", std::string("+49 30 1234")}});
  clock.advance(1000);
  a.create("orders", order,
           {{"order_number", std::string("A-1001")}, {"customer_id", customer.to_string()},
            {"status", std::string("received")}, {"amount", std::int64_t{123450}}, {"currency", std::string("EUR")},
            {"due_date", std::string("2026-11-23")}, {"territory", std::string("north")}});
  a.create("contacts", contact, {{"customer_id", customer.to_string()}, {"name", std::string("Mia")}});
  a.create("products", product,
           {{"sku", std::string("SKU-1")}, {"name", std::string("Widget")}, {"unit_price", std::int64_t{999}},
            {"active", true}});
  a.create("tickets", ticket,
           {{"customer_id", customer.to_string()}, {"kind", std::string("complaint")}, {"status", std::string("open")}});
  a.create("visits", visit,
           {{"customer_id", customer.to_string()}, {"channel", std::string("phone")},
            {"visited_on", std::string("2026-01-02")}});
  // b learns everything, then both edit the same fields concurrently.
  auto all = a.changes_since(0).states;
  b.merge(all);
  clock.advance(1000);
  a.update("customers", customer, {{"phone", std::string("+49 30 1111")}});
  b.update("customers", customer, {{"phone", std::string("+49 30 2222")}, {"tier", std::string("potential")}});
  a.update("orders", order, {{"status", std::string("delivered")}});
  b.update("orders", order, {{"status", std::string("reviewed")}, {"notes", std::string("call first")}});
  b.remove("visits", visit);
  a.merge(b.changes_since(0).states);
  return a.changes_since(0).states;
}

proto::Envelope envelope(std::uint64_t request_id) {
  proto::Envelope m;
  m.set_protocol_version(kProtocolVersion);
  m.set_request_id(request_id);
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_make_seeds <corpus dir>\n");
    return 2;
  }
  const std::filesystem::path root = argv[1];
  const auto states = sample_states();

  for (std::size_t i = 0; i < states.size(); ++i) {
    const std::string name = "seed-" + std::to_string(i) + "-" + states[i].collection;
    write(root / "fuzz_wire_state", name, encode_wire_state(states[i]));
    write(root / "fuzz_state_bytes", name, encode_state(states[i]));
    write(root / "fuzz_row_state", name, encode_row_state(states[i], fuzz::row_layout()));
  }

  // FuzzedDataProvider input: a chunk per vector (front) and the integers that pick the
  // source of each (read from the back). Wire and stored states of the conflicted records.
  for (std::size_t i = 0; i + 1 < states.size(); ++i) {
    std::string in = encode_wire_state(states[i]) + "\\" + encode_state(states[i + 1]) + "\\";
    in += std::string("\x05\x02\x03\x11\x02\x12\x01\x01\x00\x01", 10);
    write(root / "fuzz_version_vector", "seed-" + std::to_string(i), in);
  }

  // Frames, as sent after the hello. Odd request ids run as the rep (territory north).
  const auto sync = root / "fuzz_sync_service";
  {
    auto m = envelope(2);
    for (const auto& s : states) m.mutable_push()->add_records(encode_wire_state(s));
    write(sync, "push-all-supervisor", m.SerializeAsString());
    m.set_request_id(3);
    write(sync, "push-all-rep", m.SerializeAsString());
  }
  {
    auto m = envelope(4);
    m.mutable_push()->add_records(encode_wire_state(states[0]));
    m.mutable_push()->add_records(std::string("\x0a\x03" "abc", 5));  // no id: refused, not fatal
    write(sync, "push-one-bad-record", m.SerializeAsString());
  }
  {
    auto m = envelope(6);
    m.mutable_pull()->set_after_seq(0);
    m.mutable_pull()->set_max_records(3);
    write(sync, "pull", m.SerializeAsString());
  }
  {
    auto m = envelope(8);
    m.mutable_ping()->set_clock_ms(1'700'000'000'000);
    write(sync, "ping", m.SerializeAsString());
  }
  {
    auto m = envelope(10);
    m.mutable_hello()->set_replica_id(std::string(16, '\x07'));
    write(sync, "second-hello", m.SerializeAsString());
  }
  return 0;
}
