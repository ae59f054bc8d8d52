#include "fieldsync/core/state_codec.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>

#include "fieldsync/record.pb.h"
#include "test_support.hpp"

namespace fieldsync {
namespace {

using test::kReplicaA;
using test::kReplicaB;
using test::StateBuilder;
using test::throws_error;

constexpr std::uint64_t kT = 1'700'000'000'000;

// A state with a conflict and every value type the wire carries.
RecordState sample_state() {
  RecordState base = StateBuilder("orders").edit(kReplicaA, 1, kT, {{"order_number", std::string("SO-1")},
                                                                   {"customer_id", test::id_of(7).to_string()},
                                                                   {"territory", std::string("north")},
                                                                   {"amount", std::int64_t{-123450}},
                                                                   {"notes", Value{}}});
  RecordState on_a = StateBuilder(base).edit(kReplicaA, 2, kT + 1, {{"status", std::string("delivered")}});
  RecordState on_b = StateBuilder(base).edit(kReplicaB, 1, kT + 2, {{"status", std::string("cancelled")}});
  return merge(on_a, on_b);
}

// The wire form read back by libprotobuf's generated class: edits to it go through the
// message, as a client in another language would make them.
proto::RecordState wire_message(const RecordState& state) {
  proto::RecordState message;
  EXPECT_TRUE(message.ParseFromString(encode_wire_state(state)));
  return message;
}

RecordState from_message(const proto::RecordState& message) { return decode_wire_state(message.SerializeAsString()); }

TEST(StateCodec, EncodeDecodeRoundTrip) {
  RecordState state = sample_state();
  ASSERT_TRUE(state.conflicted());
  std::string bytes = encode_state(state);
  EXPECT_FALSE(bytes.empty());
  RecordState decoded = decode_state(bytes);
  EXPECT_EQ(decoded, state);
  EXPECT_TRUE(is_null(decoded.field("notes")->siblings.front().value));
  EXPECT_EQ(decoded.field("amount")->siblings.front().value, Value{std::int64_t{-123450}});
  EXPECT_EQ(decoded.field("status")->siblings.size(), 2u);
}

TEST(StateCodec, RoundTripKeepsRealsAndBooleansExactly) {
  RecordState state;
  state.collection = "things";
  state.id = test::kRecordId;
  apply_write(state, Dot{kReplicaA, 3}, Hlc(kT, 65535), {{"r", 0.1}, {"b", true}, {"i", std::int64_t{-1}}});
  RecordState decoded = decode_state(encode_state(state));
  EXPECT_EQ(decoded, state);
  EXPECT_EQ(decoded.field("r")->siblings.front().hlc, Hlc(kT, 65535));
}

TEST(StateCodec, SameStateEncodesToIdenticalBytes) {
  RecordState state = sample_state();
  EXPECT_EQ(encode_state(state), encode_state(state));
  // A copy that went through the wire, and one canonicalized again, encode the same.
  RecordState through_wire = decode_state(encode_state(state));
  canonicalize(through_wire);
  EXPECT_EQ(encode_state(through_wire), encode_state(state));
}

TEST(WireState, DecodeCanonicalizesItsInput) {
  proto::RecordState message = wire_message(sample_state());
  // Reverse the fields and each field's siblings: the decoded state is canonical anyway.
  auto* fields = message.mutable_fields();
  std::reverse(fields->begin(), fields->end());
  for (auto& f : *fields) std::reverse(f.mutable_siblings()->begin(), f.mutable_siblings()->end());
  EXPECT_EQ(from_message(message), sample_state());
}

// Databases written before the hlc deltas (storage format 1) still read.
TEST(StateCodec, DecodesTheFormerWholeHlcFormat) {
  RecordState expected;
  expected.collection = "c";
  expected.id = test::kRecordId;
  apply_write(expected, Dot{kReplicaA, 3}, Hlc(kT, 2), {{"f", std::string("hi")}});
  std::string v1 = "\x01\x01" "c" + std::string(test::kRecordId.raw()) + "\x01" + std::string(kReplicaA.raw()) +
                   std::string("\x03\x01\x01" "f\x01\x00\x03", 7);
  std::uint64_t hlc = Hlc(kT, 2).packed();
  while (hlc >= 0x80) {
    v1.push_back(static_cast<char>(hlc | 0x80));
    hlc >>= 7;
  }
  v1.push_back(static_cast<char>(hlc));
  v1 += "\x03\x02hi";
  EXPECT_EQ(decode_state(v1), expected);
  EXPECT_NE(encode_state(expected), v1);  // written in the current format
  EXPECT_EQ(decode_state(encode_state(expected)), expected);
}

TEST(StateCodec, DecodeOfJunkThrowsCorruptData) {
  EXPECT_TRUE(throws_error([] { decode_state("\xff\xff\xff\xff garbage"); }, ErrorCode::kCorruptData));
  std::string bytes = encode_state(sample_state());
  EXPECT_TRUE(throws_error([&] { decode_state(bytes.substr(0, bytes.size() - 3)); }, ErrorCode::kCorruptData));
}

TEST(WireState, RejectsShortIds) {
  proto::RecordState message = wire_message(sample_state());
  message.set_id(std::string(15, 'x'));
  EXPECT_TRUE(throws_error([&] { from_message(message); }, ErrorCode::kCorruptData, "record id"));

  message = wire_message(sample_state());
  message.mutable_vv(0)->set_replica(std::string(15, 'x'));
  EXPECT_TRUE(throws_error([&] { from_message(message); }, ErrorCode::kCorruptData));

  message = wire_message(sample_state());
  message.mutable_fields(0)->mutable_siblings(0)->mutable_dot()->set_replica(std::string(17, 'x'));
  EXPECT_TRUE(throws_error([&] { from_message(message); }, ErrorCode::kCorruptData));
}

// A state naming a field twice has no canonical order for the two (found by fuzzing:
// re-encoding the decoded state gave other bytes). Every decoder refuses it.
TEST(WireState, RejectsAFieldNamedTwice) {
  proto::RecordState message = wire_message(sample_state());
  *message.add_fields() = message.fields(0);
  message.mutable_fields(message.fields_size() - 1)->mutable_siblings(0)->mutable_value()->set_text("other");
  EXPECT_TRUE(throws_error([&] { from_message(message); }, ErrorCode::kCorruptData, "twice"));
}

TEST(WireState, RejectsTheFuzzFindingOfAFieldNamedTwice) {
  // fuzz/corpus/fuzz_wire_state/regression-field-named-twice: an order whose `currency`
  // appears twice, with siblings in both.
  std::ifstream in(std::string(FIELDSYNC_SOURCE_DIR) + "/fuzz/corpus/fuzz_wire_state/regression-field-named-twice",
                   std::ios::binary);
  const std::string finding{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  ASSERT_FALSE(finding.empty());
  EXPECT_TRUE(throws_error([&] { decode_wire_state(finding); }, ErrorCode::kCorruptData, "twice"));
}

TEST(StateCodec, RejectsAFieldNamedTwice) {
  RecordState state = sample_state();
  state.fields.push_back(state.fields.back());  // stored as it is: the encoder keeps the order
  EXPECT_TRUE(throws_error([&] { decode_state(encode_state(state)); }, ErrorCode::kCorruptData, "twice"));
}

TEST(WireState, RejectsSiblingWithoutDot) {
  proto::RecordState message = wire_message(sample_state());
  message.mutable_fields(0)->mutable_siblings(0)->mutable_dot()->set_counter(0);
  EXPECT_TRUE(throws_error([&] { from_message(message); }, ErrorCode::kCorruptData));
}

TEST(ValidateState, AcceptsAStateReplicasMake) {
  EXPECT_NO_THROW(validate_state(Schema::domain(), sample_state()));
}

TEST(ValidateState, RejectsUnknownCollection) {
  RecordState state = sample_state();
  state.collection = "invoices";
  EXPECT_TRUE(throws_error([&] { validate_state(Schema::domain(), state); }, ErrorCode::kUnknownCollection,
                           "invoices"));
}

TEST(ValidateState, RejectsUnknownField) {
  RecordState state = StateBuilder(sample_state()).edit(kReplicaA, 3, kT + 3, {{"colour", std::string("red")}});
  EXPECT_TRUE(throws_error([&] { validate_state(Schema::domain(), state); }, ErrorCode::kUnknownField, "colour"));
}

TEST(ValidateState, RejectsWrongValueType) {
  RecordState state = StateBuilder(sample_state()).edit(kReplicaA, 3, kT + 3, {{"amount", std::string("12.50")}});
  EXPECT_TRUE(throws_error([&] { validate_state(Schema::domain(), state); }, ErrorCode::kInvalidValue, "amount"));
  RecordState bad_enum = StateBuilder(sample_state()).edit(kReplicaA, 3, kT + 3, {{"status", std::string("lost")}});
  EXPECT_TRUE(throws_error([&] { validate_state(Schema::domain(), bad_enum); }, ErrorCode::kInvalidValue, "status"));
}

TEST(ValidateState, RejectsSiblingDotOutsideVersionVector) {
  RecordState state = sample_state();
  for (auto& f : state.fields) {
    if (f.name == "territory") f.siblings.front().dot.counter = 99;
  }
  EXPECT_TRUE(throws_error([&] { validate_state(Schema::domain(), state); }, ErrorCode::kCorruptData, "territory"));
}

// A sibling with counter 0 is no write at all: refused by validation (a fuzzer reached an
// encode failure inside merge with one).
TEST(ValidateState, RejectsASiblingWithoutADot) {
  RecordState state = sample_state();
  state.fields.front().siblings.front().dot.counter = 0;
  EXPECT_TRUE(throws_error([&] { validate_state(Schema::domain(), state); }, ErrorCode::kCorruptData, "no dot"));
}

TEST(ValidateState, RejectsNilRecordId) {
  RecordState state = sample_state();
  state.id = Uuid{};
  EXPECT_TRUE(throws_error([&] { validate_state(Schema::domain(), state); }, ErrorCode::kInvalidValue));
}

// state_codec.hpp promises "at least one sibling per field": a field without siblings has
// nothing to resolve (resolve() requires a non-empty set).
TEST(ValidateState, RejectsFieldWithoutSiblings) {
  RecordState state = sample_state();
  state.fields.push_back(FieldState{"currency", {}});
  std::sort(state.fields.begin(), state.fields.end(),
            [](const FieldState& x, const FieldState& y) { return x.name < y.name; });
  EXPECT_TRUE(throws_error([&] { validate_state(Schema::domain(), state); }, ErrorCode::kCorruptData, "currency"));
}

// A state received from the wire can name the same field twice; merge() walks fields in
// sorted order and would then keep both copies, so replicas would diverge.
TEST(ValidateState, RejectsTheSameFieldTwice) {
  proto::RecordState message = wire_message(sample_state());
  int territory = -1;
  for (int i = 0; i < message.fields_size(); ++i) {
    if (message.fields(i).name() == "territory") territory = i;
  }
  ASSERT_GE(territory, 0);
  // A second copy of `territory` with another (valid) value under the same dot.
  *message.add_fields() = message.fields(territory);
  message.mutable_fields(message.fields_size() - 1)->mutable_siblings(0)->mutable_value()->set_text("south");
  bool rejected = false;
  try {
    RecordState state = from_message(message);
    validate_state(Schema::domain(), state);
  } catch (const Error& e) {
    rejected = true;
    EXPECT_EQ(e.code(), ErrorCode::kCorruptData) << e.what();
  }
  EXPECT_TRUE(rejected) << "a state with field 'territory' twice was accepted";
}

}  // namespace
}  // namespace fieldsync
