#include "rule_text.hpp"

#include <QCoreApplication>

#include <array>

#include "value_text.hpp"

namespace fieldsync::app {
namespace {

struct Words {
  const char* collection;
  const char* value;
  const char* text;
};

// The stages, as a salesperson names them.
constexpr std::array kStages{
    Words{"orders", "received", QT_TRANSLATE_NOOP("RuleText", "Received")},
    Words{"orders", "reviewed", QT_TRANSLATE_NOOP("RuleText", "Reviewed")},
    Words{"orders", "scheduled", QT_TRANSLATE_NOOP("RuleText", "Scheduled")},
    Words{"orders", "in_progress", QT_TRANSLATE_NOOP("RuleText", "In progress")},
    Words{"orders", "delivered", QT_TRANSLATE_NOOP("RuleText", "Delivered")},
    Words{"orders", "after_sales", QT_TRANSLATE_NOOP("RuleText", "After-sales")},
    Words{"orders", "cancelled", QT_TRANSLATE_NOOP("RuleText", "Cancelled")},
    Words{"tickets", "open", QT_TRANSLATE_NOOP("RuleText", "Open")},
    Words{"tickets", "approved", QT_TRANSLATE_NOOP("RuleText", "Approved")},
    Words{"tickets", "in_progress", QT_TRANSLATE_NOOP("RuleText", "Being handled")},
    Words{"tickets", "resolved", QT_TRANSLATE_NOOP("RuleText", "Resolved")},
    Words{"tickets", "closed", QT_TRANSLATE_NOOP("RuleText", "Closed")},
    Words{"tickets", "rejected", QT_TRANSLATE_NOOP("RuleText", "Rejected")},
};

// The button that moves forward to a stage: what the person does.
constexpr std::array kMoves{
    Words{"orders", "reviewed", QT_TRANSLATE_NOOP("RuleText", "Approve review")},
    Words{"orders", "scheduled", QT_TRANSLATE_NOOP("RuleText", "Schedule")},
    Words{"orders", "in_progress", QT_TRANSLATE_NOOP("RuleText", "Start work")},
    Words{"orders", "delivered", QT_TRANSLATE_NOOP("RuleText", "Mark delivered")},
    Words{"orders", "after_sales", QT_TRANSLATE_NOOP("RuleText", "Hand to after-sales")},
    Words{"orders", "cancelled", QT_TRANSLATE_NOOP("RuleText", "Cancel order")},
    Words{"tickets", "approved", QT_TRANSLATE_NOOP("RuleText", "Approve")},
    Words{"tickets", "in_progress", QT_TRANSLATE_NOOP("RuleText", "Start handling")},
    Words{"tickets", "resolved", QT_TRANSLATE_NOOP("RuleText", "Mark resolved")},
    Words{"tickets", "closed", QT_TRANSLATE_NOOP("RuleText", "Close ticket")},
    Words{"tickets", "rejected", QT_TRANSLATE_NOOP("RuleText", "Reject")},
};

// Enum values whose words are not their names with a capital (the rest: label_for).
constexpr std::array kValues{
    Words{"tier", "vip", QT_TRANSLATE_NOOP("RuleText", "VIP")},
    Words{"tier", "potential", QT_TRANSLATE_NOOP("RuleText", "Potential")},
    Words{"tier", "regular", QT_TRANSLATE_NOOP("RuleText", "Regular")},
    Words{"channel", "email", QT_TRANSLATE_NOOP("RuleText", "E-mail")},
};

constexpr std::array kCollections{
    Words{"", "customers", QT_TRANSLATE_NOOP("RuleText", "Customer")},
    Words{"", "contacts", QT_TRANSLATE_NOOP("RuleText", "Contact")},
    Words{"", "orders", QT_TRANSLATE_NOOP("RuleText", "Order")},
    Words{"", "order_lines", QT_TRANSLATE_NOOP("RuleText", "Order line")},
    Words{"", "visits", QT_TRANSLATE_NOOP("RuleText", "Visit")},
    Words{"", "tickets", QT_TRANSLATE_NOOP("RuleText", "Ticket")},
    Words{"", "products", QT_TRANSLATE_NOOP("RuleText", "Product")},
};

constexpr std::array kRoles{
    Words{"", "rep", QT_TRANSLATE_NOOP("RuleText", "a sales rep")},
    Words{"", "supervisor", QT_TRANSLATE_NOOP("RuleText", "a supervisor")},
    Words{"", "admin", QT_TRANSLATE_NOOP("RuleText", "an administrator")},
};

template <std::size_t N>
const char* find(const std::array<Words, N>& table, const QString& collection, const QString& value) {
  for (const auto& words : table) {
    if (collection == QLatin1String(words.collection) && value == QLatin1String(words.value)) return words.text;
  }
  return nullptr;
}

QString translated(const char* text) { return QCoreApplication::translate("RuleText", text); }

}  // namespace

QString stage_label(const QString& collection, const QString& stage) {
  if (const char* text = find(kStages, collection, stage)) return translated(text);
  return label_for(stage);
}

QString move_label(const QString& collection, const Move& move) {
  const QString to = QString::fromStdString(move.to);
  if (move.back) return QCoreApplication::translate("RuleText", "Back to %1").arg(stage_label(collection, to));
  if (const char* text = find(kMoves, collection, to)) return translated(text);
  return stage_label(collection, to);
}

QString value_words(const QString& collection, const QString& field, const QString& value) {
  if (value.isEmpty()) return value;
  if (field == QLatin1String("status")) return stage_label(collection, value);
  // Tables keyed by field name: kValues' `collection` column holds the field.
  if (const char* text = find(kValues, field, value)) return translated(text);
  return label_for(value);
}

QString shown_value(const QString& collection, const QString& field, const QString& value) {
  const CollectionSchema* schema = Schema::domain().collection(collection.toStdString());
  const FieldSchema* shown = schema ? schema->field(field.toStdString()) : nullptr;
  if (!shown || shown->type != FieldType::kEnum) return value;
  return value_words(collection, field, value);
}

QString collection_words(const QString& collection) {
  if (const char* text = find(kCollections, QString(), collection)) return translated(text);
  return label_for(collection);
}

QString role_words(const RoleList& roles) {
  QString text;
  for (std::size_t i = 0; i < roles.size(); ++i) {
    const QString role = QString::fromStdString(roles[i]);
    const char* words = find(kRoles, QString(), role);
    if (i > 0) text += QCoreApplication::translate("RuleText", " or ");
    text += words ? translated(words) : role;
  }
  return text;
}

}  // namespace fieldsync::app
