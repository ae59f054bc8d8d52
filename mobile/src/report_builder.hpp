#pragma once

#include <QDate>
#include <QObject>
#include <QVariantList>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include "fieldsync/core/replica.hpp"

namespace fieldsync::app {

// The reports a rep or supervisor sees on the device, computed from the local replica
// with read-only SQL: orders and amounts by status and by month, conversion of potential
// customers, follow-ups due. UI thread only; reload() after the replica changed.
//
// Decisions: an order's month is the month it was created, read from its UUIDv7 id (the
// schema has no creation date, and the id's first 48 bits are its creation time in ms).
// Conversion: potential customers with at least one order that is not cancelled, over all
// potential customers (the tier is current state; the audit log would tell when it changed).
class ReportBuilder : public QObject {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("owned by AppController")
  Q_PROPERTY(QVariantList ordersByStatus READ ordersByStatus NOTIFY changed)
  Q_PROPERTY(QVariantList ordersByMonth READ ordersByMonth NOTIFY changed)
  Q_PROPERTY(QVariantMap conversion READ conversion NOTIFY changed)
  Q_PROPERTY(QVariantMap followUps READ followUps NOTIFY changed)

 public:
  explicit ReportBuilder(Replica& replica, QObject* parent = nullptr);

  // Rows of {status, count, amount (text, major units)} in lifecycle order.
  QVariantList ordersByStatus() const { return by_status_; }
  // Rows of {month (YYYY-MM), count, amount}, newest month first.
  QVariantList ordersByMonth() const { return by_month_; }
  // {potential, converted, percent}
  QVariantMap conversion() const { return conversion_; }
  // {today, overdue, upcoming (next 7 days)}
  QVariantMap followUps() const { return follow_ups_; }

  Q_INVOKABLE void reload();
  void reload(const QDate& today);

 signals:
  void changed();

 private:
  Replica* replica_;
  QVariantList by_status_, by_month_;
  QVariantMap conversion_, follow_ups_;
};

}  // namespace fieldsync::app
