#include "due_follow_up_model.hpp"

#include "sql_rows.hpp"

namespace fieldsync::app {
namespace {

constexpr const char* kDue = R"sql(
  SELECT c.id, c.name, latest.next_follow_up, latest.summary
    FROM customers c
    JOIN visits latest ON latest.id = (
           SELECT v.id FROM visits v
            WHERE v.customer_id = c.id AND v._deleted = 0
            ORDER BY v.visited_on DESC, v.id DESC LIMIT 1)
   WHERE c._deleted = 0 AND latest.next_follow_up IS NOT NULL AND latest.next_follow_up <= ?1
   ORDER BY latest.next_follow_up, c.name COLLATE NOCASE)sql";

}  // namespace

DueFollowUpModel::DueFollowUpModel(Replica& replica, QObject* parent) : QAbstractListModel(parent), replica_(&replica) {
  reload();
}

int DueFollowUpModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant DueFollowUpModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Row& row = rows_[static_cast<std::size_t>(index.row())];
  switch (role) {
    case kCustomerId: return row.customer_id;
    case Qt::DisplayRole:
    case kCustomerName: return row.customer_name;
    case kDueDate: return row.due_date;
    case kOverdue: return row.days_overdue > 0;
    case kDueText: return due_text(row.days_overdue);
    case kSummary: return row.summary;
    default: return {};
  }
}

QHash<int, QByteArray> DueFollowUpModel::roleNames() const {
  return {{kCustomerId, "customerId"}, {kCustomerName, "customerName"}, {kDueDate, "dueDate"},
          {kOverdue, "overdue"},       {kSummary, "summary"},       {kDueText, "dueText"}};
}

int DueFollowUpModel::overdueCount() const {
  return static_cast<int>(std::count_if(rows_.begin(), rows_.end(), [](const Row& r) { return r.days_overdue > 0; }));
}

void DueFollowUpModel::reload() { reload(QDate::currentDate()); }

void DueFollowUpModel::reload(const QDate& today) {
  const QString today_text = today.toString(Qt::ISODate);
  const auto found = query_rows(replica_->database(), kDue, 4, {today_text});
  beginResetModel();
  rows_.clear();
  for (const auto& r : found) {
    rows_.push_back(Row{r[0], r[1], r[2], r[3], static_cast<int>(QDate::fromString(r[2], Qt::ISODate).daysTo(today))});
  }
  endResetModel();
  emit countChanged();
}

QString DueFollowUpModel::due_text(int days_overdue) {
  if (days_overdue <= 0) return tr("due today");
  // English needs no plural rules file this way; %n lets other languages give their forms.
  if (days_overdue == 1) return tr("1 day overdue");
  return tr("%n days overdue", nullptr, days_overdue);
}

QVariantMap DueFollowUpModel::get(int row) const {
  QVariantMap out;
  if (row < 0 || row >= rowCount()) return out;
  const auto names = roleNames();
  for (auto it = names.begin(); it != names.end(); ++it) {
    out.insert(QString::fromUtf8(it.value()), data(index(row), it.key()));
  }
  return out;
}

}  // namespace fieldsync::app
