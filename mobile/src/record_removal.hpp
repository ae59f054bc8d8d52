#pragma once

// Which records a rep may delete from the app, and deleting them. A delete is an ordinary
// write (Replica::remove: a tombstone that syncs like any edit and waits in the outbox).
//
// Deletable: a customer's visits, contacts and tickets, and an order that is still
// `received` (no one has acted on it yet), together with its lines. Customers are not
// deleted from the phone (the office owns that), nor are orders past `received`: they
// are cancelled through the lifecycle instead.

#include <QString>

#include "fieldsync/core/replica.hpp"

namespace fieldsync::app {

// "" when `collection`/`id` may be deleted now, else why not, in a rep's words.
QString removal_refusal(const Replica& replica, const QString& collection, const QString& id);

// Deletes the record (an order with its lines, in one transaction) if removal_refusal()
// allows it. Returns "" or why not (nothing written then).
QString remove_record(Replica& replica, const QString& collection, const QString& id);

}  // namespace fieldsync::app
