// Touch targets: every button, row, choice and field a finger presses is at least 48 px
// high (the platforms' 48 dp, at the test's scale of 1), on the pages a rep uses most; and
// every text field has a label of its own (a placeholder goes once something is typed).

#include <gtest/gtest.h>

#include "app_window.hpp"

namespace fieldsync::app {
namespace {

using test::AppWindow;
using test::UiFlowTest;
using test::wait_until;

Value text(const std::string& s) { return Value(s); }

// Waits for a page transition to end: the page below is hidden only then.
void settle(AppWindow& w) {
  ASSERT_TRUE(wait_until([&] { return !w.find(QStringLiteral("stack"))->property("busy").toBool(); }));
}

// The visible pressable items (buttons, rows, choices) lower than 48 px, by name or text.
std::string small_targets(AppWindow& w) {
  std::string out;
  for (auto* item : w.items()) {
    const bool pressable = item->inherits("QQuickAbstractButton") || item->inherits("QQuickComboBox") ||
                           item->inherits("QQuickTextField");
    if (!pressable || !item->isVisible() || item->width() <= 0 || item->height() >= 48) continue;
    // Hidden by an invisible ancestor (a closed popup's items are not visible either).
    const QString label = item->objectName().isEmpty() ? item->property("text").toString() : item->objectName();
    out += label.toStdString() + " (" + std::to_string(static_cast<int>(item->height())) + " px) ";
  }
  return out;
}

// The visible text fields without a visible "label:<field's name>".
std::string unlabelled_fields(AppWindow& w) {
  std::string out;
  for (auto* item : w.items()) {
    const bool field = item->inherits("QQuickTextField") || item->inherits("QQuickTextArea");
    if (!field || !item->isVisible() || item->width() <= 0) continue;
    // A choice shows its text in a read-only text field: the choice has the label.
    if (item->parentItem() && item->parentItem()->inherits("QQuickComboBox")) continue;
    if (item->objectName().isEmpty() || !w.shows(QStringLiteral("label:") + item->objectName())) {
      out += (item->objectName().isEmpty() ? std::string("<unnamed>") : item->objectName().toStdString()) + " ";
    }
  }
  return out;
}

TEST_F(UiFlowTest, TouchTargetsAreAtLeast48High) {
  AppWindow rep(dir_.file("rep.db"));
  Replica& replica = rep.app().replica();
  const auto customer = replica.create("customers", {{"name", text("Aurora")}, {"territory", text("north")}});
  const auto order = replica.create("orders", {{"order_number", text("N-1")}, {"customer_id", text(customer.to_string())},
                                               {"territory", text("north")}});
  replica.create("visits", {{"customer_id", text(customer.to_string())}, {"summary", text("Tasting")}});
  rep.app().localWriteDone();
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("customer:Aurora")); }));
  EXPECT_EQ(small_targets(rep), "") << "home";

  rep.call("openCustomer", QString::fromStdString(customer.to_string()));
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("editCustomerButton")); }));
  settle(rep);
  EXPECT_EQ(small_targets(rep), "") << "customer page";

  rep.call("openOrder", QString::fromStdString(order.to_string()));
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("editOrderButton")); }));
  settle(rep);
  EXPECT_EQ(small_targets(rep), "") << "order page";

  rep.call("showHome");
  rep.call("openNewCustomer");
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("saveButton")); }));
  settle(rep);
  EXPECT_EQ(small_targets(rep), "") << "customer form";
}

TEST_F(UiFlowTest, EveryFieldHasALabel) {
  AppWindow rep(dir_.file("rep.db"));
  const auto customer = rep.app().replica().create("customers", {{"name", text("Aurora")}, {"territory", text("north")}});
  rep.app().localWriteDone();

  rep.open_advanced_settings();
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("saveSettingsButton")); }));
  settle(rep);
  EXPECT_EQ(unlabelled_fields(rep), "") << "settings";

  rep.call("showHome");
  rep.call("openNewCustomer");
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("saveButton")); }));
  settle(rep);
  EXPECT_EQ(unlabelled_fields(rep), "") << "customer form";

  rep.call("showHome");
  rep.call("openNewOrder", QString::fromStdString(customer.to_string()));
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("saveOrderButton")); }));
  settle(rep);
  EXPECT_EQ(unlabelled_fields(rep), "") << "new order";
}

}  // namespace
}  // namespace fieldsync::app
