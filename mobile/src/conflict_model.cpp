#include "conflict_model.hpp"

#include "app_rules.hpp"
#include "fieldsync/core/people.hpp"
#include "record_choices.hpp"
#include "rule_text.hpp"
#include "value_text.hpp"

namespace fieldsync::app {

ConflictModel::ConflictModel(Replica& replica, QObject* parent) : QAbstractListModel(parent), replica_(&replica) {
  reload();
}

int ConflictModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant ConflictModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Row& row = rows_[static_cast<std::size_t>(index.row())];
  switch (role) {
    case kCollection: return row.collection;
    case kRecordId: return row.record_id;
    case Qt::DisplayRole:
    case kRecordTitle: return row.record_title;
    case kField: return row.field;
    case kShown: return row.shown;
    case kSiblings: return row.siblings;
    case kHeading: return row.heading;
    case kShownLabel: return row.shown_label;
    default: return {};
  }
}

QHash<int, QByteArray> ConflictModel::roleNames() const {
  return {{kCollection, "collection"}, {kRecordId, "recordId"}, {kRecordTitle, "recordTitle"},
          {kField, "field"},           {kShown, "shown"},       {kSiblings, "siblings"},
          {kHeading, "heading"},       {kShownLabel, "shownLabel"}};
}

void ConflictModel::reload() {
  const auto conflicts = replica_->conflicts();
  const ReplicaId me = replica_->replica_id();
  beginResetModel();
  rows_.clear();
  for (const auto& c : conflicts) {
    const FieldSchema* field = replica_->schema().require(c.collection).field(c.field);
    if (!field) continue;
    Row row{QString::fromStdString(c.collection), QString::fromStdString(c.id.to_string()),
            record_title(*replica_, c.collection, c.id), QString::fromStdString(c.field), to_text(*field, c.shown), {}, {}, {}};
    // Values stay as the schema writes them (settle() reads them back); the words are for reading.
    auto words = [&](const QString& value) {
      return field->type == FieldType::kEnum ? value_words(row.collection, row.field, value) : value;
    };
    row.heading = tr("%1 · %2").arg(collection_words(row.collection), label_for(row.field));
    row.shown_label = words(row.shown);
    for (const auto& sibling : c.siblings) {
      // The person behind the device, once a sync has fetched the user directory.
      const auto person = person_of(*replica_, sibling.dot.replica);
      const std::string author = !person ? "" : person->display_name.empty() ? person->user : person->display_name;
      const QString value = to_text(*field, sibling.value);
      row.siblings.push_back(QVariantMap{{QStringLiteral("value"), value},
                                         {QStringLiteral("label"), words(value)},
                                         {QStringLiteral("author"), QString::fromStdString(author)},
                                         {QStringLiteral("device"), QString::fromStdString(sibling.dot.replica.to_string().substr(0, 8))},
                                         {QStringLiteral("replica"), QString::fromStdString(sibling.dot.replica.to_string())},
                                         {QStringLiteral("mine"), sibling.dot.replica == me},
                                         {QStringLiteral("time"), time_text(sibling.hlc.ms())}});
    }
    rows_.push_back(std::move(row));
  }
  endResetModel();
  emit countChanged();
}

QStringList ConflictModel::unnamedDevices() const {
  QStringList devices;
  for (const auto& row : rows_) {
    for (const auto& sibling : row.siblings) {
      const QVariantMap s = sibling.toMap();
      if (s.value(QStringLiteral("mine")).toBool() || !s.value(QStringLiteral("author")).toString().isEmpty()) continue;
      const QString replica = s.value(QStringLiteral("replica")).toString();
      if (!devices.contains(replica)) devices << replica;
    }
  }
  return devices;
}

QVariantMap ConflictModel::get(int row) const {
  QVariantMap out;
  if (row < 0 || row >= rowCount()) return out;
  const auto names = roleNames();
  for (auto it = names.begin(); it != names.end(); ++it) {
    out.insert(QString::fromUtf8(it.value()), data(index(row), it.key()));
  }
  return out;
}

bool ConflictModel::canSettle() const { return role_in(replica_->schema().settle_roles(), signed_in_role(*replica_)); }

QString ConflictModel::settlers() const { return role_words(replica_->schema().settle_roles()); }

QString ConflictModel::settle(int row, const QString& value) {
  if (row < 0 || row >= rowCount()) return tr("This conflict is no longer open.");
  if (!canSettle()) return tr("Only %1 may settle a conflict.").arg(settlers());
  const Row& r = rows_[static_cast<std::size_t>(row)];
  try {
    const std::string collection = r.collection.toStdString();
    const std::string field_name = r.field.toStdString();
    const FieldSchema* field = replica_->schema().require(collection).field(field_name);
    const auto id = Uuid::parse(r.record_id.toStdString());
    if (!field || !id) return tr("This conflict is no longer open.");
    replica_->update(collection, *id, {{field_name, from_text(*field, value)}});
  } catch (const Error& e) {
    return QString::fromStdString(e.what());
  }
  emit localWrite();
  return {};
}

}  // namespace fieldsync::app
