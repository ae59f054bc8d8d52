#include "report_builder.hpp"

#include <QStandardPaths>

#include "fieldsync/core/error.hpp"
#include "fieldsync/reports/follow_ups_report.hpp"
#include "fieldsync/reports/orders_report.hpp"
#include "report_export.hpp"
#include "sql_rows.hpp"
#include "value_text.hpp"

namespace fieldsync::app {
namespace {

constexpr QLatin1String kTerritoryKey("territory:");
constexpr QLatin1String kOwnerKey("owner:");

// The slice's territory and rep ("" for any).
reports::ReportFilter slice_filter(const QString& key) {
  reports::ReportFilter filter;
  if (key.startsWith(kTerritoryKey)) filter.territory = key.mid(kTerritoryKey.size()).toStdString();
  if (key.startsWith(kOwnerKey)) filter.rep = key.mid(kOwnerKey.size()).toStdString();
  return filter;
}

QVariantMap slice_entry(const QString& key, const QString& label) {
  return {{QStringLiteral("key"), key}, {QStringLiteral("label"), label}};
}

// "14.50 CNY, 3.00 USD": one amount per currency, in the currency's order.
QString amounts_text(const FieldSchema& money, const reports::OrderGroup& group, bool cancelled) {
  QStringList parts;
  for (const auto& [currency, totals] : group.currencies) {
    if ((cancelled ? totals.cancelled_orders : totals.orders) == 0) continue;
    const std::int64_t amount = cancelled ? totals.cancelled_amount : totals.amount;
    parts << money_text(money, amount) + QLatin1Char(' ') + QString::fromStdString(currency);
  }
  return parts.isEmpty() ? QStringLiteral("0.00") : parts.join(QStringLiteral(", "));
}

}  // namespace

ReportBuilder::ReportBuilder(Replica& replica, QObject* parent)
    : QObject(parent),
      replica_(&replica),
      export_dir_(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) + QStringLiteral("/FieldSync")) {
  reload();
}

void ReportBuilder::setSlice(const QString& key) {
  if (key == slice_) return;
  slice_ = key;
  reload(today_.isValid() ? today_ : QDate::currentDate());
}

QVariantList ReportBuilder::orderCounts(const QString& grouping) const {
  QVariantList out;
  try {
    const auto report = reports::orders_report(*replica_, reports::parse_grouping(grouping.toStdString()), slice_filter(slice_));
    for (const auto& group : report.groups) {
      out.push_back(QVariantMap{{QStringLiteral("key"), group.key.empty() ? tr("none") : QString::fromStdString(group.key)},
                                {QStringLiteral("count"), static_cast<qint64>(group.orders)}});
    }
  } catch (const Error&) {
    // an unknown grouping: no bars
  }
  return out;
}

QStringList ReportBuilder::exports() const { return exportable_reports(); }

QString ReportBuilder::exportLabel(const QString& report) const {
  if (report == QLatin1String("orders-month")) return tr("Orders by month");
  if (report == QLatin1String("orders-rep")) return tr("Orders by rep");
  if (report == QLatin1String("orders-territory")) return tr("Orders by territory");
  if (report == QLatin1String("orders-tier")) return tr("Orders by tier");
  if (report == QLatin1String("tickets")) return tr("After-sales tickets");
  if (report == QLatin1String("follow-ups")) return tr("Follow-ups");
  return report;
}

QVariantMap ReportBuilder::exportCsv(const QString& report) const {
  try {
    return {{QStringLiteral("path"), export_report_csv(*replica_, report, slice_filter(slice_),
                                                       today_.isValid() ? today_ : QDate::currentDate(), export_dir_)}};
  } catch (const Error& e) {
    return {{QStringLiteral("error"), tr("Could not export: %1").arg(QString::fromStdString(e.what()))}};
  }
}

void ReportBuilder::reload() { reload(QDate::currentDate()); }

void ReportBuilder::reload(const QDate& today) {
  today_ = today;
  auto& db = replica_->database();
  const reports::ReportFilter filter = slice_filter(slice_);

  // The picker lists what the replica holds; the figures come from the report engine.
  slices_ = {slice_entry(QString(), tr("All territories and reps"))};
  bool current_listed = slice_.isEmpty();
  for (const auto& r : query_rows(db, R"sql(
      SELECT territory FROM customers WHERE _deleted = 0 AND COALESCE(territory, '') <> ''
      UNION SELECT territory FROM orders WHERE _deleted = 0 AND COALESCE(territory, '') <> ''
      ORDER BY 1)sql", 1)) {
    slices_.push_back(slice_entry(kTerritoryKey + r[0], tr("Territory %1").arg(r[0])));
    current_listed = current_listed || slices_.back().toMap().value(QStringLiteral("key")).toString() == slice_;
  }
  for (const auto& r : query_rows(db, R"sql(
      SELECT DISTINCT owner FROM customers WHERE _deleted = 0 AND COALESCE(owner, '') <> '' ORDER BY 1)sql", 1)) {
    slices_.push_back(slice_entry(kOwnerKey + r[0], tr("Rep %1").arg(r[0])));
    current_listed = current_listed || slices_.back().toMap().value(QStringLiteral("key")).toString() == slice_;
  }
  if (!current_listed) {  // its last record went: keep it selectable, its reports are empty
    slices_.push_back(slice_entry(slice_, !filter.territory.empty()
                                              ? tr("Territory %1").arg(QString::fromStdString(filter.territory))
                                              : tr("Rep %1").arg(QString::fromStdString(filter.rep))));
  }

  const FieldSchema& money = *replica_->schema().require("orders").field("amount");
  by_status_.clear();
  for (const auto& group : reports::orders_report(*replica_, reports::OrderGrouping::kStatus, filter).groups) {
    const bool cancelled = group.cancelled_orders > 0;
    by_status_.push_back(QVariantMap{
        {QStringLiteral("status"), group.key.empty() ? tr("none") : QString::fromStdString(group.key)},
        {QStringLiteral("count"), static_cast<qint64>(group.orders + group.cancelled_orders)},
        {QStringLiteral("amount"), amounts_text(money, group, cancelled)}});
  }

  const auto by_month = reports::orders_report(*replica_, reports::OrderGrouping::kMonth, filter);
  by_month_.clear();
  for (auto group = by_month.groups.rbegin(); group != by_month.groups.rend(); ++group) {
    by_month_.push_back(QVariantMap{{QStringLiteral("month"), QString::fromStdString(group->key)},
                                    {QStringLiteral("count"), static_cast<qint64>(group->orders)},
                                    {QStringLiteral("amount"), amounts_text(money, *group, false)},
                                    {QStringLiteral("cancelledCount"), static_cast<qint64>(group->cancelled_orders)},
                                    {QStringLiteral("cancelledAmount"), amounts_text(money, *group, true)}});
  }

  const reports::OrderGroup& total = by_month.total;
  conversion_ = {{QStringLiteral("potential"), static_cast<qint64>(total.potential_customers)},
                 {QStringLiteral("converted"), static_cast<qint64>(total.closed_customers)},
                 {QStringLiteral("percent"), total.potential_customers == 0
                                                 ? 0
                                                 : static_cast<int>(100 * total.closed_customers /
                                                                    total.potential_customers)}};

  const auto follow_ups =
      reports::follow_ups_report(*replica_, today.toString(Qt::ISODate).toStdString(), filter).total;
  follow_ups_ = {{QStringLiteral("today"), static_cast<int>(follow_ups.due_today)},
                 {QStringLiteral("overdue"), static_cast<int>(follow_ups.overdue)},
                 {QStringLiteral("upcoming"), static_cast<int>(follow_ups.upcoming)}};
  emit changed();
}

}  // namespace fieldsync::app
