// Property test: replicas that exchange states over an unreliable network converge, lose
// no write and invent none (DESIGN.md: Merge).
//
// Each seed builds 3-8 in-memory replicas with clocks up to hours apart, runs random
// creates, updates (often the same field on several replicas at once), deletes and sync
// steps whose messages are delivered late, out of order, twice, or lost and re-sent; then
// delivers everything and checks that
//   (a) every replica holds byte-identical records,
//   (b) the siblings of every field are exactly the writes no other write of that field
//       has seen (from the test's own log of writes and their causal contexts),
//   (c) resolved values agree everywhere and conflicts() lists exactly the fields whose
//       siblings disagree.
//
// Convergence.HonestReplicasConvergeThroughAGuardedServerDespiteAForger runs the same
// histories through a guarded hub (replica 0, the server: the others sync with it only, and
// what they send it passes check_pushed_history as the server's push gate does) while a
// forger outside the network pushes forged version vectors and dots at the hub. Every
// forgery must be refused or change nothing, and (a)-(c) must hold for the honest replicas.
//
// Every seed is printed as "[ seed ] <n>". To replay one:   FIELDSYNC_SEED=<n> ./fieldsync_property_tests
// A long campaign (a few hours on 2 cores):
//   FIELDSYNC_SEEDS=100000 ./fieldsync_property_tests --gtest_filter='Convergence.*'
// FIELDSYNC_SEED_BASE=<n> starts the range elsewhere; FIELDSYNC_OPS=<factor> scales the
// operations per seed (e.g. 10 for fewer, longer histories).

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "domain_values.hpp"
#include "fieldsync/core/causal_check.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "replica_network.hpp"
#include "seed_plan.hpp"
#include "state_text.hpp"
#include "write_log.hpp"

namespace fieldsync::test {
namespace {

constexpr std::size_t kDefaultSeeds = 300;
constexpr std::size_t kMaxReportedFields = 10;  // per replica: enough to diagnose, not a flood
constexpr std::uint64_t kLongSeedEvery = 97;  // seeds divisible by this run a long history
constexpr std::size_t kLongOps = 3000;
constexpr std::size_t kGuardedSeeds = 60;  // the guarded run: a few seconds in CI
constexpr std::size_t kForgerHistory = 4;  // stale copies the forger keeps of each record

using Key = WriteLog::Key;

// Operations for a seed: mostly short histories, now and then a long one.
std::size_t ops_for(std::uint64_t seed) {
  if (seed % kLongSeedEvery == 0) return kLongOps;
  std::mt19937_64 rng(seed ^ 0x9E3779B97F4A7C15ULL);
  return 60 + rng() % 200;
}

ListQuery with_deleted() {
  ListQuery query;
  query.include_deleted = true;
  return query;
}

std::string key_text(const Key& key) { return key.first + " " + key.second.to_string(); }

// The value a field must show, from the policies of DESIGN.md, computed apart from the engine.
const Sibling& expected_shown(const FieldSchema& field, const std::vector<Sibling>& siblings) {
  auto later = [](const Sibling& a, const Sibling& b) { return a.hlc != b.hlc ? a.hlc < b.hlc : a.dot < b.dot; };
  auto stage = [&](const Sibling& s) -> long {
    const auto* text = std::get_if<std::string>(&s.value);
    auto position = text ? field.stage_of(*text) : std::nullopt;
    return position ? static_cast<long>(*position) : -1;
  };
  auto alive = [](const Sibling& s) { return s.value != Value(true); };
  switch (field.policy) {
    case MergePolicy::kFurthestStage:
      return *std::max_element(siblings.begin(), siblings.end(), [&](const Sibling& a, const Sibling& b) {
        return stage(a) != stage(b) ? stage(a) < stage(b) : later(a, b);
      });
    case MergePolicy::kAliveWins:
      return *std::max_element(siblings.begin(), siblings.end(), [&](const Sibling& a, const Sibling& b) {
        return alive(a) != alive(b) ? !alive(a) : later(a, b);
      });
    case MergePolicy::kLastWriterWins: break;
  }
  return *std::max_element(siblings.begin(), siblings.end(), later);
}

bool values_disagree(const FieldState& field) {
  for (const auto& s : field.siblings) {
    if (s.value != field.siblings.front().value) return true;
  }
  return false;
}

std::string siblings_text(const std::vector<Sibling>& siblings) {
  std::string text;
  for (const auto& s : siblings) text += " [" + sibling_text(s) + "]";
  return text.empty() ? " (none)" : text;
}

class Simulation {
 public:
  // `forger`: replica 0 is a guarded hub and a forger pushes at it (see the file comment).
  Simulation(std::uint64_t seed, std::size_t ops, bool forger = false)
      : rng_(seed), values_(rng_), network_(Schema::domain(), clock_offsets()), ops_(ops), forging_(forger) {
    if (!forging_) return;
    network_.guard(0);
    Uuid::Bytes bytes{};
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rng_());
    forger_.id = Uuid(bytes);
  }

  void run() {
    for (std::size_t op = 0; op < ops_; ++op) {
      network_.advance_time(rng_() % 3000);
      const auto roll = rng_() % 100;
      if (roll < 12 || keys_.empty()) {
        create();
      } else if (roll < 50) {
        update();
      } else if (roll < 55) {
        remove();
      } else if (roll < 60) {
        race_one_field();
      } else if (roll < 80) {
        send();
      } else if (forging_ && roll < 88) {
        forge();
      } else {
        network_.step(rng_);
      }
    }
    settled_ = network_.settle(rng_);
  }

  std::size_t replicas() const { return network_.size(); }
  const NetworkStats& stats() const { return network_.stats(); }
  std::size_t writes() const { return log_.size(); }
  std::size_t open_conflicts() { return network_.replica(0).conflicts().size(); }
  std::size_t forgeries_refused() const { return forger_.refused; }
  std::size_t forgeries_unchanged() const { return forger_.unchanged; }

  void check() {
    ASSERT_TRUE(settled_) << "the replicas were still exchanging changes after the final rounds";
    for (const auto& rejection : network_.rejections()) ADD_FAILURE() << rejection;
    for (const auto& slipped : forger_.slipped) ADD_FAILURE() << slipped;
    check_identical();
    for (std::size_t r = 0; r < network_.size(); ++r) {
      SCOPED_TRACE("replica " + std::to_string(r));
      check_against_log(r);
      check_resolution_and_conflicts(r);
    }
  }

 private:
  // Replica 0 keeps true time; the others drift by seconds to hours either way.
  std::vector<std::int64_t> clock_offsets() {
    const std::size_t count = 3 + rng_() % 6;
    const std::int64_t hour = 3'600'000;
    std::vector<std::int64_t> offsets{0, 3 * hour + static_cast<std::int64_t>(rng_() % hour),
                                      -5 * hour - static_cast<std::int64_t>(rng_() % hour)};
    while (offsets.size() < count) {
      offsets.push_back(static_cast<std::int64_t>(rng_() % (20 * hour)) - 10 * hour);
    }
    return offsets;
  }

  std::size_t random_replica() { return rng_() % network_.size(); }

  const CollectionSchema& collection(const Key& key) const { return Schema::domain().require(key.first); }

  bool live_at(std::size_t r, const Key& key) {
    auto record = network_.replica(r).get(key.first, key.second);
    return record && !record->deleted();
  }

  // A record alive at replica r; half the time one of the first few, so replicas collide.
  std::optional<Key> pick_live(std::size_t r) {
    for (int attempt = 0; attempt < 8; ++attempt) {
      const std::size_t range = rng_() % 2 ? std::min<std::size_t>(keys_.size(), 4) : keys_.size();
      const Key& key = keys_[rng_() % range];
      if (live_at(r, key)) return key;
    }
    return std::nullopt;
  }

  // Logs a write that replica r just made, with the state it left.
  void log_write(std::size_t r, const Key& key, FieldValues values, bool deleted) {
    Replica& replica = network_.replica(r);
    auto record = replica.get(key.first, key.second);
    if (!record) throw Error(ErrorCode::kNotFound, "replica lost the record it just wrote: " + key_text(key));
    values.emplace_back(std::string(kDeletedField), deleted);
    log_.add(record->state, Dot{replica.replica_id(), replica.counter()}, values);
  }

  void create() {
    const std::size_t r = random_replica();
    const char* name = keys_.empty() || rng_() % 2 ? "customers" : "orders";
    const auto& schema = Schema::domain().require(name);
    FieldValues values = values_.create_values(schema);
    RecordId id = network_.replica(r).create(name, values);
    values = written_on_create(network_.replica(r), schema, id);  // the schema's defaults too
    values_.add_reference(name, id);
    keys_.emplace_back(name, id);
    log_write(r, keys_.back(), std::move(values), false);
  }

  // What a create wrote: the given values and the defaults the replica filled in.
  static FieldValues written_on_create(Replica& replica, const CollectionSchema& schema, const RecordId& id) {
    auto record = replica.get(schema.name, id);
    if (!record) throw Error(ErrorCode::kNotFound, "replica lost the record it just created: " + id.to_string());
    FieldValues written;
    for (std::size_t i = 0; i < schema.fields.size(); ++i) {
      const auto& field = schema.fields[i];
      if (field.name != kDeletedField && record->state.field(field.name)) written.emplace_back(field.name, record->values[i]);
    }
    return written;
  }

  void update() {
    const std::size_t r = random_replica();
    auto key = pick_live(r);
    if (!key) return;
    FieldValues values = values_.update_values(collection(*key));
    network_.replica(r).update(key->first, key->second, values);
    log_write(r, *key, std::move(values), false);
  }

  void remove() {
    const std::size_t r = random_replica();
    auto key = pick_live(r);
    if (!key) return;
    network_.replica(r).remove(key->first, key->second);
    log_write(r, *key, {}, true);
  }

  // The same field of one record written on several replicas before any of them syncs.
  void race_one_field() {
    const Key& key = keys_[rng_() % std::min<std::size_t>(keys_.size(), 4)];
    const FieldSchema& field = values_.pick_field(collection(key));
    for (std::size_t r = 0; r < network_.size(); ++r) {
      if (rng_() % 3 == 0 || !live_at(r, key)) continue;
      FieldValues values{{field.name, values_.value_for(field)}};
      if (field.required && is_null(values[0].second)) continue;
      network_.replica(r).update(key.first, key.second, values);
      log_write(r, key, std::move(values), false);
    }
  }

  void send() {
    const std::size_t from = random_replica();
    std::size_t to = random_replica();
    if (to == from) to = (to + 1) % network_.size();
    if (auto hub = network_.hub(); hub && from != *hub) to = *hub;  // a star around the server
    const std::size_t limit = rng_() % 3 == 0 ? 1 + rng_() % 8 : 0;
    network_.send(from, to, limit);
  }

  // (a) Byte-identical records everywhere.
  void check_identical() {
    for (const auto& c : Schema::domain().collections()) {
      auto reference = network_.replica(0).list(c.name, with_deleted());
      for (std::size_t r = 1; r < network_.size(); ++r) {
        auto records = network_.replica(r).list(c.name, with_deleted());
        if (records.size() != reference.size()) {
          ADD_FAILURE() << c.name << ": replica " << r << " holds " << records.size() << " records, replica 0 holds "
                        << reference.size();
          continue;
        }
        for (std::size_t i = 0; i < records.size(); ++i) {
          if (encode_state(records[i].state) != encode_state(reference[i].state)) {
            ADD_FAILURE() << "first differing record, replica 0:\n"
                          << state_text(reference[i].state) << "replica " << r << ":\n"
                          << state_text(records[i].state);
            break;
          }
        }
      }
    }
  }

  // (b) Every write that no other write of its field has seen is still there, and nothing else.
  void check_against_log(std::size_t r) {
    Replica& replica = network_.replica(r);
    std::size_t logged_in[2] = {0, 0};
    std::size_t wrong_fields = 0;
    for (const auto& [key, writes] : log_.records()) {
      ++logged_in[key.first == "customers" ? 0 : 1];
      auto record = replica.get(key.first, key.second);
      if (!record) {
        ADD_FAILURE() << "missing record " << key_text(key) << " (" << writes.size() << " writes)";
        continue;
      }
      const RecordState& state = record->state;
      EXPECT_EQ(vv_text(state.vv), vv_text(log_.expected_vv(key))) << "version vector of " << key_text(key);
      std::set<std::string> fields = log_.written_fields(key);
      for (const auto& f : state.fields) fields.insert(f.name);
      for (const auto& name : fields) {
        const FieldState* field = state.field(name);
        std::vector<Sibling> actual = field ? field->siblings : std::vector<Sibling>{};
        std::vector<Sibling> expected = log_.expected_siblings(key, name);
        if (actual != expected && ++wrong_fields <= kMaxReportedFields) {
          ADD_FAILURE() << "field " << name << " of " << key_text(key) << "\n  expected:" << siblings_text(expected)
                        << "\n  holds:   " << siblings_text(actual) << "\nrecord:\n"
                        << state_text(state);
        }
      }
    }
    EXPECT_EQ(wrong_fields, 0u) << "fields whose siblings differ from the model (first "
                                << kMaxReportedFields << " shown above)";
    // No record the simulation never created.
    EXPECT_EQ(replica.list("customers", with_deleted()).size(), logged_in[0]);
    EXPECT_EQ(replica.list("orders", with_deleted()).size(), logged_in[1]);
  }

  // (c) Resolved values follow the policies, and conflicts() lists exactly the disagreements.
  void check_resolution_and_conflicts(std::size_t r) {
    Replica& replica = network_.replica(r);
    std::set<std::string> expected_conflicts;
    std::map<std::string, Value> shown;
    for (const auto& c : Schema::domain().collections()) {
      for (const auto& record : replica.list(c.name, with_deleted())) {
        auto reference = network_.replica(0).get(c.name, record.state.id);
        if (reference) {
          EXPECT_EQ(record.values, reference->values) << "resolved values of " << c.name << " " << record.state.id.to_string();
        }
        for (std::size_t i = 0; i < c.fields.size(); ++i) {
          const FieldState* field = record.state.field(c.fields[i].name);
          Value want = field ? expected_shown(c.fields[i], field->siblings).value : Value{};
          EXPECT_EQ(record.values[i], want) << c.name << " " << record.state.id.to_string() << " shows "
                                            << value_text(record.values[i]) << " for " << c.fields[i].name
                                            << ", its siblings:" << (field ? siblings_text(field->siblings) : "");
          if (field && values_disagree(*field)) {
            std::string name = c.name + " " + record.state.id.to_string() + " " + field->name;
            expected_conflicts.insert(name);
            shown[name] = record.values[i];
          }
        }
      }
    }
    std::set<std::string> listed;
    for (const auto& conflict : replica.conflicts()) {
      std::string name = conflict.collection + " " + conflict.id.to_string() + " " + conflict.field;
      EXPECT_TRUE(listed.insert(name).second) << "conflict listed twice: " << name;
      auto it = shown.find(name);
      if (it != shown.end()) {
        EXPECT_EQ(conflict.shown, it->second) << "conflict " << name << " shows another value than the record";
      }
      auto record = replica.get(conflict.collection, conflict.id);
      const FieldState* field = record ? record->state.field(conflict.field) : nullptr;
      if (field) {
        EXPECT_EQ(conflict.siblings, field->siblings) << "conflict " << name << " siblings";
      }
    }
    for (const auto& name : expected_conflicts) EXPECT_TRUE(listed.contains(name)) << "conflict not listed: " << name;
    for (const auto& name : listed) EXPECT_TRUE(expected_conflicts.contains(name)) << "listed, not a conflict: " << name;
  }

  // A rep's phone that forges: it pulls from the hub now and then (its copies go stale) and
  // pushes states that claim more of honest replicas than the hub holds, write in their
  // name, alter or drop their writes, or bring back overwritten ones; some carry a write of
  // its own beside the forgery, so that only the forgery can refuse them.
  void forge() {
    Replica& hub = network_.replica(0);
    if (rng_() % 3 == 0) pull_into_forger(hub);
    const Key& key = keys_[rng_() % keys_.size()];
    const auto stored = hub.state(key.first, key.second);
    if (!stored) return;
    const auto& history = forger_.seen[key];
    const ReplicaId victim = network_.replica(random_replica()).replica_id();
    const Hlc stamp(hub.now_ms(), 0);
    const CollectionSchema& schema = collection(key);
    auto stale_or_current = [&] { return !history.empty() && rng_() % 2 ? history[rng_() % history.size()] : *stored; };
    // A write of the forger's own to a field other than `avoid`.
    auto own_write = [&](RecordState& state, const std::string& avoid) {
      for (int attempt = 0; attempt < 8; ++attempt) {
        const FieldSchema& field = values_.pick_field(schema);
        Value value = values_.value_for(field);
        if (field.name == avoid || (field.required && is_null(value))) continue;
        apply_write(state, Dot{forger_.id, ++forger_.counter}, stamp, {{field.name, std::move(value)}});
        return true;
      }
      return false;
    };
    RecordState forged = *stored;
    switch (rng_() % 6) {
      case 0: {  // a version vector claiming an honest replica's writes still to come
        forged = stale_or_current();
        const std::uint64_t beyond = rng_() % 2 ? 1 + rng_() % 4 : std::uint64_t{1} << 62;
        forged.vv.advance(victim, stored->vv.get(victim) + beyond);
        break;
      }
      case 1: {  // a new write in an honest replica's name
        forged = stale_or_current();
        const FieldSchema& field = values_.pick_field(schema);
        apply_write(forged, Dot{victim, stored->vv.get(victim) + 1 + rng_() % 3}, stamp,
                    {{field.name, values_.value_for(field)}});
        break;
      }
      case 2: {  // another value or stamp for an honest write the hub holds
        std::vector<std::pair<FieldState*, Sibling*>> theirs;
        for (auto& f : forged.fields) {
          for (auto& sibling : f.siblings) theirs.emplace_back(&f, &sibling);
        }
        if (theirs.empty()) return;
        auto [field, sibling] = theirs[rng_() % theirs.size()];
        const FieldSchema* declared = schema.field(field->name);
        const bool* flag = std::get_if<bool>(&sibling->value);  // `_deleted`, the one undeclared field
        Value value = declared ? values_.value_for(*declared) : Value(!(flag && *flag));
        if (value == sibling->value) {
          sibling->hlc = Hlc(sibling->hlc.ms() + 1, sibling->hlc.logical());
        } else {
          sibling->value = std::move(value);
        }
        if (rng_() % 2 && !own_write(forged, field->name)) return;
        break;
      }
      case 3: {  // a counter of its own beyond the bound
        const FieldSchema& field = values_.pick_field(schema);
        apply_write(forged, Dot{forger_.id, kMaxReplicaCounter + 1 + rng_() % 1000}, stamp,
                    {{field.name, values_.value_for(field)}});
        break;
      }
      case 4: {  // drops a write the hub holds, writing only elsewhere
        if (forged.fields.empty()) return;
        auto& field = forged.fields[rng_() % forged.fields.size()];
        const std::string name = field.name;
        if (field.siblings.size() > 1 && rng_() % 2) {
          field.siblings.erase(field.siblings.begin() + static_cast<std::ptrdiff_t>(rng_() % field.siblings.size()));
        } else {
          forged.fields.erase(forged.fields.begin() + (&field - forged.fields.data()));
        }
        if (!own_write(forged, name)) return;
        break;
      }
      default: {  // brings back a write the hub holds as overwritten, beside one of its own
        std::optional<std::pair<std::string, Sibling>> old;
        for (const auto& earlier : history) {
          for (const auto& f : earlier.fields) {
            const FieldState* now = stored->field(f.name);
            for (const auto& sibling : f.siblings) {
              const bool held = now && std::any_of(now->siblings.begin(), now->siblings.end(),
                                                   [&](const Sibling& s) { return s.dot == sibling.dot; });
              if (!held) old.emplace(f.name, sibling);
            }
          }
        }
        if (!old) return;
        auto it = std::find_if(forged.fields.begin(), forged.fields.end(),
                               [&](const FieldState& f) { return f.name == old->first; });
        if (it == forged.fields.end()) it = forged.fields.insert(it, FieldState{old->first, {}});
        it->siblings.push_back(old->second);
        if (!own_write(forged, old->first)) return;
        break;
      }
    }
    canonicalize(forged);
    const MergeReport report = network_.push_to_hub(forger_.id, std::span(&forged, 1));
    const auto after = hub.state(key.first, key.second);
    if (!report.rejected.empty()) {
      ++forger_.refused;
    } else if (after != stored) {
      forger_.slipped.push_back("a forgery changed " + key_text(key) + " on the hub:\nforged:\n" +
                                state_text(forged) + "hub before:\n" + state_text(*stored) + "hub after:\n" +
                                (after ? state_text(*after) : std::string("(none)")));
    } else {
      ++forger_.unchanged;
    }
  }

  void pull_into_forger(const Replica& hub) {
    for (const auto& key : keys_) {
      auto state = hub.state(key.first, key.second);
      if (!state) continue;
      auto& copies = forger_.seen[key];
      if (!copies.empty() && copies.back() == *state) continue;
      copies.push_back(std::move(*state));
      if (copies.size() > kForgerHistory) copies.erase(copies.begin());
    }
  }

  struct Forger {
    ReplicaId id;
    std::uint64_t counter = 0;
    std::map<Key, std::vector<RecordState>> seen;  // pulled copies, oldest first
    std::size_t refused = 0;
    std::size_t unchanged = 0;  // accepted, and the hub's state stayed as it was
    std::vector<std::string> slipped;  // forgeries that changed the hub: failures
  };

  std::mt19937_64 rng_;
  DomainValues values_;
  ReplicaNetwork network_;
  std::size_t ops_;
  bool forging_ = false;
  Forger forger_;
  WriteLog log_;
  std::vector<Key> keys_;
  bool settled_ = false;
};

TEST(Convergence, ReplicasConvergeAndKeepEveryConcurrentWrite) {
  const SeedPlan plan = seed_plan_from_env(kDefaultSeeds);
  for (std::uint64_t seed : plan.seeds) {
    const std::size_t ops = scaled_ops(plan, ops_for(seed));
    SCOPED_TRACE("seed " + std::to_string(seed) + " (replay: FIELDSYNC_SEED=" + std::to_string(seed) + ")");
    try {
      Simulation simulation(seed, ops);
      simulation.run();
      const auto& stats = simulation.stats();
      std::cout << "[ seed ] " << seed << "  replicas=" << simulation.replicas() << " ops=" << ops
                << " writes=" << simulation.writes() << " sent=" << stats.sent << " delivered=" << stats.delivered
                << " duplicated=" << stats.duplicated << " lost=" << stats.lost << " resent=" << stats.resent
                << " conflicts=" << simulation.open_conflicts() << "\n";
      simulation.check();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "seed " << seed << " threw: " << e.what();
    }
    if (::testing::Test::HasFailure()) {
      std::cout << "[ seed ] " << seed << " FAILED; replay with FIELDSYNC_SEED=" << seed << "\n";
      break;  // one failing history is enough to read
    }
  }
}

// The same histories through a guarded server, with a forger pushing at it.
TEST(Convergence, HonestReplicasConvergeThroughAGuardedServerDespiteAForger) {
  const SeedPlan plan = seed_plan_from_env(kGuardedSeeds);
  std::size_t refused = 0;
  for (std::uint64_t seed : plan.seeds) {
    const std::size_t ops = scaled_ops(plan, std::min<std::size_t>(ops_for(seed), 600));
    SCOPED_TRACE("seed " + std::to_string(seed) + " (replay: FIELDSYNC_SEED=" + std::to_string(seed) + ")");
    try {
      Simulation simulation(seed, ops, /*forger=*/true);
      simulation.run();
      std::cout << "[ seed ] " << seed << "  guarded replicas=" << simulation.replicas() << " ops=" << ops
                << " writes=" << simulation.writes() << " forgeries refused=" << simulation.forgeries_refused()
                << " unchanged=" << simulation.forgeries_unchanged() << "\n";
      refused += simulation.forgeries_refused();
      simulation.check();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "seed " << seed << " threw: " << e.what();
    }
    if (::testing::Test::HasFailure()) {
      std::cout << "[ seed ] " << seed << " FAILED; replay with FIELDSYNC_SEED=" << seed << "\n";
      break;
    }
  }
  EXPECT_GT(refused, 0u) << "the forger never got to push";
}

}  // namespace
}  // namespace fieldsync::test
