#pragma once

// Shared helpers of the unit tests: temporary directories, fixed ids, hand-built record
// states and a check for the engine's Error type. Header-only so each test file stays
// independent.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/record_state.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/core/uuid.hpp"
#include "fieldsync/test/temp_dir.hpp"

namespace fieldsync::test {

// An id whose bytes are all `fill`: ids with a known order (id(1) < id(2) < ...).
inline Uuid id_of(std::uint8_t fill) {
  Uuid::Bytes bytes{};
  bytes.fill(fill);
  return Uuid(bytes);
}

// Three replica ids in a known order, for the merge and policy tests.
inline const ReplicaId kReplicaA = id_of(0xA1);
inline const ReplicaId kReplicaB = id_of(0xB2);
inline const ReplicaId kReplicaC = id_of(0xC3);
inline const RecordId kRecordId = id_of(0x42);

// Builds record states the way replicas make them: every edit goes through apply_write
// with the next dot of its replica and writes `_deleted` too.
class StateBuilder {
 public:
  explicit StateBuilder(std::string collection = "customers", RecordId id = kRecordId) {
    state_.collection = std::move(collection);
    state_.id = id;
  }
  explicit StateBuilder(RecordState from) : state_(std::move(from)) {}

  // A live edit of `values` as write number `counter` of `replica`, stamped `hlc_ms`.
  StateBuilder& edit(const ReplicaId& replica, std::uint64_t counter, std::uint64_t hlc_ms, FieldValues values) {
    values.emplace_back(std::string(kDeletedField), false);
    apply_write(state_, Dot{replica, counter}, Hlc(hlc_ms, 0), values);
    return *this;
  }
  StateBuilder& remove(const ReplicaId& replica, std::uint64_t counter, std::uint64_t hlc_ms) {
    apply_write(state_, Dot{replica, counter}, Hlc(hlc_ms, 0), {{std::string(kDeletedField), true}});
    return *this;
  }

  const RecordState& state() const { return state_; }
  operator RecordState() const { return state_; }  // NOLINT: builder reads like a state

 private:
  RecordState state_;
};

// The values of one field's siblings, in the state's (canonical) order.
inline std::vector<Value> sibling_values(const RecordState& state, std::string_view field) {
  std::vector<Value> values;
  if (const FieldState* f = state.field(field)) {
    for (const auto& s : f->siblings) values.push_back(s.value);
  }
  return values;
}

inline const FieldSchema& domain_field(std::string_view collection, std::string_view field) {
  const FieldSchema* f = Schema::domain().require(collection).field(field);
  if (!f) throw std::runtime_error("test asks for an unknown field " + std::string(field));
  return *f;
}

// Runs `body`, expects it to throw fieldsync::Error with `code` and, when given, a message
// containing `mentions` (usually the field name).
inline ::testing::AssertionResult throws_error(const std::function<void()>& body, ErrorCode code,
                                               std::string_view mentions = {}) {
  try {
    body();
  } catch (const Error& e) {
    if (e.code() != code) {
      return ::testing::AssertionFailure() << "threw " << error_code_name(e.code()) << " (\"" << e.what()
                                           << "\"), expected " << error_code_name(code);
    }
    if (!mentions.empty() && std::string_view(e.what()).find(mentions) == std::string_view::npos) {
      return ::testing::AssertionFailure() << "message \"" << e.what() << "\" does not mention '" << mentions << "'";
    }
    return ::testing::AssertionSuccess();
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "threw a non-fieldsync exception: " << e.what();
  }
  return ::testing::AssertionFailure() << "did not throw; expected " << error_code_name(code);
}

}  // namespace fieldsync::test
