#include "order_form.hpp"

#include <QDate>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "fieldsync/core/order_numbers.hpp"
#include "value_text.hpp"

namespace fieldsync::app {
namespace {

QString money(std::int64_t minor) {
  static const FieldSchema kMoney = [] {
    FieldSchema field;
    field.name = "amount";
    field.type = FieldType::kMoney;
    return field;
  }();
  return to_text(kMoney, Value(minor));
}

}  // namespace

OrderForm::OrderForm(Replica& replica, RecordId customer_id, QObject* parent)
    : QObject(parent), replica_(&replica), customer_id_(customer_id) {
  const auto customer = replica_->get("customers", customer_id_);
  if (!customer) throw Error(ErrorCode::kNotFound, "no customer " + customer_id_.to_string());
  territory_ = std::get<std::string>(customer->value("territory"));

  ListQuery query;
  query.order_by = "name";
  for (const auto& p : replica_->list("products", query)) {
    const auto* active = std::get_if<bool>(&p.value("active"));
    if (active && !*active) continue;
    const auto* price = std::get_if<std::int64_t>(&p.value("unit_price"));
    const auto* currency = std::get_if<std::string>(&p.value("currency"));
    const QString id = QString::fromStdString(p.state.id.to_string());
    Product product{to_text(*p.collection->field("name"), p.value("name")),
                    currency ? QString::fromStdString(*currency) : QString(), price ? *price : 0};
    products_.push_back(QVariantMap{{QStringLiteral("id"), id},
                                    {QStringLiteral("name"), product.name},
                                    {QStringLiteral("sku"), to_text(*p.collection->field("sku"), p.value("sku"))},
                                    {QStringLiteral("price"), money(product.unit_price)},
                                    {QStringLiteral("currency"), product.currency}});
    catalogue_.emplace(id, std::move(product));
  }
  restore_draft();
}

std::optional<std::int64_t> OrderForm::quantity_of(const Line& line) const {
  bool ok = false;
  const qint64 q = line.quantity.trimmed().toLongLong(&ok);
  if (!ok || q <= 0 || q > 1'000'000) return std::nullopt;
  return q;
}

QVariantList OrderForm::lines() const {
  QVariantList out;
  for (const auto& line : lines_) {
    const auto q = quantity_of(line);
    out.push_back(QVariantMap{{QStringLiteral("productId"), line.product_id},
                              {QStringLiteral("name"), line.name},
                              {QStringLiteral("quantity"), line.quantity},
                              {QStringLiteral("unitPrice"), money(line.unit_price)},
                              {QStringLiteral("amount"), q ? money(*q * line.unit_price) : QString()}});
  }
  return out;
}

QString OrderForm::total() const {
  std::int64_t sum = 0;
  for (const auto& line : lines_) {
    if (const auto q = quantity_of(line)) sum += *q * line.unit_price;
  }
  return money(sum);
}

QString OrderForm::currency() const { return lines_.empty() ? QString() : lines_.front().currency; }

void OrderForm::setDueDate(const QString& date) {
  if (date == due_date_) return;
  due_date_ = date;
  edited();
}

void OrderForm::setNotes(const QString& notes) {
  if (notes == notes_) return;
  notes_ = notes;
  edited();
}

void OrderForm::addLine(const QString& product_id, const QString& quantity) {
  const auto it = catalogue_.find(product_id);
  if (it == catalogue_.end()) {
    message_ = tr("That product is not in the catalogue.");
    emit changed();
    return;
  }
  lines_.push_back(Line{product_id, it->second.name, it->second.currency, quantity, it->second.unit_price});
  edited();
}

void OrderForm::setQuantity(int line, const QString& quantity) {
  if (line < 0 || line >= static_cast<int>(lines_.size())) return;
  lines_[static_cast<std::size_t>(line)].quantity = quantity;
  edited();
}

void OrderForm::removeLine(int line) {
  if (line < 0 || line >= static_cast<int>(lines_.size())) return;
  lines_.erase(lines_.begin() + line);
  edited();
}

void OrderForm::edited() {
  message_.clear();
  emit changed();
  store_draft();
}

std::string OrderForm::draft_key(const RecordId& customer_id) {
  return "app.draft/orders/new/customer_id=" + customer_id.to_string();
}

void OrderForm::store_draft() {
  QJsonArray lines;
  for (const auto& line : lines_) {
    lines.push_back(QJsonObject{{QStringLiteral("product"), line.product_id}, {QStringLiteral("quantity"), line.quantity}});
  }
  const QJsonObject draft{{QStringLiteral("lines"), lines}, {QStringLiteral("due"), due_date_}, {QStringLiteral("notes"), notes_}};
  try {
    replica_->set_setting(draft_key(customer_id_), QJsonDocument(draft).toJson(QJsonDocument::Compact).toStdString());
  } catch (const Error& e) {
    message_ = tr("Could not keep a draft: %1").arg(QString::fromStdString(e.what()));
  }
}

void OrderForm::restore_draft() {
  const auto draft = replica_->setting(draft_key(customer_id_));
  if (!draft || draft->empty()) return;
  const QJsonObject saved = QJsonDocument::fromJson(QByteArray::fromStdString(*draft)).object();
  due_date_ = saved.value(QLatin1String("due")).toString();
  notes_ = saved.value(QLatin1String("notes")).toString();
  for (const auto& l : saved.value(QLatin1String("lines")).toArray()) {
    const QJsonObject line = l.toObject();
    const auto it = catalogue_.find(line.value(QLatin1String("product")).toString());
    if (it == catalogue_.end()) continue;  // withdrawn from the catalogue since
    lines_.push_back(Line{it->first, it->second.name, it->second.currency,
                          line.value(QLatin1String("quantity")).toString(), it->second.unit_price});
  }
}

bool OrderForm::save() {
  message_.clear();
  if (lines_.empty()) message_ = tr("Add at least one product.");
  for (const auto& line : lines_) {
    if (!quantity_of(line)) message_ = tr("The quantity of %1 must be a whole number above 0.").arg(line.name);
    if (line.currency != currency()) message_ = tr("All products of one order must have the same currency.");
  }
  const CollectionSchema& orders = replica_->schema().require("orders");
  Value due;
  if (message_.isEmpty()) {
    try {
      due = from_text(*orders.field("due_date"), due_date_);
      validate_value(*orders.field("due_date"), due);
    } catch (const Error&) {
      message_ = tr("The due date must be a date like %1.").arg(QDate::currentDate().toString(Qt::ISODate));
    }
  }
  if (!message_.isEmpty()) {
    emit changed();
    return false;
  }
  std::int64_t amount = 0;
  for (const auto& line : lines_) amount += *quantity_of(line) * line.unit_price;
  try {
    RecordId order_id;
    replica_->transaction([&] {
      // Unique without asking the server: the next number of this device's series.
      FieldValues order{{"order_number", Value(take_order_number(*replica_))},
                        {"customer_id", Value(customer_id_.to_string())},
                        {"status", Value(std::string("received"))},
                        {"amount", Value(amount)},
                        {"territory", Value(territory_)}};
      if (!currency().isEmpty()) order.emplace_back("currency", Value(currency().toStdString()));
      if (!is_null(due)) order.emplace_back("due_date", due);
      if (!notes_.trimmed().isEmpty()) order.emplace_back("notes", Value(notes_.trimmed().toStdString()));
      order_id = replica_->create("orders", order);
      for (const auto& line : lines_) {
        replica_->create("order_lines", {{"order_id", Value(order_id.to_string())},
                                         {"product_id", Value(line.product_id.toStdString())},
                                         {"quantity", Value(*quantity_of(line))},
                                         {"unit_price", Value(line.unit_price)}});
      }
      replica_->set_setting(draft_key(customer_id_), "");
    });
    order_id_ = QString::fromStdString(order_id.to_string());
  } catch (const Error& e) {
    message_ = tr("Not saved: %1").arg(QString::fromStdString(e.what()));
    emit changed();
    return false;
  }
  emit changed();
  emit localWrite();
  emit saved();
  return true;
}

void OrderForm::discard() {
  replica_->set_setting(draft_key(customer_id_), "");
  lines_.clear();
  due_date_.clear();
  notes_.clear();
  emit changed();
}

QString OrderForm::customerName() const {
  const auto customer = replica_->get("customers", customer_id_);
  if (!customer) return {};
  const Value& name = customer->value("name");
  return is_null(name) ? QString() : QString::fromStdString(std::get<std::string>(name));
}

}  // namespace fieldsync::app
