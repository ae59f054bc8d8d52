#include <gtest/gtest.h>

#include <QDate>

#include <memory>

#include "app_controller.hpp"
#include "model_test_support.hpp"

namespace fieldsync::app {
namespace {

using test::text;

QStringList offered(const RecordMoves& moves) {
  QStringList out;
  for (const auto& m : moves.moves()) out << m.toMap().value(QStringLiteral("to")).toString();
  return out;
}

QVariantMap offer(const RecordMoves& moves, const QString& to) {
  for (const auto& m : moves.moves()) {
    if (m.toMap().value(QStringLiteral("to")).toString() == to) return m.toMap();
  }
  return {};
}

std::string shown(const Replica& replica, const char* collection, const RecordId& id, const char* field) {
  const auto record = replica.get(collection, id);
  const Value& v = record->value(field);
  return is_null(v) ? std::string() : std::get<std::string>(v);
}

// An order and two tickets as the office sent them to the phone (nothing pending).
class RecordMovesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Replica office = test::open_file(dir_, "office.db");
    const auto customer = office.create("customers", {{"name", text("Aurora")}, {"territory", text("north")}});
    const std::string c = customer.to_string();
    order_ = office.create("orders", {{"order_number", text("N-1")}, {"customer_id", text(c)}, {"territory", text("north")}});
    complaint_ = office.create("tickets", {{"customer_id", text(c)}, {"kind", text("complaint")}});
    office.update("tickets", complaint_, {{"status", text("in_progress")}});
    return_ = office.create("tickets", {{"customer_id", text(c)}, {"kind", text("return")}});
    test::deliver(office, app_.replica());
    as("rep");
  }
  void as(const char* role) {
    app_.replica().set_setting(kSignedInRoleSetting, role);
    app_.localWriteDone();
  }
  std::unique_ptr<RecordMoves> moves(const char* collection, const RecordId& id) {
    return std::unique_ptr<RecordMoves>(app_.moves(QString::fromLatin1(collection), QString::fromStdString(id.to_string())));
  }

  fieldsync::test::TempDir dir_;
  AppController app_{QString::fromStdString(dir_.file("phone.db"))};
  RecordId order_, complaint_, return_;
};

TEST_F(RecordMovesTest, OffersTheMovesOfTheRoleInLifecycleOrder) {
  auto rep = moves("orders", order_);
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->stage(), QStringLiteral("received"));
  EXPECT_EQ(rep->stageLabel(), QStringLiteral("Received"));
  EXPECT_EQ(offered(*rep), QStringList{"cancelled"});  // the review is a supervisor's
  EXPECT_TRUE(offer(*rep, "cancelled").value(QStringLiteral("needsReason")).toBool());
  EXPECT_EQ(offer(*rep, "cancelled").value(QStringLiteral("label")).toString(), QStringLiteral("Cancel order"));

  as("supervisor");  // the page follows the role (AppController refreshes it)
  EXPECT_EQ(offered(*rep), (QStringList{"reviewed", "cancelled"}));
  EXPECT_EQ(offer(*rep, "reviewed").value(QStringLiteral("label")).toString(), QStringLiteral("Approve review"));
  EXPECT_EQ(rep->hint(), QString());

  // A return waits for a supervisor's approval: a rep is told it is not their step.
  as("rep");
  auto ret = moves("tickets", return_);
  EXPECT_TRUE(offered(*ret).isEmpty());
  EXPECT_FALSE(ret->hint().isEmpty());
  as("supervisor");
  EXPECT_EQ(offered(*ret), (QStringList{"approved", "rejected"}));
  EXPECT_EQ(app_.moves(QStringLiteral("customers"), QString::fromStdString(order_.to_string())), nullptr);
}

TEST_F(RecordMovesTest, ACancellationNeedsAReasonAndAnOfferedMoveOnly) {
  auto m = moves("orders", order_);
  EXPECT_FALSE(m->move(QStringLiteral("reviewed"), {}, {}).isEmpty());  // not offered to a rep
  EXPECT_FALSE(m->move(QStringLiteral("cancelled"), QStringLiteral("  "), {}).isEmpty());
  EXPECT_EQ(shown(app_.replica(), "orders", order_, "status"), "received");
  EXPECT_EQ(app_.outboxSize(), 0);

  const int revision = app_.revision();
  EXPECT_EQ(m->move(QStringLiteral("cancelled"), QStringLiteral("customer closed the shop"), {}), QString());
  EXPECT_EQ(shown(app_.replica(), "orders", order_, "status"), "cancelled");
  EXPECT_EQ(shown(app_.replica(), "orders", order_, "status_reason"), "customer closed the shop");
  EXPECT_GT(app_.revision(), revision);  // the views were told
  EXPECT_EQ(app_.outboxSize(), 1);
}

TEST_F(RecordMovesTest, TheReplicasRefusalIsShownInWords) {
  as("supervisor");
  auto m = moves("orders", order_);
  ASSERT_TRUE(offered(*m).contains(QStringLiteral("reviewed")));
  // The role changes under a page that still offers the review (a sync in between):
  // the replica judges the write and says why.
  app_.replica().set_setting(kSignedInRoleSetting, "rep");
  const QString why = m->move(QStringLiteral("reviewed"), {}, {});
  EXPECT_TRUE(why.contains(QLatin1String("only a supervisor may"))) << why.toStdString();
  EXPECT_EQ(shown(app_.replica(), "orders", order_, "status"), "received");
}

TEST_F(RecordMovesTest, ResolvingATicketAsksForItsResolutionAndDate) {
  auto m = moves("tickets", complaint_);
  EXPECT_EQ(offered(*m), QStringList{"resolved"});
  const auto fields = offer(*m, "resolved").value(QStringLiteral("fields")).toList();
  ASSERT_EQ(fields.size(), 2);
  EXPECT_EQ(fields[0].toMap().value(QStringLiteral("name")).toString(), QStringLiteral("resolution"));
  EXPECT_EQ(fields[0].toMap().value(QStringLiteral("value")).toString(), QString());
  EXPECT_EQ(fields[1].toMap().value(QStringLiteral("name")).toString(), QStringLiteral("resolved_on"));
  const QString today = fields[1].toMap().value(QStringLiteral("value")).toString();
  EXPECT_EQ(today, QDate::currentDate().toString(Qt::ISODate));  // today by default

  EXPECT_TRUE(m->move(QStringLiteral("resolved"), {}, {{QStringLiteral("resolved_on"), today}}).contains(QLatin1String("Resolution")));
  EXPECT_EQ(shown(app_.replica(), "tickets", complaint_, "status"), "in_progress");
  EXPECT_EQ(m->move(QStringLiteral("resolved"), {},
                    {{QStringLiteral("resolution"), QStringLiteral("replaced the seal")}, {QStringLiteral("resolved_on"), today}}),
            QString());
  EXPECT_EQ(shown(app_.replica(), "tickets", complaint_, "status"), "resolved");
  EXPECT_EQ(shown(app_.replica(), "tickets", complaint_, "resolution"), "replaced the seal");
  EXPECT_TRUE(offered(*m).isEmpty());  // closing is a supervisor's
}

TEST_F(RecordMovesTest, AMoveCanBeUndoneUntilItIsSent) {
  as("supervisor");
  auto m = moves("orders", order_);
  EXPECT_FALSE(m->canUndo());
  ASSERT_EQ(m->move(QStringLiteral("reviewed"), {}, {}), QString());
  EXPECT_TRUE(m->canUndo());
  EXPECT_EQ(app_.outboxSize(), 1);
  EXPECT_EQ(m->undo(), QString());
  EXPECT_EQ(shown(app_.replica(), "orders", order_, "status"), "received");
  EXPECT_EQ(app_.outboxSize(), 0);
  EXPECT_FALSE(m->canUndo());
  EXPECT_FALSE(m->undo().isEmpty());  // nothing left to undo, said so
}

}  // namespace
}  // namespace fieldsync::app
