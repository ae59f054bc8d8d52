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
//
// Slices: every report can be narrowed to one territory or one rep (slice()). A customer
// is in a territory by its `territory` and belongs to a rep by its `owner`; an order is in
// a territory by its own `territory` (the field that scopes it on the server) and belongs
// to the rep who owns its customer (orders have no owner of their own).
class ReportBuilder : public QObject {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("owned by AppController")
  Q_PROPERTY(QVariantList ordersByStatus READ ordersByStatus NOTIFY changed)
  Q_PROPERTY(QVariantList ordersByMonth READ ordersByMonth NOTIFY changed)
  Q_PROPERTY(QVariantMap conversion READ conversion NOTIFY changed)
  Q_PROPERTY(QVariantMap followUps READ followUps NOTIFY changed)
  Q_PROPERTY(QVariantList slices READ slices NOTIFY changed)
  Q_PROPERTY(QString slice READ slice WRITE setSlice NOTIFY changed)

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
  // What the reports can be narrowed to: {key, label}, "All" (key "") first, then each
  // territory ("territory:<name>") and each rep ("owner:<name>") the replica knows.
  QVariantList slices() const { return slices_; }
  // The key of the slice shown now ("" for everything).
  QString slice() const { return slice_; }
  // Narrows the reports and recomputes them; an unknown kind of key means everything.
  void setSlice(const QString& key);

  Q_INVOKABLE void reload();
  void reload(const QDate& today);

 signals:
  void changed();

 private:
  Replica* replica_;
  QVariantList by_status_, by_month_;
  QVariantMap conversion_, follow_ups_;
  QVariantList slices_;
  QString slice_;
  QDate today_;  // of the last reload, kept when the slice changes
};

}  // namespace fieldsync::app
