#include <gtest/gtest.h>

#include "model_test_support.hpp"
#include "record_form.hpp"

namespace fieldsync::app {
namespace {

using test::text;

class RecordFormTest : public ::testing::Test {
 protected:
  fieldsync::test::TempDir dir_;
  Replica phone_ = test::open_file(dir_, "phone.db");
};

TEST_F(RecordFormTest, FailedSaveKeepsTheTextAndSaysWhyPerField) {
  RecordForm form(phone_, "customers", std::nullopt, {});
  form.setValue(QStringLiteral("territory"), QStringLiteral("north"));
  form.setValue(QStringLiteral("tier"), QStringLiteral("gold"));
  EXPECT_FALSE(form.save());
  EXPECT_EQ(form.errors().value(QStringLiteral("name")).toString(), QStringLiteral("Name is required."));
  EXPECT_TRUE(form.errors().value(QStringLiteral("tier")).toString().contains(QLatin1String("gold")));
  EXPECT_FALSE(form.errors().contains(QStringLiteral("territory")));
  EXPECT_FALSE(form.message().isEmpty());
  EXPECT_EQ(form.value(QStringLiteral("territory")), QStringLiteral("north"));
  EXPECT_EQ(form.value(QStringLiteral("tier")), QStringLiteral("gold"));
  EXPECT_TRUE(phone_.list("customers").empty());
  EXPECT_EQ(phone_.outbox_size(), 0u);
}

TEST_F(RecordFormTest, DraftSurvivesARestartUntilSaved) {
  {
    RecordForm form(phone_, "customers", std::nullopt, {});
    form.setValue(QStringLiteral("name"), QStringLiteral("Half typed"));
  }
  // "Restart": a new connection to the file, a new form.
  Replica reopened = test::open_file(dir_, "phone.db");
  RecordForm again(reopened, "customers", std::nullopt, {});
  EXPECT_TRUE(again.restoredDraft());
  EXPECT_EQ(again.value(QStringLiteral("name")), QStringLiteral("Half typed"));
  again.setValue(QStringLiteral("territory"), QStringLiteral("north"));
  ASSERT_TRUE(again.save());

  RecordForm fresh(reopened, "customers", std::nullopt, {});
  EXPECT_FALSE(fresh.restoredDraft());
  EXPECT_EQ(fresh.value(QStringLiteral("name")), QString());
}

TEST_F(RecordFormTest, UpdateWritesOnlyTheChangedFields) {
  const auto id = phone_.create("customers", {{"name", text("Aurora")}, {"territory", text("north")}});
  const auto before = phone_.get("customers", id)->state;
  RecordForm form(phone_, "customers", id, {});
  EXPECT_EQ(form.value(QStringLiteral("name")), QStringLiteral("Aurora"));
  form.setValue(QStringLiteral("phone"), QStringLiteral("+49 30 1"));
  ASSERT_TRUE(form.save());

  const auto after = phone_.get("customers", id);
  EXPECT_EQ(std::get<std::string>(after->value("phone")), "+49 30 1");
  // The name keeps the dot of its first write: an unchanged field is not rewritten, so it
  // cannot conflict with someone else's edit of it.
  EXPECT_EQ(after->state.field("name")->siblings, before.field("name")->siblings);
  EXPECT_NE(after->state.field("phone")->siblings.front().dot, before.field("name")->siblings.front().dot);
}

TEST_F(RecordFormTest, ChildFormsFixTheirParentAndOfferTheCustomersRecordsAsLinks) {
  const auto customer = phone_.create("customers", {{"name", text("Aurora")}, {"territory", text("north")}});
  const auto other = phone_.create("customers", {{"name", text("Borealis")}, {"territory", text("north")}});
  const auto order = phone_.create("orders", {{"customer_id", text(customer.to_string())},
                                              {"order_number", text("A-1")}, {"territory", text("north")}});
  phone_.create("orders", {{"customer_id", text(other.to_string())}, {"order_number", text("B-1")},
                           {"territory", text("north")}});
  RecordForm form(phone_, "visits", std::nullopt, {{"customer_id", text(customer.to_string())}});
  ASSERT_FALSE(form.fields().isEmpty());
  QStringList references;
  for (const auto& f : form.fields()) {
    const QVariantMap field = f.toMap();
    if (field.value(QStringLiteral("type")).toString() != QLatin1String("reference")) continue;
    references << field.value(QStringLiteral("name")).toString();
    // The visit's order is one of this customer's: A-1, not the other customer's B-1.
    EXPECT_EQ(field.value(QStringLiteral("label")).toString(), QStringLiteral("Order"));
    EXPECT_EQ(field.value(QStringLiteral("options")).toStringList(), QStringList{QStringLiteral("A-1")});
    EXPECT_EQ(field.value(QStringLiteral("optionIds")).toStringList(), QStringList{QString::fromStdString(order.to_string())});
  }
  EXPECT_EQ(references, QStringList{QStringLiteral("order_id")}) << "the parent (customer_id) is fixed, not offered";
  form.setValue(QStringLiteral("visited_on"), QStringLiteral("31.12.2024"));
  EXPECT_FALSE(form.save());
  EXPECT_TRUE(form.errors().value(QStringLiteral("visited_on")).toString().contains(QLatin1String("date like")));
  form.setValue(QStringLiteral("visited_on"), QStringLiteral("2024-12-31"));
  form.setValue(QStringLiteral("summary"), QStringLiteral("Tasting"));
  ASSERT_TRUE(form.save());
  ListQuery query;
  query.equals.emplace_back("customer_id", text(customer.to_string()));
  const auto visits = phone_.list("visits", query);
  ASSERT_EQ(visits.size(), 1u);
  EXPECT_EQ(std::get<std::string>(visits.front().value("summary")), "Tasting");
}

QVariantMap field_of(const RecordForm& form, const char* name) {
  for (const auto& f : form.fields()) {
    if (f.toMap().value(QStringLiteral("name")).toString() == QLatin1String(name)) return f.toMap();
  }
  return {};
}

// may_change: a rep sets a customer's tier, owner and territory when creating the file,
// and sees them read-only afterwards; a supervisor may change them.
TEST_F(RecordFormTest, FieldsTheRoleMayNotChangeAreReadOnly) {
  phone_.set_setting(kSignedInRoleSetting, "rep");
  phone_.set_setting(kSignedInUserSetting, "rita");
  RecordForm create(phone_, "customers", std::nullopt, {});
  EXPECT_FALSE(field_of(create, "tier").value(QStringLiteral("readOnly")).toBool());
  create.setValue(QStringLiteral("name"), QStringLiteral("Aurora"));
  create.setValue(QStringLiteral("territory"), QStringLiteral("north"));
  ASSERT_TRUE(create.save()) << create.message().toStdString();
  const auto id = *Uuid::parse(create.recordId().toStdString());
  EXPECT_EQ(std::get<std::string>(phone_.get("customers", id)->value("owner")), "rita");  // the default

  RecordForm edit(phone_, "customers", id, {});
  for (const char* name : {"tier", "territory", "owner"}) {
    EXPECT_TRUE(field_of(edit, name).value(QStringLiteral("readOnly")).toBool()) << name;
    EXPECT_EQ(field_of(edit, name).value(QStringLiteral("note")).toString(), QStringLiteral("Only a supervisor may change this."));
  }
  EXPECT_FALSE(field_of(edit, "phone").value(QStringLiteral("readOnly")).toBool());
  edit.setValue(QStringLiteral("tier"), QStringLiteral("vip"));  // a stale draft, say
  edit.setValue(QStringLiteral("phone"), QStringLiteral("+86 21 1"));
  ASSERT_TRUE(edit.save()) << edit.message().toStdString();
  EXPECT_EQ(std::get<std::string>(phone_.get("customers", id)->value("tier")), "potential");
  EXPECT_EQ(std::get<std::string>(phone_.get("customers", id)->value("phone")), "+86 21 1");

  phone_.set_setting(kSignedInRoleSetting, "supervisor");
  RecordForm supervisor(phone_, "customers", id, {});
  EXPECT_FALSE(field_of(supervisor, "tier").value(QStringLiteral("readOnly")).toBool());
}

// A ticket's status is moved (RecordMoves), not typed; a new one starts open, today.
TEST_F(RecordFormTest, ATicketFormLeavesTheStageToItsMovesAndFillsDefaults) {
  const auto customer = phone_.create("customers", {{"name", text("Aurora")}, {"territory", text("north")}});
  RecordForm form(phone_, "tickets", std::nullopt, {{"customer_id", text(customer.to_string())}});
  EXPECT_TRUE(form.hasLifecycle());
  EXPECT_TRUE(field_of(form, "status").isEmpty());
  EXPECT_TRUE(field_of(form, "status_reason").isEmpty());
  form.setValue(QStringLiteral("kind"), QStringLiteral("complaint"));
  ASSERT_TRUE(form.save()) << form.message().toStdString();  // opened_on may be left empty
  const auto ticket = phone_.get("tickets", *Uuid::parse(form.recordId().toStdString()));
  EXPECT_EQ(std::get<std::string>(ticket->value("status")), "open");
  EXPECT_FALSE(is_null(ticket->value("opened_on")));
}

TEST_F(RecordFormTest, ProductsAreNotEditableOnAPhone) {
  try {
    RecordForm form(phone_, "products", std::nullopt, {});
    ADD_FAILURE() << "a products form was made";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kReadOnly);
  }
}

}  // namespace
}  // namespace fieldsync::app
