#include "order_lifecycle.hpp"

#include <algorithm>

#include "fieldsync/core/error.hpp"

namespace fieldsync::app {

std::vector<std::string> legal_order_moves(const FieldSchema& status_field, std::string_view current) {
  const auto stage = status_field.stage_of(current);
  if (!stage) {
    throw Error(ErrorCode::kInvalidValue, "'" + std::string(current) + "' is not a stage of " + status_field.name);
  }
  const auto cancelled = status_field.stage_of(kCancelledStage);
  const auto delivered = status_field.stage_of(kDeliveredStage);
  if (*stage == cancelled) return {};

  std::vector<std::string> moves;
  const std::size_t next = *stage + 1;
  if (next < status_field.values.size() && next != cancelled) moves.push_back(status_field.values[next]);
  if (cancelled && (!delivered || *stage < *delivered)) moves.emplace_back(kCancelledStage);
  return moves;
}

bool is_legal_order_move(const FieldSchema& status_field, std::string_view from, std::string_view to) {
  const auto moves = legal_order_moves(status_field, from);
  return std::find(moves.begin(), moves.end(), to) != moves.end();
}

}  // namespace fieldsync::app
