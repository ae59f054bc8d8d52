#include "record_choices.hpp"

#include "value_text.hpp"

namespace fieldsync::app {
namespace {

constexpr const char* kCustomerField = "customer_id";

std::optional<RecordId> reference_of(const Record& record, const std::string& field) {
  const auto* text = std::get_if<std::string>(&record.value(field));
  return text ? Uuid::parse(*text) : std::nullopt;
}

}  // namespace

QString record_title(const Replica& replica, const std::string& collection, const RecordId& id) {
  const auto record = replica.get(collection, id);
  if (!record) return QString::fromStdString(id.to_string());
  for (const char* name : {"name", "order_number", "summary", "description"}) {
    if (const FieldSchema* field = record->collection->field(name)) {
      const QString text = to_text(*field, record->value(name));
      if (!text.isEmpty()) return text;
    }
  }
  QStringList parts;
  for (const auto& field : record->collection->fields) {
    if (field.type != FieldType::kReference || field.name == kCustomerField) continue;
    if (const auto target = reference_of(*record, field.name)) parts << record_title(replica, field.references, *target);
  }
  return parts.isEmpty() ? QString::fromStdString(id.to_string()) : parts.join(QStringLiteral(" · "));
}

std::vector<RecordChoice> customer_records(const Replica& replica, const std::string& collection,
                                           const RecordId& customer) {
  const CollectionSchema& schema = replica.schema().require(collection);
  std::vector<Record> records;
  if (schema.field(kCustomerField)) {
    ListQuery mine;
    mine.equals = {{kCustomerField, Value(customer.to_string())}};
    records = replica.list(collection, mine);
  } else if (!schema.scope_parent.empty()) {
    const FieldSchema& parent = *schema.field(schema.scope_parent);
    for (const auto& owner : customer_records(replica, parent.references, customer)) {
      ListQuery of_owner;
      of_owner.equals = {{parent.name, Value(owner.id.toStdString())}};
      auto children = replica.list(collection, of_owner);
      records.insert(records.end(), children.begin(), children.end());
    }
  }
  std::vector<RecordChoice> out;
  for (const auto& record : records) {
    out.push_back({QString::fromStdString(record.state.id.to_string()),
                   record_title(replica, collection, record.state.id)});
  }
  return out;
}

}  // namespace fieldsync::app
