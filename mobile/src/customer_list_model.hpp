#pragma once

#include <QAbstractListModel>
#include <QLocale>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

#include <vector>

#include "fieldsync/core/replica.hpp"

namespace fieldsync::app {

// The rep's customers from the local replica: searched by name (or phone, email), filtered
// by tier and territory, sorted by name or by next follow-up (the one their latest visit
// asked for). Each row says whether it waits to be pushed or is in conflict.
// UI thread only; reload() after the replica changed.
class CustomerListModel : public QAbstractListModel {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("owned by AppController")
  Q_PROPERTY(QString search READ search WRITE setSearch NOTIFY filterChanged)
  Q_PROPERTY(QString tier READ tier WRITE setTier NOTIFY filterChanged)
  Q_PROPERTY(QString territory READ territory WRITE setTerritory NOTIFY filterChanged)
  Q_PROPERTY(QString sortBy READ sortBy WRITE setSortBy NOTIFY filterChanged)
  Q_PROPERTY(QStringList territories READ territories NOTIFY countChanged)
  Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

 public:
  enum Role { kId = Qt::UserRole + 1, kName, kTier, kTerritory, kPhone, kNextFollowUp, kPending, kConflicted, kTierLabel };

  explicit CustomerListModel(Replica& replica, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

  QString search() const { return search_; }
  void setSearch(const QString& search);
  QString tier() const { return tier_; }  // empty: every tier
  void setTier(const QString& tier);
  QString territory() const { return territory_; }  // empty: every territory
  void setTerritory(const QString& territory);
  QString sortBy() const { return sort_by_; }  // "name" or "followUp"
  void setSortBy(const QString& sort_by);
  QStringList territories() const { return territories_; }
  // Names sort by this locale's collation (QCollator: "Bäckerei" before "Bistro", Chinese
  // names in pinyin order); the app's locale (AppController sets it with the language).
  void setLocale(const QLocale& locale);

  Q_INVOKABLE void reload();
  // The row's field for tests and delegates: role name -> value.
  Q_INVOKABLE QVariantMap get(int row) const;

 signals:
  void filterChanged();
  void countChanged();

 private:
  struct Row {
    QString id, name, tier, territory, phone, next_follow_up;
    bool pending = false, conflicted = false;
  };

  Replica* replica_;
  QString search_, tier_, territory_, sort_by_ = QStringLiteral("name");
  QStringList territories_;
  QLocale locale_;
  std::vector<Row> rows_;
};

}  // namespace fieldsync::app
