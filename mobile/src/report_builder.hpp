#pragma once

#include <QDate>
#include <QObject>
#include <QVariantList>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include "fieldsync/core/replica.hpp"

namespace fieldsync::app {

// The reports a rep or supervisor sees on the device, computed from the local replica by
// the shared report engine (fieldsync::reports, the same figures as `fieldsync report`):
// orders by status and by month of their order_date, cancelled orders apart, amounts per
// currency (never added together), closing of potential customers, follow-ups due.
// UI thread only; reload() after the replica changed.
//
// Slices: every report can be narrowed to one territory or one rep (slice()). An order is
// in a territory by its own `territory` and belongs to the rep who owns its customer; a
// follow-up belongs to the visit's author and is in its customer's territory.
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

  // Rows of {status, count, amount} in lifecycle order; amount is text per currency,
  // "14.50 CNY, 3.00 USD".
  QVariantList ordersByStatus() const { return by_status_; }
  // Rows of {month (YYYY-MM of order_date; "" for none), count, amount, cancelledCount,
  // cancelledAmount}, newest month first; count and amount leave cancelled orders out.
  QVariantList ordersByMonth() const { return by_month_; }
  // {potential, converted, percent}: potential customers with an order not cancelled.
  QVariantMap conversion() const { return conversion_; }
  // {today, overdue, upcoming (next 7 days)}: follow-ups not done (follow_ups_report.hpp).
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

  // For the charts: orders not cancelled per group of `grouping` ("month", "rep", "tier",
  // "territory") in the slice shown, as {key, count}; months oldest first.
  Q_INVOKABLE QVariantList orderCounts(const QString& grouping) const;

  // The reports that export, and their words.
  Q_INVOKABLE QStringList exports() const;
  Q_INVOKABLE QString exportLabel(const QString& report) const;
  // Writes `report` (one of exports()) for the slice shown now as a CSV file into the
  // export folder: {path} or {error} in words.
  Q_INVOKABLE QVariantMap exportCsv(const QString& report) const;
  // Documents/FieldSync by default (where a phone's file manager and share sheet look).
  QString exportDir() const { return export_dir_; }
  void setExportDir(const QString& dir) { export_dir_ = dir; }

 signals:
  void changed();

 private:
  Replica* replica_;
  QVariantList by_status_, by_month_;
  QVariantMap conversion_, follow_ups_;
  QVariantList slices_;
  QString slice_;
  QDate today_;  // of the last reload, kept when the slice changes
  QString export_dir_;
};

}  // namespace fieldsync::app
