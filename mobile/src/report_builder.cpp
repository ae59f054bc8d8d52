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

constexpr QLatin1String kTerritoryKey("territory:");
constexpr QLatin1String kOwnerKey("owner:");

// The slice's territory and rep ("" for any), the SQL parameters of every report.
std::pair<QString, QString> slice_filter(const QString& key) {
  if (key.startsWith(kTerritoryKey)) return {key.mid(kTerritoryKey.size()), QString()};
  if (key.startsWith(kOwnerKey)) return {QString(), key.mid(kOwnerKey.size())};
  return {};
}

QVariantMap slice_entry(const QString& key, const QString& label) {
  return {{QStringLiteral("key"), key}, {QStringLiteral("label"), label}};
}

}  // namespace

ReportBuilder::ReportBuilder(Replica& replica, QObject* parent) : QObject(parent), replica_(&replica) { reload(); }

void ReportBuilder::setSlice(const QString& key) {
  if (key == slice_) return;
  slice_ = key;
  reload(today_.isValid() ? today_ : QDate::currentDate());
}

void ReportBuilder::reload() { reload(QDate::currentDate()); }

void ReportBuilder::reload(const QDate& today) {
  today_ = today;
  auto& db = replica_->database();
  const auto [territory, owner] = slice_filter(slice_);

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
    slices_.push_back(slice_entry(slice_, !territory.isEmpty() ? tr("Territory %1").arg(territory) : tr("Rep %1").arg(owner)));
  }

  by_status_.clear();
  std::map<QString, std::pair<qint64, qint64>> status_totals;
  std::map<QString, std::pair<qint64, qint64>, std::greater<>> month_totals;
  for (const auto& r : query_rows(db, R"sql(
      SELECT o.id, o.status, COALESCE(o.amount, 0)
        FROM orders o LEFT JOIN customers c ON c.id = o.customer_id AND c._deleted = 0
       WHERE o._deleted = 0 AND (?1 = '' OR o.territory = ?1) AND (?2 = '' OR c.owner = ?2))sql", 3,
                                     {territory, owner})) {
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
        FROM customers c
       WHERE c._deleted = 0 AND c.tier = 'potential'
         AND (?1 = '' OR c.territory = ?1) AND (?2 = '' OR c.owner = ?2))sql", 2, {territory, owner});
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
       WHERE c._deleted = 0 AND (?3 = '' OR c.territory = ?3) AND (?4 = '' OR c.owner = ?4))sql", 3,
                              {t, week, territory, owner});
  follow_ups_ = {{QStringLiteral("today"), due.front()[0].toInt()},
                 {QStringLiteral("overdue"), due.front()[1].toInt()},
                 {QStringLiteral("upcoming"), due.front()[2].toInt()}};
  emit changed();
}

}  // namespace fieldsync::app
