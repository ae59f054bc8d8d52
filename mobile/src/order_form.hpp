#pragma once

#include <QObject>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fieldsync/core/replica.hpp"

namespace fieldsync::app {

// A new order for one customer, with lines picked from the product catalogue: each line's
// amount and the order's total are computed here (money in minor units, so exact), and
// save() writes the order and its lines in one transaction (all of them or none).
// The lines, due date and notes are kept as a draft in the replica's settings until saved
// or discarded, like RecordForm's. UI thread only.
class OrderForm : public QObject {
  Q_OBJECT
  QML_ELEMENT
  QML_UNCREATABLE("made by AppController")
  Q_PROPERTY(QString customerName READ customerName CONSTANT)
  Q_PROPERTY(QVariantList products READ products CONSTANT)
  Q_PROPERTY(QVariantList lines READ lines NOTIFY changed)
  Q_PROPERTY(QString total READ total NOTIFY changed)
  Q_PROPERTY(QString currency READ currency NOTIFY changed)
  Q_PROPERTY(QString dueDate READ dueDate WRITE setDueDate NOTIFY changed)
  Q_PROPERTY(QString notes READ notes WRITE setNotes NOTIFY changed)
  Q_PROPERTY(QString message READ message NOTIFY changed)
  Q_PROPERTY(QString orderId READ orderId NOTIFY saved)

 public:
  OrderForm(Replica& replica, RecordId customer_id, QObject* parent = nullptr);

  // Whom the order is for: the page says so.
  QString customerName() const;

  // Active products: {id, name, sku, price (text), currency}.
  QVariantList products() const { return products_; }
  // {productId, name, quantity (as typed), unitPrice, amount (text, empty if quantity is bad)}
  QVariantList lines() const;
  QString total() const;
  QString currency() const;
  QString dueDate() const { return due_date_; }
  void setDueDate(const QString& date);
  QString notes() const { return notes_; }
  void setNotes(const QString& notes);
  QString message() const { return message_; }
  QString orderId() const { return order_id_; }

  // Where the draft of a customer's new order is kept in the replica's settings: JSON
  // {lines: [{product, quantity}], due, notes}.
  static std::string draft_key(const RecordId& customer_id);

  Q_INVOKABLE void addLine(const QString& product_id, const QString& quantity = QStringLiteral("1"));
  Q_INVOKABLE void setQuantity(int line, const QString& quantity);
  Q_INVOKABLE void removeLine(int line);
  Q_INVOKABLE bool save();
  Q_INVOKABLE void discard();

 signals:
  void changed();
  void saved();
  void localWrite();

 private:
  struct Line {
    QString product_id, name, currency;
    QString quantity;  // as typed
    std::int64_t unit_price = 0;  // minor units
  };
  struct Product {
    QString name, currency;
    std::int64_t unit_price = 0;
  };
  std::optional<std::int64_t> quantity_of(const Line& line) const;
  void store_draft();
  void restore_draft();
  void edited();

  Replica* replica_;
  RecordId customer_id_;
  std::string territory_;
  QVariantList products_;
  std::map<QString, Product> catalogue_;
  std::vector<Line> lines_;
  QString due_date_, notes_, message_, order_id_;
};

}  // namespace fieldsync::app
