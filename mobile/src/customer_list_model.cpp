#include "customer_list_model.hpp"

#include <QCollator>
#include <algorithm>

#include "rule_text.hpp"
#include "sql_rows.hpp"

namespace fieldsync::app {
namespace {

// A customer's next follow-up is the one asked for by their latest visit: logging a new
// visit (with or without a follow-up date) settles the previous one.
constexpr const char* kSelect = R"sql(
  SELECT c.id, c.name, c.tier, c.territory, c.phone,
         (SELECT v.next_follow_up FROM visits v
           WHERE v.customer_id = c.id AND v._deleted = 0
           ORDER BY v.visited_on DESC, v.id DESC LIMIT 1) AS follow_up,
         EXISTS (SELECT 1 FROM fs_outbox o WHERE o.collection = 'customers' AND o.id = c.id),
         c._conflicted
    FROM customers c
   WHERE c._deleted = 0
     AND (?1 = '' OR c.name LIKE ?2 ESCAPE '\' OR c.phone LIKE ?2 ESCAPE '\' OR c.email LIKE ?2 ESCAPE '\')
     AND (?3 = '' OR c.tier = ?3)
     AND (?4 = '' OR c.territory = ?4))sql";

QString like_pattern(QString text) {
  text.replace(QLatin1String("\\"), QLatin1String("\\\\"));
  text.replace(QLatin1String("%"), QLatin1String("\\%"));
  text.replace(QLatin1String("_"), QLatin1String("\\_"));
  return QLatin1Char('%') + text + QLatin1Char('%');
}

}  // namespace

CustomerListModel::CustomerListModel(Replica& replica, QObject* parent)
    : QAbstractListModel(parent), replica_(&replica) {
  reload();
}

int CustomerListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant CustomerListModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Row& row = rows_[static_cast<std::size_t>(index.row())];
  switch (role) {
    case kId: return row.id;
    case Qt::DisplayRole:
    case kName: return row.name;
    case kTier: return row.tier;
    case kTierLabel: return value_words(QStringLiteral("customers"), QStringLiteral("tier"), row.tier);
    case kTerritory: return row.territory;
    case kPhone: return row.phone;
    case kNextFollowUp: return row.next_follow_up;
    case kPending: return row.pending;
    case kConflicted: return row.conflicted;
    default: return {};
  }
}

QHash<int, QByteArray> CustomerListModel::roleNames() const {
  return {{kId, "recordId"},         {kName, "name"},       {kTier, "tier"},
          {kTerritory, "territory"}, {kPhone, "phone"},     {kNextFollowUp, "nextFollowUp"},
          {kPending, "pending"},     {kConflicted, "conflicted"},
          {kTierLabel, "tierLabel"}};
}

void CustomerListModel::setSearch(const QString& search) {
  if (search == search_) return;
  search_ = search;
  emit filterChanged();
  reload();
}

void CustomerListModel::setTier(const QString& tier) {
  if (tier == tier_) return;
  tier_ = tier;
  emit filterChanged();
  reload();
}

void CustomerListModel::setTerritory(const QString& territory) {
  if (territory == territory_) return;
  territory_ = territory;
  emit filterChanged();
  reload();
}

void CustomerListModel::setSortBy(const QString& sort_by) {
  const QString value = sort_by == QLatin1String("followUp") ? sort_by : QStringLiteral("name");
  if (value == sort_by_) return;
  sort_by_ = value;
  emit filterChanged();
  reload();
}

void CustomerListModel::setLocale(const QLocale& locale) {
  if (locale == locale_) return;
  locale_ = locale;
  reload();
}

void CustomerListModel::reload() {
  // SQLite compares bytes; names are put in the locale's order below.
  const std::string order = " ORDER BY c.id";
  const QString search = search_.trimmed();
  auto& db = replica_->database();
  const auto found = query_rows(db, std::string(kSelect) + order, 8,
                                {search, like_pattern(search), tier_, territory_});
  beginResetModel();
  rows_.clear();
  for (const auto& r : found) {
    rows_.push_back(Row{r[0], r[1], r[2], r[3], r[4], r[5], r[6] == QLatin1String("1"), r[7] == QLatin1String("1")});
  }
  QCollator collator(locale_);
  collator.setCaseSensitivity(Qt::CaseInsensitive);
  const bool by_follow_up = sort_by_ == QLatin1String("followUp");
  // By follow-up: the earliest first (ISO dates compare as text), none last; then by name.
  std::stable_sort(rows_.begin(), rows_.end(), [&](const Row& a, const Row& b) {
    if (by_follow_up && a.next_follow_up != b.next_follow_up) {
      if (a.next_follow_up.isEmpty() || b.next_follow_up.isEmpty()) return b.next_follow_up.isEmpty();
      return a.next_follow_up < b.next_follow_up;
    }
    return collator.compare(a.name, b.name) < 0;
  });
  endResetModel();

  territories_.clear();
  for (const auto& r : query_rows(db, "SELECT DISTINCT territory FROM customers WHERE _deleted = 0 ORDER BY 1", 1)) {
    if (!r[0].isEmpty()) territories_.push_back(r[0]);
  }
  emit countChanged();
}

QVariantMap CustomerListModel::get(int row) const {
  QVariantMap out;
  if (row < 0 || row >= rowCount()) return out;
  const auto names = roleNames();
  for (auto it = names.begin(); it != names.end(); ++it) {
    out.insert(QString::fromUtf8(it.value()), data(index(row), it.key()));
  }
  return out;
}

}  // namespace fieldsync::app
