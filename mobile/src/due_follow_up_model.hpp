#pragma once

#include <QAbstractListModel>
#include <QDate>
#include <QtQml/qqmlregistration.h>

#include <vector>

#include "fieldsync/core/replica.hpp"

namespace fieldsync::app {

// Follow-ups due today or overdue, for the home page: per customer, the follow-up date of
// their latest visit when it is today or earlier. Logging a new visit settles it.
// UI thread only.
class DueFollowUpModel : public QAbstractListModel {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("owned by AppController")
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
  Q_PROPERTY(int overdueCount READ overdueCount NOTIFY countChanged)

 public:
  enum Role { kCustomerId = Qt::UserRole + 1, kCustomerName, kDueDate, kOverdue, kSummary, kDueText };

  explicit DueFollowUpModel(Replica& replica, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;
  int overdueCount() const;

  // Reads the list as of `today` (the device's date by default).
  Q_INVOKABLE void reload();
  void reload(const QDate& today);
  Q_INVOKABLE QVariantMap get(int row) const;

  // A follow-up's badge in relative days: "due today", "1 day overdue", "5 days overdue".
  static QString due_text(int days_overdue);

 signals:
  void countChanged();

 private:
  struct Row {
    QString customer_id, customer_name, due_date, summary;
    int days_overdue = 0;
  };
  Replica* replica_;
  std::vector<Row> rows_;
};

}  // namespace fieldsync::app
