#include "write_log.hpp"

#include <algorithm>

#include "fieldsync/core/error.hpp"
#include "state_text.hpp"

namespace fieldsync::test {
namespace {

const Sibling* written(const LoggedWrite& write, const std::string& field) {
  for (std::size_t i = 0; i < write.names.size(); ++i) {
    if (write.names[i] == field) return &write.fields_written[i];
  }
  return nullptr;
}

}  // namespace

void WriteLog::add(const RecordState& state, const Dot& dot, const FieldValues& values) {
  LoggedWrite write;
  write.dot = dot;
  write.context = state.vv;
  auto record = [&](const std::string& name, const Value& value) {
    const FieldState* field = state.field(name);
    // The writer's own state must show exactly this write in the field, or the model
    // would start from a wrong premise.
    if (!field || field->siblings.size() != 1 || field->siblings[0].dot != dot || field->siblings[0].value != value) {
      throw Error(ErrorCode::kCorruptData, "after writing " + name + " with dot " + dot_text(dot) +
                                               ", the writer's state is:\n" + state_text(state));
    }
    write.names.push_back(name);
    write.fields_written.push_back(field->siblings[0]);
  };
  for (const auto& [name, value] : values) record(name, value);
  if (!write.context.contains(dot)) {
    throw Error(ErrorCode::kCorruptData, "the writer's context " + vv_text(write.context) + " misses its own dot");
  }
  writes_[{state.collection, state.id}].push_back(std::move(write));
  ++count_;
}

std::vector<Sibling> WriteLog::expected_siblings(const Key& key, const std::string& field) const {
  std::vector<Sibling> expected;
  auto it = writes_.find(key);
  if (it == writes_.end()) return expected;
  const auto& writes = it->second;
  for (const auto& w : writes) {
    const Sibling* sibling = written(w, field);
    if (!sibling) continue;
    bool overwritten = std::any_of(writes.begin(), writes.end(), [&](const LoggedWrite& other) {
      return other.dot != w.dot && written(other, field) && other.context.contains(w.dot);
    });
    if (!overwritten) expected.push_back(*sibling);
  }
  std::sort(expected.begin(), expected.end(), [](const Sibling& a, const Sibling& b) { return a.dot < b.dot; });
  return expected;
}

VersionVector WriteLog::expected_vv(const Key& key) const {
  VersionVector vv;
  auto it = writes_.find(key);
  if (it == writes_.end()) return vv;
  for (const auto& w : it->second) vv.merge(w.context);
  return vv;
}

std::set<std::string> WriteLog::written_fields(const Key& key) const {
  std::set<std::string> fields;
  auto it = writes_.find(key);
  if (it == writes_.end()) return fields;
  for (const auto& w : it->second) fields.insert(w.names.begin(), w.names.end());
  return fields;
}

}  // namespace fieldsync::test
