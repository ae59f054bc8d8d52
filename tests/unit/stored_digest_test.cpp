// Each row keeps its state's digest (the _digest column): every write stores the digest of
// the state it writes, a replica from before digests were kept still names and compares its
// states, and changes_since with a HeldCheck leaves the held rows undecoded in
// ChangeBatch::held.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/sqlite.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/core/state_digest.hpp"
#include "test_support.hpp"

namespace fieldsync {
namespace {

constexpr std::uint64_t kT = 1'700'000'000'000;

StateDigest digest_of(const RecordState& state) { return wire_state_digest(encode_wire_state(state)); }

class StoredDigestTest : public ::testing::Test {
 protected:
  Replica open(const std::string& name = "replica.db") {
    return Replica::open(dir_.file(name), Schema::domain(), ReplicaOptions{.clock = &clock_});
  }

  // The _digest column of every customer row, by id.
  static std::vector<std::pair<std::string, std::string>> stored_digests(Replica& replica) {
    std::vector<std::pair<std::string, std::string>> rows;
    sqlite::Statement s(replica.database().handle(), "SELECT id, _digest FROM customers ORDER BY id");
    while (s.step()) rows.emplace_back(std::string(s.column_text(0)), std::string(s.column_blob(1)));
    return rows;
  }

  // What the digests should be: those of the states the replica reads back.
  static std::vector<std::pair<std::string, std::string>> expected_digests(Replica& replica) {
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto& id : replica.record_ids("customers")) {
      std::string bytes;
      append_digest(bytes, digest_of(*replica.state("customers", id)));
      rows.emplace_back(id.to_string(), bytes);
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  static RecordId customer(Replica& replica, const std::string& name) {
    return replica.create("customers", {{"name", Value(name)}, {"territory", Value(std::string("north"))}});
  }

  test::TempDir dir_;
  ManualClock clock_{kT};
};

TEST_F(StoredDigestTest, EveryWriteStoresTheDigestOfTheStateItWrites) {
  Replica phone = open("phone.db");
  Replica office = open("office.db");
  const RecordId a = customer(phone, "Alpha");
  const RecordId b = customer(phone, "Beta");
  phone.update("customers", a, {{"phone", Value(std::string("010-1234"))}});
  office.merge(phone.changes_since(0).states);
  // Concurrent edits of one field: the merged row holds two siblings.
  office.update("customers", b, {{"name", Value(std::string("Beta (office)"))}});
  phone.update("customers", b, {{"name", Value(std::string("Beta (phone)"))}});
  phone.merge(office.changes_since(0).states);
  phone.remove("customers", a);
  ASSERT_EQ(stored_digests(phone).size(), 2u);
  EXPECT_EQ(stored_digests(phone), expected_digests(phone));
  EXPECT_EQ(stored_digests(office), expected_digests(office));
}

TEST_F(StoredDigestTest, DigestsGivenWithAMergeAreStoredOnlyForStatesStoredAsTheyCame) {
  Replica source = open("source.db");
  const RecordId a = customer(source, "Alpha");
  const RecordId b = customer(source, "Beta");
  Replica target = open("target.db");
  target.merge(source.changes_since(0).states);
  target.update("customers", b, {{"phone", Value(std::string("020-1"))}});
  source.update("customers", b, {{"name", Value(std::string("Beta 2"))}});
  const auto states = source.changes_since(0).states;
  // Bytes received as the wire form: a state stored as it came keeps their digest; one
  // merged with a local edit gets the digest of what it became.
  std::vector<StateDigest> received;
  for (const auto& state : states) received.push_back(digest_of(state));
  const RecordId c = customer(source, "Gamma");
  std::vector<RecordState> incoming = states;
  incoming.push_back(*source.state("customers", c));
  received.push_back(digest_of(incoming.back()));
  target.merge(incoming, MergeDetail::kCounts, {}, received);
  EXPECT_EQ(stored_digests(target), expected_digests(target));
  EXPECT_NE(std::find(received.begin(), received.end(), digest_of(*target.state("customers", a))), received.end());
  EXPECT_EQ(std::find(received.begin(), received.end(), digest_of(*target.state("customers", b))), received.end());

  const std::vector<StateDigest> too_few(1);
  EXPECT_TRUE(test::throws_error([&] { target.merge(incoming, MergeDetail::kCounts, {}, too_few); },
                                 ErrorCode::kInvalidArgument));
}

TEST_F(StoredDigestTest, AReplicaFromBeforeDigestsNamesItsStatesAndGetsDigestsAsItWrites) {
  std::string expected;
  RecordId kept, edited;
  {
    Replica r = open();
    kept = customer(r, "Alpha");
    edited = customer(r, "Beta");
    for (const auto& id : r.record_ids("customers")) append_digest(expected, digest_of(*r.state("customers", id)));
    // The file as a build from before digests left it: no _digest column.
    r.database().exec("ALTER TABLE customers DROP COLUMN _digest");
  }
  Replica r = open();
  EXPECT_TRUE(stored_digests(r)[0].second.empty());
  // Named by hashing the decoded rows, in the replica's order (by id).
  std::string named = r.held_state_digests(100);
  EXPECT_EQ(named.size(), expected.size());
  for (std::size_t at = 0; at < expected.size(); at += kStateDigestBytes) {
    EXPECT_NE(named.find(expected.substr(at, kStateDigestBytes)), std::string::npos);
  }
  r.update("customers", edited, {{"phone", Value(std::string("1"))}});
  const auto rows = stored_digests(r);
  const auto edited_row = std::find_if(rows.begin(), rows.end(), [&](const auto& row) { return row.first == edited.to_string(); });
  ASSERT_NE(edited_row, rows.end());
  std::string edited_digest;
  append_digest(edited_digest, digest_of(*r.state("customers", edited)));
  EXPECT_EQ(edited_row->second, edited_digest);

  // changes_since compares the old row by hashing it.
  const StateDigest old = digest_of(*r.state("customers", kept));
  const auto batch = r.changes_since(0, 0, nullptr, HeldStates{[&](const StateDigest& d) { return d == old; }});
  EXPECT_EQ(batch.held, std::vector<StateDigest>{old});
  ASSERT_EQ(batch.states.size(), 1u);
  EXPECT_EQ(batch.states[0].id, edited);
}

TEST_F(StoredDigestTest, TheFileSaysItsRowsKeepDigestsSoThatOlderBuildsRefuseIt) {
  // An older build writing the file would leave the digests of the states it overwrote.
  // Version 5 added _digest; builds before it know 4 and refuse a newer file.
  Replica r = open();
  sqlite::Statement version(r.database().handle(), "PRAGMA user_version");
  ASSERT_TRUE(version.step());
  EXPECT_GE(version.column_int(0), 5);
}

TEST_F(StoredDigestTest, ChangesSinceLeavesHeldRowsOutInSequenceOrderWithALimitOfTheirOwn) {
  Replica r = open();
  std::vector<RecordId> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(customer(r, "C" + std::to_string(i)));
  std::vector<StateDigest> held;
  for (int i : {4, 1}) held.push_back(digest_of(*r.state("customers", ids[static_cast<std::size_t>(i)])));
  const HeldStates holds{[&](const StateDigest& d) { return std::find(held.begin(), held.end(), d) != held.end(); }};

  const auto all = r.changes_since(0, 0, nullptr, holds);
  EXPECT_EQ(all.states.size(), 4u);
  EXPECT_EQ(all.held, (std::vector<StateDigest>{held[1], held[0]}));  // sequence order
  ASSERT_EQ(all.held_seqs.size(), 2u);
  EXPECT_LT(all.held_seqs[0], all.held_seqs[1]);
  EXPECT_FALSE(all.more);

  // A page ends at its limit of states or of held changes, whichever comes first; the two
  // are counted apart. Sequence order: 0 1h 2 3 4h 5.
  const auto two_states = r.changes_since(0, 2, nullptr, holds);
  EXPECT_EQ(two_states.states.size(), 2u);
  EXPECT_EQ(two_states.held, std::vector<StateDigest>{held[1]});
  EXPECT_TRUE(two_states.more);
  EXPECT_EQ(two_states.to_seq, two_states.seqs.back());
  const auto one_held = r.changes_since(0, 10, nullptr, HeldStates{holds.check, 1});
  EXPECT_EQ(one_held.states.size(), 3u);
  EXPECT_EQ(one_held.held.size(), 1u);
  EXPECT_TRUE(one_held.more);
  EXPECT_EQ(one_held.to_seq, one_held.seqs.back());
  const auto rest = r.changes_since(one_held.to_seq, 10, nullptr, HeldStates{holds.check, 1});
  EXPECT_EQ(rest.states.size(), 1u);
  EXPECT_EQ(rest.held, std::vector<StateDigest>{held[0]});
  EXPECT_FALSE(rest.more);
  // Without a check, nothing is held.
  EXPECT_TRUE(r.changes_since(0, 0, nullptr, {}).held.empty());
  EXPECT_EQ(r.changes_since(0, 0, nullptr, {}).states.size(), 6u);
}

}  // namespace
}  // namespace fieldsync
