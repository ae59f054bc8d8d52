#pragma once

// The sales rules in a salesperson's words: the stages of an order or ticket, the buttons
// that move it on, and who may do what. Every text goes through Qt's translation
// (context "RuleText"), as the rest of the app's texts do.

#include <QString>

#include "fieldsync/core/schema_rules.hpp"
#include "fieldsync/core/write_rules.hpp"

namespace fieldsync::app {

// "in_progress" of orders -> "In progress".
QString stage_label(const QString& collection, const QString& stage);
// The button that makes `move`: "Schedule", "Cancel order", "Back to Reviewed".
QString move_label(const QString& collection, const Move& move);
// An enum value in words, the one mapping for lists, headings and the review queue: a stage
// for an order's or ticket's status, "VIP" for the tier vip, else label_for ("Phone").
QString value_words(const QString& collection, const QString& field, const QString& value);
// A field's value as a page shows it: an enum value (of the domain schema) in words, any
// other value as it is ("+49 40 5550 1201" stays). An empty value stays empty.
QString shown_value(const QString& collection, const QString& field, const QString& value);
// What a record is, in words: "Customer", "Order line".
QString collection_words(const QString& collection);
// "a supervisor", "a rep or a supervisor".
QString role_words(const RoleList& roles);

}  // namespace fieldsync::app
