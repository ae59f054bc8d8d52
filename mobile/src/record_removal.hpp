#pragma once

// Which records the user may delete from the app, and deleting them. A delete is an
// ordinary write (Replica::remove: a tombstone that syncs like any edit and waits in the
// outbox).
//
// Who may delete what is the schema's rule (may_delete, for the signed-in role: a rep an
// order while it is `received`, a supervisor any order or ticket; anyone a visit or a
// contact). The app adds one limit of its own: a customer, a collection's root with orders,
// visits and tickets under it, is not deleted from the phone (deleting its children
// with it is office work). An order is deleted with its lines.

#include <QString>

#include "fieldsync/core/replica.hpp"

namespace fieldsync::app {

// "" when `collection`/`id` may be deleted now, else why not, in the user's words.
QString removal_refusal(const Replica& replica, const QString& collection, const QString& id);

// Deletes the record (an order with its lines, in one transaction) if removal_refusal()
// allows it. Returns "" or why not (nothing written then).
QString remove_record(Replica& replica, const QString& collection, const QString& id);

}  // namespace fieldsync::app
