#pragma once

#include <string>

#include "fieldsync/core/replica.hpp"

namespace fieldsync {

// Order numbers unique across the company without asking the server: every device numbers
// its own series "<PREFIX>-<n>", PREFIX the first 6 hex digits of its replica id in upper
// case, n counting up from 1 (the last n is kept in the replica's settings). Two phones
// offline at once never give one number twice; the server still refuses a duplicate of a
// `unique` field (docs/architecture.md, "Order numbers").

// "<PREFIX>-" of a replica.
std::string order_number_prefix(const ReplicaId& replica);
// Takes the next number of the replica's series. Call it inside the transaction that
// creates the order, so that a create that fails gives its number back.
std::string take_order_number(Replica& replica);
// Before creating a record of `collection`: an order given no order_number gets the next
// number of the series. Values of other collections are left alone.
void add_order_number(Replica& replica, std::string_view collection, FieldValues& values);

}  // namespace fieldsync
