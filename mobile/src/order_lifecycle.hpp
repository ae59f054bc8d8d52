#pragma once

// Which status changes an order may make. The stages and their order come from the domain
// schema (orders.status, declared in lifecycle order, `cancelled` last); the rule on top:
// an order moves one stage forward at a time, and may be cancelled until it is delivered.

#include <string>
#include <string_view>
#include <vector>

#include "fieldsync/core/schema.hpp"

namespace fieldsync::app {

inline constexpr std::string_view kCancelledStage = "cancelled";
inline constexpr std::string_view kDeliveredStage = "delivered";

// The stages `status_field` (orders.status) may move to from `current`, in lifecycle order.
// Throws Error(kInvalidValue) for a stage the schema does not declare.
std::vector<std::string> legal_order_moves(const FieldSchema& status_field, std::string_view current);
bool is_legal_order_move(const FieldSchema& status_field, std::string_view from, std::string_view to);

}  // namespace fieldsync::app
