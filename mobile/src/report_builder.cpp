#include "report_builder.hpp"

#include <QDateTime>

#include <map>

#include "sql_rows.hpp"

namespace fieldsync::app {
namespace {

// Money is stored in minor units; reports show major units with two decimals.
QString money_text(qint64 minor) {
  const QString sign = minor < 0 ? QStringLiteral("-") : QString();
  const qint64 abs = minor < 0 ? -minor : minor;
  return sign + QString::number(abs / 100) + QLatin1Char('.') + QStringLiteral("%1").arg(abs % 100, 2, 10, QLatin1Char('0'));
}

// The creation time of a UUIDv7 record id: its first 48 bits, in ms since the epoch.
QString month_of_v7_id(const QString& id) {
  QString hex = id.left(13);
  hex.remove(QLatin1Char('-'));
  bool ok = false;
  const qint64 ms = hex.toLongLong(&ok, 16);
  if (!ok) return QStringLiteral("unknown");
  return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM"));
}

}  // namespace

ReportBuilder::ReportBuilder(Replica& replica, QObject* parent) : QObject(parent), replica_(&replica) { reload(); }

void ReportBuilder::reload() { reload(QDate::currentDate()); }

void ReportBuilder::reload(const QDate& today) {
  auto& db = replica_->database();

  by_status_.clear();
  std::map<QString, std::pair<qint64, qint64>> status_totals;
  std::map<QString, std::pair<qint64, qint64>, std::greater<>> month_totals;
  for (const auto& r : query_rows(db, "SELECT id, status, COALESCE(amount, 0) FROM orders WHERE _deleted = 0", 3)) {
    auto& s = status_totals[r[1].isEmpty() ? QStringLiteral("received") : r[1]];
    s.first += 1;
    s.second += r[2].toLongLong();
    auto& m = month_totals[month_of_v7_id(r[0])];
    m.first += 1;
    m.second += r[2].toLongLong();
  }
  const FieldSchema* status = replica_->schema().require("orders").field("status");
  for (const auto& stage : status->values) {
    const auto it = status_totals.find(QString::fromStdString(stage));
    if (it == status_totals.end()) continue;
    by_status_.push_back(QVariantMap{{QStringLiteral("status"), it->first},
                                     {QStringLiteral("count"), it->second.first},
                                     {QStringLiteral("amount"), money_text(it->second.second)}});
  }
  by_month_.clear();
  for (const auto& [month, totals] : month_totals) {
    by_month_.push_back(QVariantMap{{QStringLiteral("month"), month},
                                    {QStringLiteral("count"), totals.first},
                                    {QStringLiteral("amount"), money_text(totals.second)}});
  }

  const auto conv = query_rows(db, R"sql(
      SELECT COUNT(*),
             COALESCE(SUM(EXISTS (SELECT 1 FROM orders o
                                   WHERE o.customer_id = c.id AND o._deleted = 0
                                     AND COALESCE(o.status, '') <> 'cancelled')), 0)
        FROM customers c WHERE c._deleted = 0 AND c.tier = 'potential')sql", 2);
  const qint64 potential = conv.front()[0].toLongLong();
  const qint64 converted = conv.front()[1].toLongLong();
  conversion_ = {{QStringLiteral("potential"), potential},
                 {QStringLiteral("converted"), converted},
                 {QStringLiteral("percent"), potential == 0 ? 0 : static_cast<int>(100 * converted / potential)}};

  const QString t = today.toString(Qt::ISODate);
  const QString week = today.addDays(7).toString(Qt::ISODate);
  const auto due = query_rows(db, R"sql(
      SELECT COALESCE(SUM(latest.next_follow_up = ?1), 0),
             COALESCE(SUM(latest.next_follow_up < ?1), 0),
             COALESCE(SUM(latest.next_follow_up > ?1 AND latest.next_follow_up <= ?2), 0)
        FROM customers c
        JOIN visits latest ON latest.id = (
               SELECT v.id FROM visits v WHERE v.customer_id = c.id AND v._deleted = 0
                ORDER BY v.visited_on DESC, v.id DESC LIMIT 1)
       WHERE c._deleted = 0)sql", 3, {t, week});
  follow_ups_ = {{QStringLiteral("today"), due.front()[0].toInt()},
                 {QStringLiteral("overdue"), due.front()[1].toInt()},
                 {QStringLiteral("upcoming"), due.front()[2].toInt()}};
  emit changed();
}

}  // namespace fieldsync::app
