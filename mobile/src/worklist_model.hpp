#pragma once

#include <QAbstractListModel>
#include <QDate>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

#include <vector>

#include "fieldsync/core/replica.hpp"

namespace fieldsync::app {

// Work that cuts across customers: every order or every ticket of the replica, narrowed by
// a filter, each row one tap from its record. Filters of orders: "open" (not delivered,
// handed to after-sales or cancelled), "review" (received, awaiting a supervisor's
// review), "overdue" (open and due before today), "status:<stage>"; of tickets: "open"
// (neither closed nor rejected), "status:<stage>". UI thread only.
class WorklistModel : public QAbstractListModel {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("made by AppController")
  Q_PROPERTY(QString collection READ collection WRITE setCollection NOTIFY filterChanged)
  Q_PROPERTY(QString filter READ filter WRITE setFilter NOTIFY filterChanged)
  Q_PROPERTY(QStringList filters READ filters NOTIFY filterChanged)
  Q_PROPERTY(QStringList filterLabels READ filterLabels NOTIFY filterChanged)
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

 public:
  enum Role { kRecordId = Qt::UserRole + 1, kTitle, kCustomer, kStage, kDue, kOverdue };

  explicit WorklistModel(Replica& replica, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

  QString collection() const { return collection_; }
  void setCollection(const QString& collection);  // "orders" or "tickets"
  QString filter() const { return filter_; }
  void setFilter(const QString& filter);
  // The filters offered for the collection, and their words.
  QStringList filters() const;
  QStringList filterLabels() const;

  Q_INVOKABLE void reload();
  void reload(const QDate& today);

 signals:
  void filterChanged();
  void countChanged();

 private:
  struct Row {
    QString id, title, customer, stage, due;
    bool overdue = false;
  };
  Replica* replica_;
  QString collection_ = QStringLiteral("orders");
  QString filter_ = QStringLiteral("open");
  std::vector<Row> rows_;
};

}  // namespace fieldsync::app
