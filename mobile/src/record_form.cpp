#include "record_form.hpp"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

#include "app_rules.hpp"
#include "record_choices.hpp"
#include "record_removal.hpp"
#include "rule_text.hpp"
#include "value_text.hpp"

namespace fieldsync::app {
namespace {

constexpr const char* kCustomerField = "customer_id";

// The engine says "field 'tier': 'gold' is not one of: ..."; beside the field itself the
// prefix is noise.
QString field_message(const Error& error) {
  QString text = QString::fromStdString(error.what());
  const auto colon = text.indexOf(QLatin1String("': "));
  if (text.startsWith(QLatin1String("field '")) && colon > 0) text = text.mid(colon + 3);
  if (!text.isEmpty()) text[0] = text[0].toUpper();
  return text;
}

}  // namespace

RecordForm::RecordForm(Replica& replica, std::string collection, std::optional<RecordId> id, FieldValues fixed,
                       QObject* parent)
    : QObject(parent),
      replica_(&replica),
      collection_(&replica.schema().require(collection)),
      id_(id),
      fixed_(std::move(fixed)) {
  if (collection_->read_only_for_reps) throw Error(ErrorCode::kReadOnly, collection + " cannot be edited on a phone");
  std::optional<Record> record;
  if (id_) {
    record = replica_->get(collection_->name, *id_);
    if (!record) throw Error(ErrorCode::kNotFound, "no record " + id_->to_string() + " in " + collection_->name);
  }
  customer_ = customer_of(record);
  if (record) {
    for (std::size_t i = 0; i < collection_->fields.size(); ++i) {
      const FieldSchema& field = collection_->fields[i];
      if (shown(field)) original_.insert(QString::fromStdString(field.name), to_text(field, record->values[i]));
    }
  } else {
    for (const auto& field : collection_->fields) {
      if (shown(field)) original_.insert(QString::fromStdString(field.name), QString());
    }
  }
  values_ = original_;
  if (const auto draft = replica_->setting(draft_key())) {
    const QJsonObject saved = QJsonDocument::fromJson(QByteArray::fromStdString(*draft)).object();
    for (auto it = saved.begin(); it != saved.end(); ++it) {
      if (values_.contains(it.key())) values_.insert(it.key(), it.value().toString());
    }
    restored_draft_ = values_ != original_;
  }
}

QString RecordForm::recordId() const { return id_ ? QString::fromStdString(id_->to_string()) : QString(); }

std::optional<RecordId> RecordForm::customer_of(const std::optional<Record>& record) const {
  const Value* customer = nullptr;
  for (const auto& [name, value] : fixed_) {
    if (name == kCustomerField) customer = &value;
  }
  if (!customer && record && collection_->field(kCustomerField)) customer = &record->value(kCustomerField);
  const auto* text = customer ? std::get_if<std::string>(customer) : nullptr;
  return text ? Uuid::parse(*text) : std::nullopt;
}

bool RecordForm::shown(const FieldSchema& field) const {
  if (field.name == kDeletedField) return false;
  // A required reference is the record's place (its customer, its order); an optional one
  // is a link the user picks among the customer's records (a return's order and line).
  if (field.type == FieldType::kReference && (field.required || !customer_)) return false;
  // Moved, not typed: the stage and the reason given with a move.
  if (const FieldSchema* stage = lifecycle_field(*collection_)) {
    if (&field == stage || field.name == stage->lifecycle->reason_field) return false;
  }
  return std::none_of(fixed_.begin(), fixed_.end(), [&](const auto& f) { return f.first == field.name; });
}

bool RecordForm::read_only(const FieldSchema& field) const {
  // A derived value (an order's amount) is the readers' sum of other records: not typed.
  return id_ && (field.derived || !may_change(*collection_, field, signed_in_role(*replica_)));
}

QString RecordForm::read_only_note(const FieldSchema& field) const {
  if (!read_only(field)) return {};
  if (field.derived) return tr("Worked out from the %1.").arg(label_for(QString::fromStdString(field.derived->collection)).toLower());
  return tr("Only %1 may change this.").arg(role_words(field.change_roles));
}

bool RecordForm::hasLifecycle() const { return lifecycle_field(*collection_) != nullptr; }

QVariantList RecordForm::fields() const {
  QVariantList out;
  for (const auto& field : collection_->fields) {
    if (!shown(field)) continue;
    QStringList options;
    QStringList option_ids;  // a reference's choices: the ids behind `options`
    QStringList option_words;  // an enum's choices as shown: "VIP" for vip
    const QString collection = QString::fromStdString(collection_->name);
    for (const auto& v : field.values) {
      options.push_back(QString::fromStdString(v));
      option_words.push_back(value_words(collection, QString::fromStdString(field.name), options.back()));
    }
    if (field.type == FieldType::kReference) {
      for (const auto& choice : customer_records(*replica_, field.references, *customer_)) {
        options.push_back(choice.title);
        option_ids.push_back(choice.id);
      }
    }
    QString name = QString::fromStdString(field.name);
    // A link reads as what it names: "order_id" -> "Order".
    if (field.type == FieldType::kReference && name.endsWith(QLatin1String("_id"))) name.chop(3);
    out.push_back(QVariantMap{{QStringLiteral("name"), QString::fromStdString(field.name)},
                              {QStringLiteral("label"), label_for(name)},
                              {QStringLiteral("type"), QString::fromUtf8(field_type_name(field.type).data())},
                              {QStringLiteral("required"), field.required},
                              {QStringLiteral("options"), options},
                              {QStringLiteral("optionIds"), option_ids},
                              {QStringLiteral("optionWords"), option_words},
                              {QStringLiteral("readOnly"), read_only(field)},
                              {QStringLiteral("note"), read_only_note(field)}});
  }
  return out;
}

std::string RecordForm::draft_key() const {
  std::string key = "app.draft/" + collection_->name + "/";
  if (id_) return key + id_->to_string();
  key += "new";
  for (const auto& [name, value] : fixed_) {
    if (const auto* text = std::get_if<std::string>(&value)) key += "/" + name + "=" + *text;
  }
  return key;
}

void RecordForm::store_draft() {
  QJsonObject draft;
  for (auto it = values_.begin(); it != values_.end(); ++it) draft.insert(it.key(), it.value().toString());
  try {
    replica_->set_setting(draft_key(), QJsonDocument(draft).toJson(QJsonDocument::Compact).toStdString());
  } catch (const Error& e) {
    // The form still holds the text; only the copy that survives a restart is missing.
    message_ = tr("Could not keep a draft: %1").arg(QString::fromStdString(e.what()));
    emit errorsChanged();
  }
}

void RecordForm::setValue(const QString& field, const QString& text) {
  if (!values_.contains(field) || values_.value(field).toString() == text) return;
  values_.insert(field, text);
  if (errors_.remove(field) > 0) emit errorsChanged();
  emit valuesChanged();
  store_draft();
}

bool RecordForm::save() {
  const std::string draft = draft_key();  // before a create gives the form its id
  errors_.clear();
  message_.clear();
  FieldValues changes;
  for (const auto& field : collection_->fields) {
    if (!shown(field)) continue;
    const QString name = QString::fromStdString(field.name);
    const QString text = values_.value(name).toString();
    if (id_ && text == original_.value(name).toString()) continue;
    if (read_only(field)) continue;  // shown, not written: the rules keep it as it is
    // A new record's empty field with a default gets it from the replica.
    if (field.required && text.trimmed().isEmpty() && (id_ || field.default_value.empty())) {
      errors_.insert(name, tr("%1 is required.").arg(label_for(name)));
      continue;
    }
    try {
      Value value = from_text(field, text);
      validate_value(field, value);
      changes.emplace_back(field.name, std::move(value));
    } catch (const Error& e) {
      errors_.insert(name, field_message(e));
    }
  }
  if (!errors_.isEmpty()) {
    message_ = tr("Please correct the marked fields. Nothing was saved yet.");
    emit errorsChanged();
    return false;
  }
  try {
    if (id_) {
      if (!changes.empty()) replica_->update(collection_->name, *id_, changes);
    } else {
      FieldValues values = fixed_;
      for (auto& change : changes) {
        if (!is_null(change.second)) values.push_back(std::move(change));
      }
      id_ = replica_->create(collection_->name, values);
    }
  } catch (const Error& e) {
    message_ = tr("Not saved: %1").arg(QString::fromStdString(e.what()));
    emit errorsChanged();
    return false;
  }
  replica_->set_setting(draft, "");
  original_ = values_;
  emit errorsChanged();
  emit localWrite();
  emit saved();
  return true;
}

void RecordForm::discard() {
  replica_->set_setting(draft_key(), "");
  values_ = original_;
  emit valuesChanged();
}

bool RecordForm::removable() const { return id_ && removal_refusal(*replica_, collection(), recordId()).isEmpty(); }

QString RecordForm::remove() {
  const QString why = id_ ? remove_record(*replica_, collection(), recordId()) : tr("This record is not saved yet.");
  if (!why.isEmpty()) {
    message_ = why;
    emit errorsChanged();
    return why;
  }
  replica_->set_setting(draft_key(), "");
  emit localWrite();
  return {};
}

}  // namespace fieldsync::app
