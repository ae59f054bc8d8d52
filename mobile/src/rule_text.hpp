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
// "a supervisor", "a rep or a supervisor".
QString role_words(const RoleList& roles);

}  // namespace fieldsync::app
