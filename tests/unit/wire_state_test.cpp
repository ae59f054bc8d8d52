// The hand-written wire codec (wire_state.cpp) against libprotobuf's generated class for
// the same message: byte-identical output, and any valid encoding read back.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/core/state_digest.hpp"
#include "fieldsync/record.pb.h"
#include "test_support.hpp"

namespace fieldsync {
namespace {

using test::kReplicaA;
using test::kReplicaB;
using test::kReplicaC;
using test::StateBuilder;
using test::throws_error;

constexpr std::uint64_t kT = 1'700'000'000'000;

// Every value kind, including the ones proto3 would leave out if they were not a oneof
// member (empty text, zero, false), and a large text that needs a two-byte length.
RecordState every_kind_of_value() {
  RecordState state = StateBuilder("things")
                          .edit(kReplicaA, 1, kT,
                                {{"empty", std::string()},
                                 {"zero", std::int64_t{0}},
                                 {"negative", std::int64_t{-9'000'000'000}},
                                 {"real", -0.25},
                                 {"no", false},
                                 {"yes", true},
                                 {"null", Value{}},
                                 {"long", std::string(300, 'x')}});
  RecordState other = StateBuilder(state).edit(kReplicaB, 7, kT + 5, {{"zero", std::int64_t{1}}});
  RecordState third = StateBuilder(state).edit(kReplicaC, 300, kT + 9, {{"zero", std::int64_t{2}}});
  return merge(other, third);
}

// A random canonical state: a few writers, a few fields, random values.
RecordState random_state(std::mt19937_64& rng) {
  const ReplicaId writers[] = {kReplicaA, kReplicaB, kReplicaC};
  auto pick = [&](std::uint64_t n) { return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng); };
  RecordState merged = StateBuilder("orders", test::id_of(static_cast<std::uint8_t>(pick(250) + 1)));
  for (std::uint64_t w = 0; w < 3; ++w) {
    RecordState branch = merged;
    const std::uint64_t edits = 1 + pick(3);
    for (std::uint64_t e = 0; e < edits; ++e) {
      FieldValues values;
      for (const char* name : {"a", "b", "c", "d"}) {
        switch (pick(6)) {
          case 0: values.emplace_back(name, static_cast<std::int64_t>(rng())); break;
          case 1: values.emplace_back(name, static_cast<double>(rng() % 100000) / 7.0); break;
          case 2: values.emplace_back(name, std::string(pick(200), 'a' + static_cast<char>(pick(26)))); break;
          case 3: values.emplace_back(name, pick(2) == 0); break;
          case 4: values.emplace_back(name, Value{}); break;
          default: break;  // not written
        }
      }
      branch = StateBuilder(branch).edit(writers[w], 1 + pick(1u << 20), kT + pick(1u << 30), values);
    }
    merged = merge(merged, branch);
  }
  return merged;
}

TEST(WireState, EncodingIsWhatLibprotobufWritesForTheSameMessage) {
  for (const RecordState& state : {every_kind_of_value(), RecordState(StateBuilder().remove(kReplicaA, 2, kT))}) {
    const std::string ours = encode_wire_state(state);
    proto::RecordState message;
    ASSERT_TRUE(message.ParseFromString(ours));
    EXPECT_EQ(message.SerializeAsString(), ours);
    EXPECT_EQ(decode_wire_state(ours), state);
  }
}

TEST(WireState, ValuesSurviveTheGeneratedClass) {
  proto::RecordState message;
  ASSERT_TRUE(message.ParseFromString(encode_wire_state(every_kind_of_value())));
  std::map<std::string, const proto::Value*> first;
  for (const auto& f : message.fields()) first[f.name()] = &f.siblings(0).value();
  EXPECT_EQ(first.at("empty")->kind_case(), proto::Value::kText);
  EXPECT_EQ(first.at("zero")->kind_case(), proto::Value::kInteger);
  EXPECT_EQ(first.at("negative")->integer(), -9'000'000'000);
  EXPECT_EQ(first.at("real")->real(), -0.25);
  EXPECT_EQ(first.at("no")->kind_case(), proto::Value::kBoolean);
  EXPECT_FALSE(first.at("no")->boolean());
  EXPECT_EQ(first.at("null")->kind_case(), proto::Value::KIND_NOT_SET);
  EXPECT_EQ(first.at("long")->text().size(), 300u);
}

TEST(WireState, RandomStatesRoundTripAndMatchLibprotobuf) {
  std::mt19937_64 rng(20261123);
  for (int i = 0; i < 300; ++i) {
    const RecordState state = random_state(rng);
    const std::string ours = encode_wire_state(state);
    proto::RecordState message;
    ASSERT_TRUE(message.ParseFromString(ours)) << "state " << i;
    ASSERT_EQ(message.SerializeAsString(), ours) << "state " << i;
    ASSERT_EQ(decode_wire_state(ours), state) << "state " << i;
  }
}

TEST(WireState, UnknownFieldsAreSkipped) {
  const RecordState state = every_kind_of_value();
  proto::RecordState message;
  ASSERT_TRUE(message.ParseFromString(encode_wire_state(state)));
  // Fields a newer writer might add, of every wire type, at the top and inside a sibling.
  auto* unknown = message.GetReflection()->MutableUnknownFields(&message);
  unknown->AddVarint(100, 7);
  unknown->AddFixed64(101, 7);
  unknown->AddLengthDelimited(102, "later");
  unknown->AddFixed32(103, 7);
  auto* sibling = message.mutable_fields(0)->mutable_siblings(0);
  sibling->GetReflection()->MutableUnknownFields(sibling)->AddLengthDelimited(9, "x");
  EXPECT_EQ(decode_wire_state(message.SerializeAsString()), state);
}

TEST(WireState, FieldsInAnyOrderAndRepeatedScalarsReadAsProtobufDoes) {
  const RecordState state = every_kind_of_value();
  const std::string ours = encode_wire_state(state);
  // The collection again at the end (protobuf: the last one wins), with its name changed.
  proto::RecordState tail;
  tail.set_collection("orders");
  RecordState expected = state;
  expected.collection = "orders";
  EXPECT_EQ(decode_wire_state(ours + tail.SerializeAsString()), expected);
}

TEST(WireState, AWrongWireTypeForAKnownFieldIsMalformed) {
  std::string bytes = encode_wire_state(every_kind_of_value());
  // Field 1 (collection) as a varint instead of a length-delimited string.
  bytes = std::string("\x08\x05", 2) + bytes;
  EXPECT_TRUE(throws_error([&] { decode_wire_state(bytes); }, ErrorCode::kCorruptData));
}

TEST(WireState, EveryTruncationDecodesOrFailsCleanly) {
  const std::string bytes = encode_wire_state(every_kind_of_value());
  std::size_t rejected = 0;
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    try {
      decode_wire_state(std::string_view(bytes).substr(0, n));
    } catch (const Error& e) {
      ASSERT_EQ(e.code(), ErrorCode::kCorruptData) << "prefix " << n << ": " << e.what();
      ++rejected;
    }
  }
  // A cut inside any field is malformed; only cuts between top-level fields parse.
  EXPECT_GT(rejected, bytes.size() * 9 / 10);
}

TEST(WireState, AMissingIdIsMalformed) {
  proto::RecordState message;
  message.set_collection("customers");
  EXPECT_TRUE(throws_error([&] { decode_wire_state(message.SerializeAsString()); }, ErrorCode::kCorruptData,
                           "record id"));
}

}  // namespace
}  // namespace fieldsync

namespace fieldsync {
namespace {

// The digest is the protocol's (docs/protocol.md, "Held states"): the first 16 bytes of
// SHA-256, here against the FIPS 180-2 test vector for "abc".
TEST(StateDigest, IsTheFirstSixteenBytesOfSha256) {
  const StateDigest digest = wire_state_digest("abc");
  const StateDigest expected = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
                                0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23};
  EXPECT_EQ(digest, expected);
  std::string listed;
  append_digest(listed, digest);
  append_digest(listed, wire_state_digest(""));
  ASSERT_EQ(listed.size(), 2 * kStateDigestBytes);
  EXPECT_EQ(static_cast<unsigned char>(listed[kStateDigestBytes]), 0xe3);  // SHA-256("") starts e3b0c442
}

TEST(StateDigest, EqualStatesHaveEqualDigestsAndAnEditChangesIt) {
  const RecordState state = every_kind_of_value();
  const RecordState again = decode_wire_state(encode_wire_state(state));
  EXPECT_EQ(wire_state_digest(encode_wire_state(state)), wire_state_digest(encode_wire_state(again)));
  RecordState edited = state;
  edited.fields.front().siblings.front().value = Value(std::string("other"));
  EXPECT_NE(wire_state_digest(encode_wire_state(state)), wire_state_digest(encode_wire_state(edited)));
}

}  // namespace
}  // namespace fieldsync
