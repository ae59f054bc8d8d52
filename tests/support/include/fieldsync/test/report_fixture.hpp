#pragma once

// The records behind the report tests (the engine's, the CLI's): several months, reps,
// territories, tiers and currencies, cancelled orders, orders with lines, tickets and
// visits, written to a real replica. Every expected figure in those tests is worked out
// by hand from the comments here. Today is kReportToday.
//
// Customers (tier, territory, owner):
//   c1 Acme   potential north anna     c4 Delta  vip       south bruno
//   c2 Birch  potential north anna     c5 Echo   regular   north bruno
//   c3 Cobalt potential south bruno    c6 Fjord  potential south bruno (no orders)
// Orders (customer, order_date, currency, status, amount in minor units):
//   o1 c1 2030-04-10 CNY received   10000
//   o2 c1 2030-05-03 CNY delivered  lines 3 x 2500 + 1 x 500 = 8000 (stored amount 99999 ignored)
//   o3 c2 2030-05-20 CNY cancelled   5000
//   o4 c3 2030-05-28 USD scheduled   2000
//   o5 c4 2030-06-01 USD received   lines 2 x 1050 = 2100 (a deleted line of 9999 ignored)
//   o6 c4 2030-06-02 CNY cancelled   3000
//   o7 c5 2030-06-05 CNY reviewed    4000
//   o8 c3 2030-06-07 (none: CNY) received 1500
//   o9 c1 2030-06-09 CNY received    7777, deleted
// Tickets (kind, customer, opened_on, status, resolved_on):
//   t1 complaint c1 2030-05-02 resolved 2030-05-06 (4 days)
//   t2 complaint c2 2030-05-15 closed   2030-05-25 (10 days)
//   t3 complaint c3 2030-06-01 open
//   t4 return    c1 2030-05-10 rejected
//   t5 return    c4 2030-06-03 approved
//   t6 exchange  c3 2030-06-04 resolved 2030-06-05 (1 day)
//   t7 exchange  c1 2030-06-04 resolved 2030-06-30, deleted
//   t8 complaint c4 2030-06-10 in_progress
// Visits (customer, author, visited_on, next_follow_up):
//   v1 c1 anna  2030-05-01 2030-05-10  done by v2
//   v2 c1 anna  2030-05-12 2030-06-20  upcoming
//   v3 c2 anna  2030-06-01 2030-06-10  overdue
//   v4 c3 bruno 2030-06-02 2030-06-15  due today
//   v5 c4 bruno 2030-05-20 2030-06-01  overdue (v6 came before the date)
//   v6 c4 anna  2030-05-25 -
//   v7 c6 bruno 2030-06-05 2030-07-30  later
//   v8 c5 bruno 2030-06-01 2030-06-05  done by v9, the same day
//   v9 c5 bruno 2030-06-05 -
//   v10 c2 anna 2030-06-01 2030-06-02  deleted

#include <cstdint>
#include <string>

#include "fieldsync/core/replica.hpp"

namespace fieldsync::test {

inline constexpr const char* kReportToday = "2030-06-15";

inline void fill_report_fixture(Replica& replica) {
  auto t = [](std::string s) { return Value(std::move(s)); };
  auto customer = [&](const char* name, const char* tier, const char* territory, const char* owner) {
    return replica.create("customers",
                          {{"name", t(name)}, {"tier", t(tier)}, {"territory", t(territory)}, {"owner", t(owner)}});
  };
  const RecordId c1 = customer("Acme", "potential", "north", "anna");
  const RecordId c2 = customer("Birch", "potential", "north", "anna");
  const RecordId c3 = customer("Cobalt", "potential", "south", "bruno");
  const RecordId c4 = customer("Delta", "vip", "south", "bruno");
  const RecordId c5 = customer("Echo", "regular", "north", "bruno");
  const RecordId c6 = customer("Fjord", "potential", "south", "bruno");
  const RecordId product = replica.create("products", {{"sku", t("P-1")}, {"name", t("Pump")}});

  auto territory_of = [&](const RecordId& c) { return replica.get("customers", c)->value("territory"); };
  auto order = [&](const char* number, const RecordId& c, const char* date, const char* currency, const char* status,
                   std::int64_t amount) {
    FieldValues values{{"order_number", t(number)},   {"customer_id", t(c.to_string())},
                       {"order_date", t(date)},       {"status", t(status)},
                       {"amount", Value(amount)},     {"territory", territory_of(c)}};
    if (*currency) values.emplace_back("currency", t(currency));
    return replica.create("orders", values);
  };
  auto line = [&](const RecordId& o, std::int64_t quantity, std::int64_t unit_price) {
    return replica.create("order_lines", {{"order_id", t(o.to_string())},
                                          {"product_id", t(product.to_string())},
                                          {"quantity", Value(quantity)},
                                          {"unit_price", Value(unit_price)}});
  };
  order("N-1", c1, "2030-04-10", "CNY", "received", 10000);
  const RecordId o2 = order("N-2", c1, "2030-05-03", "CNY", "delivered", 99999);
  line(o2, 3, 2500);
  line(o2, 1, 500);
  order("N-3", c2, "2030-05-20", "CNY", "cancelled", 5000);
  order("N-4", c3, "2030-05-28", "USD", "scheduled", 2000);
  const RecordId o5 = order("N-5", c4, "2030-06-01", "USD", "received", 0);
  line(o5, 2, 1050);
  replica.remove("order_lines", line(o5, 1, 9999));
  order("N-6", c4, "2030-06-02", "CNY", "cancelled", 3000);
  order("N-7", c5, "2030-06-05", "CNY", "reviewed", 4000);
  order("N-8", c3, "2030-06-07", "", "received", 1500);
  replica.remove("orders", order("N-9", c1, "2030-06-09", "CNY", "received", 7777));

  auto ticket = [&](const char* kind, const RecordId& c, const char* opened_on, const char* status,
                    const char* resolved_on) {
    FieldValues values{{"kind", t(kind)}, {"customer_id", t(c.to_string())},
                       {"opened_on", t(opened_on)}, {"status", t(status)}};
    if (*resolved_on) values.emplace_back("resolved_on", t(resolved_on));
    return replica.create("tickets", values);
  };
  ticket("complaint", c1, "2030-05-02", "resolved", "2030-05-06");
  ticket("complaint", c2, "2030-05-15", "closed", "2030-05-25");
  ticket("complaint", c3, "2030-06-01", "open", "");
  ticket("return", c1, "2030-05-10", "rejected", "");
  ticket("return", c4, "2030-06-03", "approved", "");
  ticket("exchange", c3, "2030-06-04", "resolved", "2030-06-05");
  replica.remove("tickets", ticket("exchange", c1, "2030-06-04", "resolved", "2030-06-30"));
  ticket("complaint", c4, "2030-06-10", "in_progress", "");

  auto visit = [&](const RecordId& c, const char* author, const char* visited_on, const char* follow_up) {
    FieldValues values{{"customer_id", t(c.to_string())}, {"author", t(author)}, {"visited_on", t(visited_on)}};
    if (*follow_up) values.emplace_back("next_follow_up", t(follow_up));
    return replica.create("visits", values);
  };
  visit(c1, "anna", "2030-05-01", "2030-05-10");
  visit(c1, "anna", "2030-05-12", "2030-06-20");
  visit(c2, "anna", "2030-06-01", "2030-06-10");
  visit(c3, "bruno", "2030-06-02", "2030-06-15");
  visit(c4, "bruno", "2030-05-20", "2030-06-01");
  visit(c4, "anna", "2030-05-25", "");
  visit(c6, "bruno", "2030-06-05", "2030-07-30");
  visit(c5, "bruno", "2030-06-01", "2030-06-05");
  visit(c5, "bruno", "2030-06-05", "");
  replica.remove("visits", visit(c2, "anna", "2030-06-01", "2030-06-02"));
}

}  // namespace fieldsync::test
