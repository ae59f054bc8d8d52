#pragma once

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

#include <vector>

#include "fieldsync/core/replica.hpp"

namespace fieldsync::app {

// The review queue: every open conflict (a field whose concurrent values disagree) with
// the value shown now and each sibling's value, author (a person's name, or the device) and time, side by side.
// settle() writes the chosen value as an ordinary update, which has seen every sibling and
// so replaces them wherever it syncs to; only the schema's settle_roles may (canSettle):
// others see their conflicts without settling them. UI thread only.
class ConflictModel : public QAbstractListModel {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("owned by AppController")
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
  Q_PROPERTY(bool canSettle READ canSettle NOTIFY countChanged)
  Q_PROPERTY(QString settlers READ settlers CONSTANT)

 public:
  enum Role { kCollection = Qt::UserRole + 1, kRecordId, kRecordTitle, kField, kShown, kSiblings, kHeading, kShownLabel };

  explicit ConflictModel(Replica& replica, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

  // Whether the signed-in role may settle a conflict.
  bool canSettle() const;
  // Who may: "a supervisor".
  QString settlers() const;

  // The devices (replica ids) of other phones whose values are shown by device, not by a
  // person's name: the user directory is worth fetching again for them.
  QStringList unnamedDevices() const;

  Q_INVOKABLE void reload();
  Q_INVOKABLE QVariantMap get(int row) const;
  // Writes `value` (text, as typed or as one sibling shows it) into the conflicted field.
  // Returns an empty string, or why the value was refused (nothing written then).
  Q_INVOKABLE QString settle(int row, const QString& value);

 signals:
  void countChanged();
  void localWrite();

 private:
  struct Row {
    QString collection, record_id, record_title, field, shown;
    QVariantList siblings;  // {value, label, author ("" if unknown), device (short), replica, mine, time}
    QString heading, shown_label;  // "Customer · Tier", "VIP": in words (value_words)
  };
  Replica* replica_;
  std::vector<Row> rows_;
};

}  // namespace fieldsync::app
