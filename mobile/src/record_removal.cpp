#include "record_removal.hpp"

#include <QObject>

#include "app_rules.hpp"
#include "rule_text.hpp"

namespace fieldsync::app {
namespace {

bool deletable_on_phone(const QString& collection) {
  return collection == QLatin1String("orders") || collection == QLatin1String("visits") ||
         collection == QLatin1String("contacts") || collection == QLatin1String("tickets");
}

// The roles some delete rule of the collection lets delete this record as it is now.
RoleList roles_that_may(const CollectionSchema& collection, const ShownText& shown) {
  RoleList roles;
  for (const auto& rule : collection.deletes) {
    for (const auto& role : rule.roles) {
      if (!role_in(roles, role) && may_delete(collection, role, shown)) roles.push_back(role);
    }
  }
  return roles;
}

}  // namespace

QString removal_refusal(const Replica& replica, const QString& collection, const QString& id) {
  const auto rid = Uuid::parse(id.toStdString());
  if (!rid) return QObject::tr("This record cannot be found.");
  if (!deletable_on_phone(collection)) return QObject::tr("Records of this kind cannot be deleted from the phone.");
  const auto record = replica.get(collection.toStdString(), *rid);
  if (!record || record->deleted()) return QObject::tr("This record is already deleted.");
  const ShownText shown = shown_values(*record);
  if (may_delete(*record->collection, signed_in_role(replica), shown)) return {};
  const RoleList allowed = roles_that_may(*record->collection, shown);
  if (allowed.empty()) return QObject::tr("Nobody may delete this record now.");
  return QObject::tr("Only %1 may delete this record now.").arg(role_words(allowed));
}

QString remove_record(Replica& replica, const QString& collection, const QString& id) {
  if (QString why = removal_refusal(replica, collection, id); !why.isEmpty()) return why;
  const RecordId rid = *Uuid::parse(id.toStdString());
  try {
    replica.transaction([&] {
      if (collection == QLatin1String("orders")) {
        ListQuery lines;
        lines.equals.emplace_back("order_id", Value(rid.to_string()));
        for (const auto& line : replica.list("order_lines", lines)) replica.remove("order_lines", line.state.id);
      }
      replica.remove(collection.toStdString(), rid);
    });
  } catch (const Error& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

}  // namespace fieldsync::app
