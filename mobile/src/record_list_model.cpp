#include "record_list_model.hpp"

#include <algorithm>

#include "rule_text.hpp"
#include "value_text.hpp"

namespace fieldsync::app {

RecordListModel::RecordListModel(Replica& replica, std::string collection, std::string parent_field,
                                 std::string parent_id, QObject* parent)
    : QAbstractListModel(parent),
      replica_(&replica),
      collection_(std::move(collection)),
      parent_field_(std::move(parent_field)),
      parent_id_(std::move(parent_id)) {
  reload();
}

int RecordListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant RecordListModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Row& row = rows_[static_cast<std::size_t>(index.row())];
  switch (role) {
    case kId: return row.id;
    case Qt::DisplayRole:
    case kTitle: return row.title;
    case kSubtitle: return row.subtitle;
    case kStatus: return row.status;
    case kPending: return row.pending;
    case kConflicted: return row.conflicted;
    case kFields: return row.fields;
    default: return {};
  }
}

QHash<int, QByteArray> RecordListModel::roleNames() const {
  return {{kId, "recordId"}, {kTitle, "title"},         {kSubtitle, "subtitle"}, {kStatus, "status"},
          {kPending, "pending"}, {kConflicted, "conflicted"}, {kFields, "fields"}};
}

RecordListModel::Row RecordListModel::row_of(const Record& record) const {
  Row row;
  row.id = QString::fromStdString(record.state.id.to_string());
  row.pending = record.pending;
  row.conflicted = record.state.conflicted();
  for (std::size_t i = 0; i < record.collection->fields.size(); ++i) {
    const FieldSchema& field = record.collection->fields[i];
    row.fields.insert(QString::fromStdString(field.name), to_text(field, record.values[i]));
  }
  auto f = [&](const char* name) { return row.fields.value(QLatin1String(name)).toString(); };
  auto join = [](const QStringList& parts) {
    QStringList kept;
    for (const auto& p : parts) {
      if (!p.isEmpty()) kept.push_back(p);
    }
    return kept.join(QStringLiteral(" · "));
  };
  if (collection_ == "contacts") {
    row.title = f("name");
    row.subtitle = join({f("role"), f("phone"), f("email")});
  } else if (collection_ == "orders") {
    row.title = f("order_number");
    row.status = f("status");
    row.subtitle = join({stage_label(QStringLiteral("orders"), f("status")), f("amount") + QLatin1Char(' ') + f("currency"),
                         f("due_date").isEmpty() ? QString() : QObject::tr("Due %1").arg(f("due_date"))});
  } else if (collection_ == "visits") {
    row.title = join({f("visited_on"), label_for(f("channel"))});
    row.subtitle = join({f("summary"), f("outcome"),
                         f("next_follow_up").isEmpty() ? QString() : QObject::tr("follow up %1").arg(f("next_follow_up"))});
  } else if (collection_ == "tickets") {
    row.title = label_for(f("kind"));
    row.status = f("status");
    row.subtitle = join({stage_label(QStringLiteral("tickets"), f("status")), f("description")});
  } else if (collection_ == "order_lines") {
    const auto product = replica_->get("products", Uuid::parse(f("product_id").toStdString()).value_or(Uuid{}));
    row.title = product ? to_text(*product->collection->field("name"), product->value("name")) : f("product_id");
    row.subtitle = f("quantity") + QStringLiteral(" × ") + f("unit_price");
  } else {
    row.title = row.id;
  }
  return row;
}

void RecordListModel::reload() {
  ListQuery query;
  query.equals.emplace_back(parent_field_, Value(parent_id_));
  const auto records = replica_->list(collection_, query);
  beginResetModel();
  rows_.clear();
  for (const auto& record : records) rows_.push_back(row_of(record));
  // Newest first: UUIDv7 ids are time-ordered, and list() returns them in id order.
  std::reverse(rows_.begin(), rows_.end());
  endResetModel();
  emit countChanged();
}

QVariantMap RecordListModel::get(int row) const {
  QVariantMap out;
  if (row < 0 || row >= rowCount()) return out;
  const auto names = roleNames();
  for (auto it = names.begin(); it != names.end(); ++it) {
    out.insert(QString::fromUtf8(it.value()), data(index(row), it.key()));
  }
  return out;
}

}  // namespace fieldsync::app
