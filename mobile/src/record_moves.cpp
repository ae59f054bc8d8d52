#include "record_moves.hpp"

#include <QDateTime>

#include <algorithm>

#include "app_rules.hpp"
#include "rule_text.hpp"
#include "value_text.hpp"

namespace fieldsync::app {
namespace {

// Today on this device, by the replica's corrected clock (as the replica's own defaults).
QString today(const Replica& replica) {
  return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(replica.now_ms())).date().toString(Qt::ISODate);
}

}  // namespace

RecordMoves::RecordMoves(Replica& replica, std::string collection, RecordId id, QObject* parent)
    : QObject(parent),
      replica_(&replica),
      collection_(&replica.schema().require(collection)),
      field_(lifecycle_field(*collection_)),
      id_(id) {
  if (!field_) throw Error(ErrorCode::kInvalidArgument, collection + " has no lifecycle");
  reload();
}

QString RecordMoves::stageLabel() const { return stage_label(QString::fromStdString(collection_->name), stage_); }

QVariantMap RecordMoves::describe(const Record& record, const Move& move) const {
  const QString collection = QString::fromStdString(collection_->name);
  const QString to = QString::fromStdString(move.to);
  QVariantList fields;
  for (const auto& name : move.requires_fields) {
    const FieldSchema* field = collection_->field(name);
    if (!field) continue;
    QString value = to_text(*field, record.value(name));
    if (value.isEmpty() && field->type == FieldType::kDate) value = today(*replica_);
    fields.push_back(QVariantMap{{QStringLiteral("name"), QString::fromStdString(name)},
                                 {QStringLiteral("label"), label_for(QString::fromStdString(name))},
                                 {QStringLiteral("type"), QString::fromUtf8(field_type_name(field->type).data())},
                                 {QStringLiteral("value"), value}});
  }
  const QString question = move.back ? tr("Send it back from \"%1\" to \"%2\"?")
                                     : tr("Move it from \"%1\" to \"%2\"?");
  return QVariantMap{{QStringLiteral("to"), to},
                     {QStringLiteral("label"), move_label(collection, move)},
                     {QStringLiteral("back"), move.back},
                     {QStringLiteral("needsReason"), move.needs_reason},
                     {QStringLiteral("question"), question.arg(stageLabel(), stage_label(collection, to))},
                     {QStringLiteral("fields"), fields}};
}

void RecordMoves::reload() {
  QString stage, hint;
  QVariantList moves;
  bool can_undo = false;
  const auto record = replica_->get(collection_->name, id_);
  if (record && !record->deleted()) {
    stage = to_text(*field_, record->value(field_->name));
    for (const auto& move : moves_from(*field_, stage.toStdString(), signed_in_role(*replica_), shown_values(*record))) {
      moves.push_back(describe(*record, move));
    }
    // Nobody may move it on: finished. Someone else may: their turn.
    const bool finished = moves_from(*field_, stage.toStdString(), "", shown_values(*record)).empty();
    if (moves.isEmpty()) hint = finished ? tr("Nothing more to do here.") : tr("The next step is not yours to take.");
    can_undo = replica_->can_undo_move(collection_->name, id_);
  }
  // Every sync refresh reloads: the buttons are rebuilt only when they change, so that a
  // tap during a refresh lands on the button it was aimed at.
  if (stage == stage_ && moves == moves_ && hint == hint_ && can_undo == can_undo_) return;
  stage_ = stage;
  moves_ = moves;
  hint_ = hint;
  can_undo_ = can_undo;
  emit changed();
}

QString RecordMoves::move(const QString& to, const QString& reason, const QVariantMap& fields) {
  const auto offered = std::find_if(moves_.begin(), moves_.end(), [&](const QVariant& m) {
    return m.toMap().value(QStringLiteral("to")).toString() == to;
  });
  if (offered == moves_.end()) return tr("This step is not open to you now.");
  const QVariantMap move = offered->toMap();
  FieldValues values{{field_->name, Value(to.toStdString())}};
  if (move.value(QStringLiteral("needsReason")).toBool()) {
    if (reason.trimmed().isEmpty()) return tr("Please give a reason.");
    values.emplace_back(field_->lifecycle->reason_field, Value(reason.trimmed().toStdString()));
  }
  try {
    for (const auto& f : move.value(QStringLiteral("fields")).toList()) {
      const QString name = f.toMap().value(QStringLiteral("name")).toString();
      const QString text = fields.value(name).toString();
      if (text.trimmed().isEmpty()) return tr("%1 is needed for this step.").arg(label_for(name));
      const FieldSchema& field = *collection_->field(name.toStdString());
      values.emplace_back(field.name, from_text(field, text));
    }
    replica_->update(collection_->name, id_, values);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kRuleBroken) return tr("Not allowed: %1").arg(QString::fromStdString(e.what()));
    return tr("Not saved: %1").arg(QString::fromStdString(e.what()));
  }
  emit localWrite();
  reload();
  return {};
}

QString RecordMoves::undo() {
  try {
    replica_->undo_last_move(collection_->name, id_);
  } catch (const Error& e) {
    return tr("Cannot undo: %1").arg(QString::fromStdString(e.what()));
  }
  emit localWrite();
  reload();
  return {};
}

}  // namespace fieldsync::app
