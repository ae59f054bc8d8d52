#pragma once

#include <QString>

#include <string>
#include <vector>

#include "fieldsync/core/replica.hpp"

namespace fieldsync::app {

// What a person recognises a record by: a customer's or contact's name, an order's number;
// for a record without one (an order line), its parent's title and its references'
// ("R-1 · Green tea").
QString record_title(const Replica& replica, const std::string& collection, const RecordId& id);

struct RecordChoice {
  QString id;
  QString title;
};

// The records of `collection` that belong to `customer` (through their customer_id, or
// their scope parent's), alive, in creation order: what a ticket may be linked to.
std::vector<RecordChoice> customer_records(const Replica& replica, const std::string& collection,
                                           const RecordId& customer);

}  // namespace fieldsync::app
