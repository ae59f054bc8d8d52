#pragma once

// Demo data for screenshots and for trying the app without a server: a product catalogue,
// customers in two territories with contacts, orders at every stage, visits with
// follow-ups overdue, due today and later, tickets, one edit waiting to be pushed and one
// open conflict. It is written by an in-memory "office" replica and merged into the phone
// replica, as a first sync would, so it is not the phone's own pending edits.

#include <QDate>

#include "fieldsync/core/replica.hpp"

namespace fieldsync::app {

// Fills `phone` if it holds no customer yet; dates are relative to `today`.
void seed_demo_data(Replica& phone, const QDate& today);

}  // namespace fieldsync::app
