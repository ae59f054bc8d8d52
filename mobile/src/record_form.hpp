#pragma once

#include <QObject>
#include <QVariantList>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include <optional>
#include <string>

#include "fieldsync/core/replica.hpp"

namespace fieldsync::app {

// An edit form for one record of a collection (customers, contacts, visits, tickets): the
// text of every field as typed, checked against the schema on save with a message per
// field, and written as one create or update of only the fields that changed (writing an
// unchanged field would make a needless conflict with someone else's edit).
//
// The sales rules shape it: a field the signed-in role may not change (may_change: a rep
// and a customer's tier, owner, territory) is read-only on an existing record; a lifecycle
// field (a ticket's status) and its reason are not typed but moved (RecordMoves); a field
// with a default may be left empty on create (the replica fills it in).
//
// Nothing typed is lost: a failed save keeps the text, and every keystroke is kept as a
// draft in the replica's settings, restored when the same form is opened again (after a
// crash or a restart) and cleared by a successful save or discard(). UI thread only.
class RecordForm : public QObject {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("made by AppController")
  Q_PROPERTY(QString collection READ collection CONSTANT)
  Q_PROPERTY(QString recordId READ recordId NOTIFY saved)
  Q_PROPERTY(bool isNew READ isNew NOTIFY saved)
  Q_PROPERTY(QVariantList fields READ fields CONSTANT)
  Q_PROPERTY(QVariantMap values READ values NOTIFY valuesChanged)
  Q_PROPERTY(QVariantMap errors READ errors NOTIFY errorsChanged)
  Q_PROPERTY(QString message READ message NOTIFY errorsChanged)
  Q_PROPERTY(bool restoredDraft READ restoredDraft CONSTANT)
  Q_PROPERTY(bool removable READ removable NOTIFY saved)
  Q_PROPERTY(bool hasLifecycle READ hasLifecycle CONSTANT)

 public:
  // Editing record `id`, or creating one (no id) with `fixed` values the form does not
  // show (a visit's customer_id, say).
  RecordForm(Replica& replica, std::string collection, std::optional<RecordId> id, FieldValues fixed,
             QObject* parent = nullptr);

  QString collection() const { return QString::fromStdString(collection_->name); }
  QString recordId() const;
  bool isNew() const { return !id_.has_value(); }
  // Each shown field: {name, label, type, required, options (enum values), readOnly, note
  // (who may change a read-only one)}.
  QVariantList fields() const;
  QVariantMap values() const { return values_; }
  QVariantMap errors() const { return errors_; }
  QString message() const { return message_; }
  bool restoredDraft() const { return restored_draft_; }
  // Whether the record being edited may be deleted from the phone (record_removal.hpp).
  bool removable() const;
  // Whether the record moves through stages (its status is changed by RecordMoves).
  bool hasLifecycle() const;

  Q_INVOKABLE QString value(const QString& field) const { return values_.value(field).toString(); }
  Q_INVOKABLE void setValue(const QString& field, const QString& text);
  // Validates and writes. False (with errors() and message()) when nothing was written.
  Q_INVOKABLE bool save();
  // Forgets the draft; the record stays as it was.
  Q_INVOKABLE void discard();
  // Deletes the record being edited and forgets the draft. Returns "" or why not (the
  // message, also in message(); nothing written then).
  Q_INVOKABLE QString remove();

 signals:
  void valuesChanged();
  void errorsChanged();
  void saved();
  void localWrite();

 private:
  // The customer the record belongs to (fixed, or its customer_id), whose records its
  // optional references choose among.
  std::optional<RecordId> customer_of(const std::optional<Record>& record) const;
  bool shown(const FieldSchema& field) const;
  bool read_only(const FieldSchema& field) const;
  QString read_only_note(const FieldSchema& field) const;  // why, in words; empty if writable
  std::string draft_key() const;
  void store_draft();

  Replica* replica_;
  const CollectionSchema* collection_;
  std::optional<RecordId> id_;
  FieldValues fixed_;
  std::optional<RecordId> customer_;
  QVariantMap original_;  // the record's values when the form opened
  QVariantMap values_;
  QVariantMap errors_;
  QString message_;
  bool restored_draft_ = false;
};

}  // namespace fieldsync::app
