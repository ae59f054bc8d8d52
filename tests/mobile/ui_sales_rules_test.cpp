// The sales rules in the real app (QML driven by clicks and keys, offscreen), with a rep
// and a supervisor on the production server on loopback: each is offered only the steps
// their role may take, every step asks first, a cancellation asks why, a resolution asks
// for its text and date, and a step not yet sent can be undone.

#include <gtest/gtest.h>

#include <QDate>

#include <string>

#include "app_window.hpp"
#include "fieldsync/client/sync_once.hpp"

namespace fieldsync::app {
namespace {

using test::AppWindow;
using test::wait_until;

class SalesRulesUiTest : public test::UiFlowTest {
 protected:
  // Takes the step to `to` on the page shown (its button, then the confirmation), which
  // then shows the stage `then`.
  static void step(AppWindow& w, const QString& to, const char* then) {
    w.click(QStringLiteral("move:") + to);
    w.click(QStringLiteral("moveConfirmButton"));
    closed(w);
    ASSERT_TRUE(wait_until([&] { return stage_is(w, then); })) << w.text(QStringLiteral("stageLabel")).toStdString();
  }
  // The dialog gone, its closing included (until then it takes the clicks).
  static void closed(AppWindow& w) {
    ASSERT_TRUE(wait_until([&] { return !w.shows(QStringLiteral("moveConfirmButton")); }))
        << w.text(QStringLiteral("moveMessage")).toStdString();
  }
  static bool stage_is(AppWindow& w, const char* label) {
    return w.text(QStringLiteral("stageLabel")) == QLatin1String(label);
  }
  void sign_in(AppWindow& rep, AppWindow& supervisor) {
    connect(rep, rep_token_);
    connect(supervisor, supervisor_token_);
  }
  // A customer of the rep's territory, made on her phone and synced.
  static RecordId customer(AppWindow& rep, const char* name) {
    const RecordId id = rep.app().replica().create("customers", {{"name", Value(std::string(name))},
                                                                 {"territory", Value(std::string("north"))}});
    rep.app().localWriteDone();
    return id;
  }
};

// A saved order's due date and notes are the rep's to edit; its date is a supervisor's, its
// amount the lines'. The edit reaches the office.
TEST_F(SalesRulesUiTest, ARepEditsASavedOrdersDueDateAndNotes) {
  AppWindow rep(dir_.file("rep.db"));
  AppWindow supervisor(dir_.file("supervisor.db"));
  sign_in(rep, supervisor);
  const RecordId shop = customer(rep, "Corner Shop");
  const RecordId order = rep.app().replica().create(
      "orders", {{"customer_id", Value(shop.to_string())}, {"order_number", Value(std::string("R-1"))},
                 {"territory", Value(std::string("north"))}});
  rep.app().localWriteDone();
  auto notes_are = [&](AppWindow& w, const char* notes) {
    auto record = w.app().replica().get("orders", order);
    return record && record->value("notes") == Value(std::string(notes));
  };
  rep.call("openOrder", QString::fromStdString(order.to_string()));
  rep.click(QStringLiteral("editOrderButton"));
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("field:due_date")); })) << rep.visible_names();
  EXPECT_TRUE(rep.text(QStringLiteral("note:order_date")).contains(QLatin1String("supervisor")))
      << rep.text(QStringLiteral("note:order_date")).toStdString();
  EXPECT_TRUE(rep.text(QStringLiteral("note:amount")).contains(QLatin1String("order lines")))
      << rep.text(QStringLiteral("note:amount")).toStdString();
  rep.type(QStringLiteral("field:due_date"), QStringLiteral("2027-01-15"));
  rep.type(QStringLiteral("field:notes"), QStringLiteral("Ring twice"));
  rep.click(QStringLiteral("saveButton"));
  ASSERT_TRUE(wait_until([&] { return notes_are(rep, "Ring twice"); })) << rep.text(QStringLiteral("formMessage")).toStdString();
  EXPECT_EQ(std::get<std::string>(rep.app().replica().get("orders", order)->value("due_date")), "2027-01-15");
  EXPECT_TRUE(wait_until([&] { return notes_are(supervisor, "Ring twice"); }));
  EXPECT_TRUE(rep.app().replica().rejections().empty());
}

TEST_F(SalesRulesUiTest, AnOrdersWholeLife) {
  // The catalogue is an administrator's: one product, synced to the server.
  const std::string admin_token = server_.add_user("ada", server::Role::kAdmin);
  Replica catalogue = Replica::open(dir_.file("admin.db"), Schema::domain());
  catalogue.create("products", {{"sku", Value(std::string("TEA-1"))}, {"name", Value(std::string("Green tea"))},
                                {"unit_price", Value(std::int64_t{1250})}, {"currency", Value(std::string("CNY"))},
                                {"active", Value(true)}});
  client::sync_once(catalogue, server_.url(), admin_token);
  ASSERT_EQ(catalogue.outbox_size(), 0u);

  AppWindow rep(dir_.file("rep.db"));
  AppWindow supervisor(dir_.file("supervisor.db"));
  sign_in(rep, supervisor);
  ASSERT_TRUE(wait_until([&] { return rep.app().replica().list("products").size() == 1; }));

  // The rep takes an order at her customer's.
  customer(rep, "Tea House");
  rep.click(QStringLiteral("customer:Tea House"));
  rep.click(QStringLiteral("action:Orders"));
  rep.click(QStringLiteral("addLineButton"));
  rep.click(QStringLiteral("saveOrderButton"));
  ASSERT_TRUE(wait_until([&] { return rep.app().replica().list("orders").size() == 1; }));
  const Record order = rep.app().replica().list("orders").front();
  const QString number = QString::fromStdString(std::get<std::string>(order.value("order_number")));
  EXPECT_EQ(std::get<std::string>(order.value("responsible")), "rita");  // defaults of the schema
  EXPECT_EQ(std::get<std::string>(order.value("currency")), "CNY");
  rep.click(QStringLiteral("order:") + number);
  ASSERT_TRUE(wait_until([&] { return stage_is(rep, "Received"); })) << rep.text(QStringLiteral("stageLabel")).toStdString();

  // The review is a supervisor's: not offered to her. Cancelling is, and asks why.
  EXPECT_FALSE(rep.shows(QStringLiteral("move:reviewed")));
  rep.click(QStringLiteral("move:cancelled"));
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("moveReasonField")); }));
  EXPECT_TRUE(rep.text(QStringLiteral("moveQuestion")).contains(QLatin1String("Cancelled")));
  rep.click(QStringLiteral("moveConfirmButton"));
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("moveMessage")) == QLatin1String("Please give a reason."); }));
  rep.click(QStringLiteral("moveCancelButton"));
  closed(rep);
  EXPECT_TRUE(stage_is(rep, "Received"));

  // The supervisor reviews it.
  ASSERT_TRUE(wait_until([&] { return supervisor.app().replica().get("orders", order.state.id).has_value(); }));
  supervisor.call("openOrder", QString::fromStdString(order.state.id.to_string()));
  ASSERT_TRUE(wait_until([&] { return stage_is(supervisor, "Received"); }));
  step(supervisor, QStringLiteral("reviewed"), "Reviewed");
  ASSERT_TRUE(wait_until([&] { return stage_is(rep, "Reviewed"); }))
      << rep.text(QStringLiteral("stageLabel")).toStdString() << " | rep has "
      << std::get<std::string>(rep.app().replica().get("orders", order.state.id)->value("status")) << " | supervisor outbox "
      << supervisor.app().outboxSize() << " rejections " << supervisor.app().replica().rejections().size() << " "
      << supervisor.text(QStringLiteral("syncErrorLabel")).toStdString();

  // Offline, the rep schedules it, thinks better of it and undoes the step: nothing waits.
  const auto port = server_.port();
  server_.stop();
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("onlineLabel")) == QLatin1String("Offline"); }));
  EXPECT_FALSE(rep.shows(QStringLiteral("undoMoveButton")));
  step(rep, QStringLiteral("scheduled"), "Scheduled");
  EXPECT_EQ(rep.text(QStringLiteral("outboxLabel")), QStringLiteral("1 edit waiting"));
  rep.click(QStringLiteral("undoMoveButton"));
  ASSERT_TRUE(wait_until([&] { return stage_is(rep, "Reviewed"); }))
      << rep.text(QStringLiteral("moveRefusal")).toStdString() << " | " << rep.visible_names();
  EXPECT_EQ(rep.text(QStringLiteral("outboxLabel")), QStringLiteral("0 edits waiting"));
  EXPECT_FALSE(rep.shows(QStringLiteral("undoMoveButton")));
  step(rep, QStringLiteral("scheduled"), "Scheduled");
  server_.start(port);
  rep.click(QStringLiteral("syncNowButton"));
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("outboxLabel")) == QLatin1String("0 edits waiting"); }));
  EXPECT_TRUE(wait_until([&] { return !rep.shows(QStringLiteral("undoMoveButton")); }));  // sent: for good

  // Once scheduled, cancelling is a supervisor's; she starts, delivers, hands to after-sales.
  EXPECT_FALSE(rep.shows(QStringLiteral("move:cancelled")));
  step(rep, QStringLiteral("in_progress"), "In progress");
  step(rep, QStringLiteral("delivered"), "Delivered");
  step(rep, QStringLiteral("after_sales"), "After-sales");
  EXPECT_TRUE(wait_until([&] { return stage_is(supervisor, "After-sales"); }));
  EXPECT_TRUE(rep.app().replica().rejections().empty());
}

TEST_F(SalesRulesUiTest, AComplaintsWholeLife) {
  AppWindow rep(dir_.file("rep.db"));
  AppWindow supervisor(dir_.file("supervisor.db"));
  sign_in(rep, supervisor);
  const RecordId shop = customer(rep, "Tea House");

  // The rep opens a complaint: it starts open, today, handled by her.
  rep.click(QStringLiteral("customer:Tea House"));
  rep.click(QStringLiteral("action:Tickets"));
  rep.choose(QStringLiteral("choice:kind"), 3);  // "", return, exchange, complaint
  // Shown in words, saved as the schema's value (below).
  ASSERT_EQ(rep.find(QStringLiteral("choice:kind"))->property("currentText").toString(), QStringLiteral("Complaint"));
  rep.type(QStringLiteral("field:description"), QStringLiteral("Leaking tap"));
  rep.click(QStringLiteral("saveButton"));
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("ticket:Complaint")); }))
      << rep.visible_names() << " | " << rep.text(QStringLiteral("formMessage")).toStdString();
  const Record ticket = rep.app().replica().list("tickets").front();
  EXPECT_EQ(std::get<std::string>(ticket.value("kind")), "complaint");
  EXPECT_EQ(std::get<std::string>(ticket.value("status")), "open");
  EXPECT_EQ(std::get<std::string>(ticket.value("handler")), "rita");
  EXPECT_EQ(std::get<std::string>(ticket.value("opened_on")), QDate::currentDate().toString(Qt::ISODate).toStdString());

  rep.click(QStringLiteral("ticket:Complaint"));
  ASSERT_TRUE(wait_until([&] { return stage_is(rep, "Open"); }));
  step(rep, QStringLiteral("in_progress"), "Being handled");

  // Resolving asks for the resolution, and the date (today unless she says otherwise).
  rep.click(QStringLiteral("move:resolved"));
  ASSERT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("moveField:resolution")); }));
  EXPECT_EQ(rep.text(QStringLiteral("moveField:resolved_on")), QDate::currentDate().toString(Qt::ISODate));
  rep.click(QStringLiteral("moveConfirmButton"));
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("moveMessage")).contains(QLatin1String("Resolution")); }));
  rep.type(QStringLiteral("moveField:resolution"), QStringLiteral("New seal fitted"));
  rep.click(QStringLiteral("moveConfirmButton"));
  ASSERT_TRUE(wait_until([&] { return stage_is(rep, "Resolved"); })) << rep.text(QStringLiteral("moveMessage")).toStdString();
  EXPECT_EQ(std::get<std::string>(rep.app().replica().get("tickets", ticket.state.id)->value("resolution")), "New seal fitted");
  // Closing is the supervisor's.
  EXPECT_FALSE(rep.shows(QStringLiteral("move:closed")));
  EXPECT_TRUE(rep.shows(QStringLiteral("moveHint")));

  ASSERT_TRUE(wait_until([&] {
    const auto there = supervisor.app().replica().get("tickets", ticket.state.id);
    return there && std::get<std::string>(there->value("status")) == "resolved";
  }));
  supervisor.call("openCustomer", QString::fromStdString(shop.to_string()));
  supervisor.click(QStringLiteral("ticket:Complaint"));
  ASSERT_TRUE(wait_until([&] { return stage_is(supervisor, "Resolved"); }));
  step(supervisor, QStringLiteral("closed"), "Closed");
  EXPECT_TRUE(wait_until([&] { return stage_is(rep, "Closed"); }));
  EXPECT_TRUE(rep.app().replica().rejections().empty());
}

// A return names what comes back: the rep picks the order and its line among the
// customer's, and the server takes the links.
TEST_F(SalesRulesUiTest, ARepLinksAReturnToItsOrderAndLine) {
  const std::string admin_token = server_.add_user("ada", server::Role::kAdmin);
  Replica catalogue = Replica::open(dir_.file("admin.db"), Schema::domain());
  const RecordId tea = catalogue.create("products", {{"sku", Value(std::string("TEA-1"))},
                                                     {"name", Value(std::string("Green tea"))},
                                                     {"unit_price", Value(std::int64_t{1250})}});
  client::sync_once(catalogue, server_.url(), admin_token);

  AppWindow rep(dir_.file("rep.db"));
  AppWindow supervisor(dir_.file("supervisor.db"));
  sign_in(rep, supervisor);
  ASSERT_TRUE(wait_until([&] { return rep.app().replica().list("products").size() == 1; }));
  const RecordId shop = customer(rep, "Tea House");
  Replica& phone = rep.app().replica();
  const RecordId order = phone.create("orders", {{"customer_id", Value(shop.to_string())},
                                                 {"order_number", Value(std::string("R-7"))},
                                                 {"territory", Value(std::string("north"))}});
  const RecordId line = phone.create("order_lines", {{"order_id", Value(order.to_string())},
                                                     {"product_id", Value(tea.to_string())},
                                                     {"quantity", Value(std::int64_t{2})},
                                                     {"unit_price", Value(std::int64_t{1250})}});
  rep.app().localWriteDone();

  rep.call("openCustomer", QString::fromStdString(shop.to_string()));
  rep.click(QStringLiteral("action:Tickets"));
  rep.choose(QStringLiteral("choice:kind"), 1);  // "", return
  rep.choose(QStringLiteral("pick:order_id"), 1);  // (none), R-7
  EXPECT_EQ(rep.find(QStringLiteral("pick:order_id"))->property("currentText").toString(), QStringLiteral("R-7"));
  rep.choose(QStringLiteral("pick:order_line_id"), 1);
  EXPECT_EQ(rep.find(QStringLiteral("pick:order_line_id"))->property("currentText").toString(),
            QStringLiteral("R-7 · Green tea"));
  rep.type(QStringLiteral("field:description"), QStringLiteral("Wrong tea"));
  rep.click(QStringLiteral("saveButton"));
  ASSERT_TRUE(wait_until([&] { return phone.list("tickets").size() == 1; })) << rep.text(QStringLiteral("formMessage")).toStdString();
  const Record ticket = phone.list("tickets").front();
  EXPECT_EQ(std::get<std::string>(ticket.value("kind")), "return");
  EXPECT_EQ(std::get<std::string>(ticket.value("order_id")), order.to_string());
  EXPECT_EQ(std::get<std::string>(ticket.value("order_line_id")), line.to_string());
  ASSERT_TRUE(wait_until([&] { return supervisor.app().replica().get("tickets", ticket.state.id).has_value(); }));
  EXPECT_EQ(supervisor.app().replica().get("tickets", ticket.state.id)->value("order_line_id"), Value(line.to_string()));
  EXPECT_TRUE(phone.rejections().empty());
}

TEST_F(SalesRulesUiTest, AReturnIsApprovedByASupervisor) {
  AppWindow rep(dir_.file("rep.db"));
  AppWindow supervisor(dir_.file("supervisor.db"));
  sign_in(rep, supervisor);
  const RecordId shop = customer(rep, "Tea House");
  const RecordId ret = rep.app().replica().create(
      "tickets", {{"customer_id", Value(shop.to_string())}, {"kind", Value(std::string("return"))},
                  {"description", Value(std::string("Wrong tea delivered"))}});
  rep.app().localWriteDone();

  // Waiting for approval: nothing for the rep to do but wait, and she is told so.
  rep.call("openCustomer", QString::fromStdString(shop.to_string()));
  rep.click(QStringLiteral("ticket:Return"));
  ASSERT_TRUE(wait_until([&] { return stage_is(rep, "Open"); }));
  EXPECT_TRUE(rep.shows(QStringLiteral("moveHint")));
  EXPECT_FALSE(rep.shows(QStringLiteral("move:approved")));
  EXPECT_TRUE(rep.find(QStringLiteral("field:opened_on"))->property("readOnly").toBool());  // a supervisor's to correct

  ASSERT_TRUE(wait_until([&] { return supervisor.app().replica().get("tickets", ret).has_value(); }));
  supervisor.call("openCustomer", QString::fromStdString(shop.to_string()));
  supervisor.click(QStringLiteral("ticket:Return"));
  ASSERT_TRUE(wait_until([&] { return stage_is(supervisor, "Open"); }));
  EXPECT_TRUE(supervisor.shows(QStringLiteral("move:rejected")));
  step(supervisor, QStringLiteral("approved"), "Approved");

  // Approved: the rep sees it and may start handling the return.
  ASSERT_TRUE(wait_until([&] { return stage_is(rep, "Approved"); }));
  EXPECT_TRUE(wait_until([&] { return rep.shows(QStringLiteral("move:in_progress")); }));
}

}  // namespace
}  // namespace fieldsync::app
