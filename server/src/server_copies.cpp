#include "server_copies.hpp"

#include <map>
#include <optional>
#include <string>

#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/server/limits.hpp"

namespace fieldsync::server {

void attach_server_copies(proto::Ack& ack, std::span<const PushRefusal> refused, std::span<const RecordState> states,
                          std::span<const std::size_t> wire_index, Store& store, const ScopePolicy& scope,
                          const Principal& reader) {
  if (refused.empty()) return;
  std::map<std::size_t, proto::Rejection*> by_wire_index;
  for (auto& rejection : *ack.mutable_rejected()) by_wire_index[rejection.index()] = &rejection;
  std::size_t budget = kMaxAckServerCopyBytes;
  for (const auto& refusal : refused) {
    if (refusal.code == ErrorCode::kUnverifiedHistory) continue;
    auto it = by_wire_index.find(wire_index[refusal.index]);
    if (it == by_wire_index.end()) continue;
    const RecordState& pushed = states[refusal.index];
    std::optional<RecordState> held;
    try {
      held = store.get(pushed.collection, pushed.id);
    } catch (const Error&) {
      continue;  // a collection this server does not know: nothing to say
    }
    std::string current;
    if (held && scope.may_read(reader, *held)) append_wire_state(current, *held);
    if (current.size() > budget) break;  // the rest stay absent: an ack is bounded
    budget -= current.size();
    it->second->set_current(std::move(current));
  }
}

}  // namespace fieldsync::server
