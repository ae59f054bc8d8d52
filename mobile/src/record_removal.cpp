#include "record_removal.hpp"

#include <QObject>

namespace fieldsync::app {
namespace {

bool is_child_of_customer(const QString& collection) {
  return collection == QLatin1String("visits") || collection == QLatin1String("contacts") ||
         collection == QLatin1String("tickets");
}

}  // namespace

QString removal_refusal(const Replica& replica, const QString& collection, const QString& id) {
  const auto rid = Uuid::parse(id.toStdString());
  if (!rid) return QObject::tr("This record cannot be found.");
  const bool order = collection == QLatin1String("orders");
  if (!order && !is_child_of_customer(collection)) {
    return QObject::tr("Records of this kind cannot be deleted from the phone.");
  }
  const auto record = replica.get(collection.toStdString(), *rid);
  if (!record || record->deleted()) return QObject::tr("This record is already deleted.");
  if (order) {
    const auto* status = std::get_if<std::string>(&record->value("status"));
    if (status && *status != "received") {
      return QObject::tr("Only an order that is still received can be deleted; cancel it instead.");
    }
  }
  return {};
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
