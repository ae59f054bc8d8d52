#include "worklist_model.hpp"

#include "rule_text.hpp"
#include "sql_rows.hpp"
#include "value_text.hpp"

namespace fieldsync::app {
namespace {

// Where an order's work ends: delivered, after-sales and cancelled orders are not waiting
// for anyone; a ticket's, once closed or rejected.
constexpr const char* kOrderDone = "('delivered', 'after_sales', 'cancelled')";
constexpr const char* kTicketDone = "('closed', 'rejected')";

// ?1: today (YYYY-MM-DD); ?2: the stage of a "status:" filter, or empty.
std::string orders_sql(const QString& filter) {
  std::string where = "o._deleted = 0 AND (?2 = '' OR o.status = ?2)";
  if (filter == QLatin1String("open")) where += std::string(" AND o.status NOT IN ") + kOrderDone;
  if (filter == QLatin1String("review")) where += " AND o.status = 'received'";
  if (filter == QLatin1String("overdue")) {
    where += std::string(" AND o.status NOT IN ") + kOrderDone + " AND o.due_date < ?1";
  }
  return "SELECT o.id, o.order_number, c.name, o.status, o.due_date, "
         "       coalesce(o.due_date < ?1 AND o.status NOT IN " + std::string(kOrderDone) + ", 0) "
         "  FROM orders o LEFT JOIN customers c ON c.id = o.customer_id"
         " WHERE " + where + " ORDER BY o.due_date IS NULL, o.due_date, o.order_number";
}

// ?1: the stage of a "status:" filter, or empty. Tickets have no due date: never overdue.
std::string tickets_sql(const QString& filter) {
  std::string where = "t._deleted = 0 AND (?1 = '' OR t.status = ?1)";
  if (filter == QLatin1String("open")) where += std::string(" AND t.status NOT IN ") + kTicketDone;
  return "SELECT t.id, t.kind, c.name, t.status, t.opened_on, 0"
         "  FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id"
         " WHERE " + where + " ORDER BY t.opened_on, t.id";
}

}  // namespace

WorklistModel::WorklistModel(Replica& replica, QObject* parent) : QAbstractListModel(parent), replica_(&replica) {
  reload();
}

int WorklistModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant WorklistModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Row& row = rows_[static_cast<std::size_t>(index.row())];
  switch (role) {
    case kRecordId: return row.id;
    case Qt::DisplayRole:
    case kTitle: return row.title;
    case kCustomer: return row.customer;
    case kStage: return row.stage;
    case kDue: return row.due;
    case kOverdue: return row.overdue;
    default: return {};
  }
}

QHash<int, QByteArray> WorklistModel::roleNames() const {
  return {{kRecordId, "recordId"}, {kTitle, "title"}, {kCustomer, "customer"},
          {kStage, "stage"},       {kDue, "due"},     {kOverdue, "overdue"}};
}

void WorklistModel::setCollection(const QString& collection) {
  const QString value = collection == QLatin1String("tickets") ? collection : QStringLiteral("orders");
  if (value == collection_) return;
  collection_ = value;
  filter_ = QStringLiteral("open");
  emit filterChanged();
  reload();
}

void WorklistModel::setFilter(const QString& filter) {
  if (filter == filter_ || !filters().contains(filter)) return;
  filter_ = filter;
  emit filterChanged();
  reload();
}

QStringList WorklistModel::filters() const {
  QStringList out{QStringLiteral("open")};
  if (collection_ == QLatin1String("orders")) out << QStringLiteral("review") << QStringLiteral("overdue");
  const FieldSchema* status = replica_->schema().require(collection_.toStdString()).field("status");
  for (const auto& stage : status->values) out << QStringLiteral("status:") + QString::fromStdString(stage);
  return out;
}

QStringList WorklistModel::filterLabels() const {
  QStringList out;
  for (const auto& filter : filters()) {
    if (filter == QLatin1String("open")) {
      out << (collection_ == QLatin1String("orders") ? tr("Open orders") : tr("Open tickets"));
    } else if (filter == QLatin1String("review")) {
      out << tr("Awaiting review");
    } else if (filter == QLatin1String("overdue")) {
      out << tr("Overdue");
    } else {
      out << stage_label(collection_, filter.mid(7));
    }
  }
  return out;
}

void WorklistModel::reload() { reload(QDate::currentDate()); }

void WorklistModel::reload(const QDate& today) {
  const bool orders = collection_ == QLatin1String("orders");
  const QString stage = filter_.startsWith(QLatin1String("status:")) ? filter_.mid(7) : QStringLiteral("");
  const auto found = orders ? query_rows(replica_->database(), orders_sql(filter_), 6, {today.toString(Qt::ISODate), stage})
                            : query_rows(replica_->database(), tickets_sql(filter_), 6, {stage});
  beginResetModel();
  rows_.clear();
  for (const auto& r : found) {
    const QString title = orders ? r[1] : label_for(r[1]);  // a ticket by its kind: "Return"
    rows_.push_back(Row{r[0], title, r[2], stage_label(collection_, r[3]), r[4], r[5] == QLatin1String("1")});
  }
  endResetModel();
  emit countChanged();
}

}  // namespace fieldsync::app
