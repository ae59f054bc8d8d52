#pragma once

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

#include <string>
#include <vector>

#include "fieldsync/core/replica.hpp"

namespace fieldsync::app {

// The records of one collection that belong to a parent (a customer's contacts, orders,
// visits or tickets; an order's lines), read with Replica::list, each with a title and a
// subtitle for a list row and its pending / conflict badges. UI thread only.
class RecordListModel : public QAbstractListModel {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("made by AppController")
  Q_PROPERTY(QString collection READ collection CONSTANT)
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

 public:
  enum Role { kId = Qt::UserRole + 1, kTitle, kSubtitle, kStatus, kPending, kConflicted, kFields };

  // `parent_field` = `parent_id` selects the rows (e.g. customer_id = <customer>).
  RecordListModel(Replica& replica, std::string collection, std::string parent_field, std::string parent_id,
                  QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

  QString collection() const { return QString::fromStdString(collection_); }
  Q_INVOKABLE void reload();
  Q_INVOKABLE QVariantMap get(int row) const;

 signals:
  void countChanged();

 private:
  struct Row {
    QString id, title, subtitle, status;
    bool pending = false, conflicted = false;
    QVariantMap fields;  // every field as text
  };
  Row row_of(const Record& record) const;

  Replica* replica_;
  std::string collection_;
  std::string parent_field_;
  std::string parent_id_;
  std::vector<Row> rows_;
};

}  // namespace fieldsync::app
