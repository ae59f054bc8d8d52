#include <string>

#include "customers.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "suites.hpp"

namespace fieldsync::bench {
namespace {

// Keeps the optimiser from dropping a loop whose result is otherwise unused.
volatile std::size_t g_sink = 0;

struct Pair {
  RecordState base;
  RecordState left;   // one edit made on replica A...
  RecordState right;  // ...and a concurrent one on replica B
};

Pair concurrent_pair() {
  auto a = Replica::open(":memory:", Schema::domain());
  auto b = Replica::open(":memory:", Schema::domain());
  const RecordId id = a.create("customers", customer(7));
  Pair pair;
  pair.base = a.changes_since(0).states.front();
  b.merge({&pair.base, 1});
  a.update("customers", id, {{"phone", std::string("+44 20 7946 0001")}});
  b.update("customers", id, {{"phone", std::string("+44 20 7946 0002")}, {"tier", std::string("vip")}});
  pair.left = a.get("customers", id)->state;
  pair.right = b.get("customers", id)->state;
  return pair;
}

}  // namespace

void run_codec_suite(const Options& options, Report& report) {
  const Pair pair = concurrent_pair();
  const std::string bytes = encode_state(pair.base);
  const std::size_t n = options.codec_ops;
  auto loop = [&](auto&& op) {
    return [&, op] {
      Stopwatch watch;
      for (std::size_t i = 0; i < n; ++i) g_sink = g_sink + op();
      return watch.seconds();
    };
  };
  const std::string size = " (" + std::to_string(bytes.size()) + " bytes)";
  report.add(measure("codec.encode", "encode_state, one customer" + size, n, options.repeats,
                     loop([&] { return encode_state(pair.base).size(); })));
  report.add(measure("codec.decode", "decode_state, one customer" + size, n, options.repeats,
                     loop([&] { return decode_state(bytes).fields.size(); })));
  const std::string wire = encode_wire_state(pair.base);
  const std::string wire_size = " (" + std::to_string(wire.size()) + " bytes)";
  report.add(measure("codec.wire_encode", "encode_wire_state, one customer" + wire_size, n, options.repeats,
                     loop([&] { return encode_wire_state(pair.base).size(); })));
  report.add(measure("codec.wire_decode", "decode_wire_state, one customer" + wire_size, n, options.repeats,
                     loop([&] { return decode_wire_state(wire).fields.size(); })));
  report.add(measure("codec.merge_same", "merge() of a state with itself (in memory)", n, options.repeats,
                     loop([&] { return merge(pair.base, pair.base).fields.size(); })));
  report.add(measure("codec.merge_concurrent", "merge() of two concurrent edits (in memory)", n, options.repeats,
                     loop([&] { return merge(pair.left, pair.right).fields.size(); })));
}

}  // namespace fieldsync::bench
