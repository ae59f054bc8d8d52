#include "demo_data.hpp"

#include <QDateTime>

#include <array>
#include <span>

#include "app_controller.hpp"
#include "fieldsync/core/people.hpp"

namespace fieldsync::app {
namespace {

Value text(const char* s) { return Value(std::string(s)); }
Value text(const std::string& s) { return Value(s); }
Value date(const QDate& d) { return Value(d.toString(Qt::ISODate).toStdString()); }

struct DemoCustomer {
  const char* name;
  const char* tier;
  const char* territory;
  const char* industry;
  const char* phone;
  const char* owner;  // the rep who looks after them
};

constexpr std::array kCustomers{
    DemoCustomer{"Hotel Aurora", "vip", "north", "Hospitality", "+49 30 1234 100", "rita"},
    DemoCustomer{"Bäckerei Sonnenschein", "regular", "north", "Bakery", "+49 30 1234 200", "rita"},
    DemoCustomer{"Café Linde", "potential", "north", "Café", "+49 30 1234 300", "otto"},
    DemoCustomer{"Klinik am See", "vip", "north", "Healthcare", "+49 30 1234 400", "rita"},
    DemoCustomer{"Gasthof zur Post", "potential", "south", "Hospitality", "+49 89 555 110", "lena"},
    DemoCustomer{"Kantine Werk 2", "regular", "south", "Catering", "+49 89 555 120", "lena"},
    DemoCustomer{"Bistro Mondo", "potential", "south", "Restaurant", "+49 89 555 130", "lena"},
};

}  // namespace

void seed_demo_data(Replica& phone, const QDate& today) {
  ListQuery any;
  any.limit = 1;
  if (!phone.list("customers", any).empty()) return;
  Replica office = Replica::open(":memory:", phone.schema());

  std::vector<RecordId> products;
  const std::array<std::tuple<const char*, const char*, std::int64_t>, 4> catalogue{{
      {"CF-1", "Coffee beans, 1 kg", 1890},
      {"CF-6", "Espresso machine service", 12900},
      {"TE-2", "Green tea, 100 bags", 790},
      {"CU-9", "Paper cups, 500", 2450},
  }};
  for (const auto& [sku, name, price] : catalogue) {
    products.push_back(office.create("products", {{"sku", text(sku)}, {"name", text(name)}, {"unit_price", Value(price)},
                                                  {"currency", text("EUR")}, {"active", Value(true)}}));
  }

  std::vector<RecordId> customers;
  for (const auto& c : kCustomers) {
    customers.push_back(office.create("customers", {{"name", text(c.name)}, {"tier", text(c.tier)},
                                                    {"territory", text(c.territory)}, {"industry", text(c.industry)},
                                                    {"phone", text(c.phone)}, {"owner", text(c.owner)}}));
  }
  office.create("contacts", {{"customer_id", text(customers[0].to_string())}, {"name", text("Marta Weiss")},
                             {"role", text("Purchasing")}, {"phone", text("+49 30 1234 101")}});
  office.create("contacts", {{"customer_id", text(customers[0].to_string())}, {"name", text("Jonas Brandt")},
                             {"role", text("Head chef")}});

  const std::array<const char*, 7> stages{"received", "reviewed", "scheduled", "in_progress",
                                          "delivered", "after_sales", "cancelled"};
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const RecordId& customer = customers[i % 4];
    const std::int64_t quantity = static_cast<std::int64_t>(i) + 2;
    const std::int64_t price = std::get<2>(catalogue[i % catalogue.size()]);
    const auto order = office.create(
        "orders", {{"order_number", text("ORD-DEMO-" + std::to_string(101 + i))},
                   {"customer_id", text(customer.to_string())}, {"status", text(stages[i])},
                   {"amount", Value(quantity * price)}, {"currency", text("EUR")},
                   {"due_date", date(today.addDays(static_cast<int>(i) * 3))}, {"territory", text("north")}});
    office.create("order_lines", {{"order_id", text(order.to_string())},
                                  {"product_id", text(products[i % products.size()].to_string())},
                                  {"quantity", Value(quantity)}, {"unit_price", Value(price)}});
  }

  auto visit = [&](std::size_t customer, int days_ago, const char* channel, const char* summary, int follow_up_in) {
    office.create("visits", {{"customer_id", text(customers[customer].to_string())}, {"channel", text(channel)},
                             {"summary", text(summary)}, {"visited_on", date(today.addDays(-days_ago))},
                             {"next_follow_up", date(today.addDays(follow_up_in))}});
  };
  visit(0, 9, "visit", "Tasting of the new blend", -2);
  visit(1, 5, "phone", "Asked for a price list", 0);
  visit(2, 3, "visit", "First meeting, interested in cups", 4);
  visit(4, 12, "email", "Sent the catalogue", -5);
  office.create("tickets", {{"customer_id", text(customers[0].to_string())}, {"kind", text("complaint")},
                            {"status", text("in_progress")}, {"description", text("Machine leaks after service")}});

  // The first sync: everything the office holds arrives on the phone, which is Rita's (a
  // rep's). Recorded as a sync records it, so the phone does not look never synced while
  // it shows the office's records and the conflict below.
  phone.merge(office.changes_since(0).states);
  phone.set_setting(kSignedInRoleSetting, "rep");
  phone.set_setting(kSignedInUserSetting, "rita");
  phone.set_setting(kLastSyncSetting, std::to_string(QDateTime::currentMSecsSinceEpoch()));
  // And the user directory that sync fetches: the office's edits are Susanne's.
  const DeviceOwner office_owner{office.replica_id(), Person{"sue", "Susanne Berg"}};
  remember_people(phone, std::span(&office_owner, 1));

  // Two concurrent edits of one phone number: the phone's stays pending, and merging the
  // office's opens a conflict for review.
  phone.update("customers", customers[0], {{"phone", text("+49 30 1234 199")}});
  office.update("customers", customers[0], {{"phone", text("+49 30 1234 150")}});
  phone.merge(office.changes_since(0).states);
}

}  // namespace fieldsync::app
