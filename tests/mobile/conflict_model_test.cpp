#include <gtest/gtest.h>

#include "conflict_model.hpp"
#include "fieldsync/core/people.hpp"
#include "model_test_support.hpp"

namespace fieldsync::app {
namespace {

using test::text;

class ConflictModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    aurora_ = office_.create("customers", {{"name", text("Hotel Aurora")}, {"territory", text("north")}});
    test::deliver(office_, phone_);
    phone_.update("customers", aurora_, {{"tier", text("vip")}});
    office_.update("customers", aurora_, {{"tier", text("regular")}});
    test::deliver(office_, phone_);
    phone_.set_setting(kSignedInRoleSetting, "supervisor");  // settle_roles: supervisors
  }

  fieldsync::test::TempDir dir_;
  Replica office_ = test::open_file(dir_, "office.db");
  Replica phone_ = test::open_file(dir_, "phone.db");
  RecordId aurora_;
};

TEST_F(ConflictModelTest, ShowsEachConcurrentValueWithItsAuthor) {
  ConflictModel model(phone_);
  ASSERT_EQ(model.rowCount(), 1);
  const QVariantMap row = model.get(0);
  EXPECT_EQ(row.value(QStringLiteral("recordTitle")).toString(), QStringLiteral("Hotel Aurora"));
  EXPECT_EQ(row.value(QStringLiteral("field")).toString(), QStringLiteral("tier"));
  const auto engine = phone_.conflicts().front();
  EXPECT_EQ(row.value(QStringLiteral("shown")).toString().toStdString(), std::get<std::string>(engine.shown));

  QStringList values;
  int mine = 0;
  for (const auto& s : row.value(QStringLiteral("siblings")).toList()) {
    values << s.toMap().value(QStringLiteral("value")).toString();
    mine += s.toMap().value(QStringLiteral("mine")).toBool() ? 1 : 0;
  }
  values.sort();
  EXPECT_EQ(values, (QStringList{"regular", "vip"}));
  EXPECT_EQ(mine, 1);

  // In words for reading, not the schema's values: "Customer · Tier", "VIP".
  EXPECT_EQ(row.value(QStringLiteral("heading")).toString(), QStringLiteral("Customer · Tier"));
  QStringList labels;
  for (const auto& s : row.value(QStringLiteral("siblings")).toList()) labels << s.toMap().value(QStringLiteral("label")).toString();
  labels.sort();
  EXPECT_EQ(labels, (QStringList{"Regular", "VIP"}));
  EXPECT_TRUE(row.value(QStringLiteral("shownLabel")).toString() == QLatin1String("VIP") ||
              row.value(QStringLiteral("shownLabel")).toString() == QLatin1String("Regular"));
}

// The office's value is named by its person once the directory has been fetched; until
// then by its device.
TEST_F(ConflictModelTest, NamesTheAuthorOnceTheDirectoryKnowsTheDevice) {
  auto office_author = [&](const ConflictModel& model) {
    for (const auto& s : model.get(0).value(QStringLiteral("siblings")).toList()) {
      if (!s.toMap().value(QStringLiteral("mine")).toBool()) return s.toMap();
    }
    return QVariantMap{};
  };
  ConflictModel model(phone_);
  QVariantMap office = office_author(model);
  EXPECT_EQ(office.value(QStringLiteral("author")).toString(), QString());
  EXPECT_EQ(office.value(QStringLiteral("device")).toString().toStdString(),
            office_.replica_id().to_string().substr(0, 8));

  const std::string directory = R"([{"name":"sue","display_name":"Susanne Berg","role":"supervisor","devices":[")" +
                                office_.replica_id().to_string() + R"("]}])";
  remember_people(phone_, parse_user_directory(directory));
  model.reload();
  office = office_author(model);
  EXPECT_EQ(office.value(QStringLiteral("author")).toString(), QStringLiteral("Susanne Berg"));
}

TEST_F(ConflictModelTest, SettlingWritesOneValueThatReplacesBoth) {
  ConflictModel model(phone_);
  EXPECT_FALSE(model.settle(0, QStringLiteral("gold")).isEmpty());  // not a tier: refused
  EXPECT_EQ(phone_.conflicts().size(), 1u);

  int writes = 0;
  QObject::connect(&model, &ConflictModel::localWrite, [&] { ++writes; });
  EXPECT_EQ(model.settle(0, QStringLiteral("potential")), QString());
  EXPECT_EQ(writes, 1);
  model.reload();
  EXPECT_EQ(model.rowCount(), 0);
  EXPECT_EQ(std::get<std::string>(phone_.get("customers", aurora_)->value("tier")), "potential");

  // The settling write has seen both values: on the office it replaces them too.
  test::deliver(phone_, office_);
  EXPECT_TRUE(office_.conflicts().empty());
  EXPECT_EQ(std::get<std::string>(office_.get("customers", aurora_)->value("tier")), "potential");
}

TEST_F(ConflictModelTest, ARepSeesAConflictButDoesNotSettleIt) {
  phone_.set_setting(kSignedInRoleSetting, "rep");
  ConflictModel model(phone_);
  ASSERT_EQ(model.rowCount(), 1);
  EXPECT_FALSE(model.canSettle());
  EXPECT_EQ(model.settlers(), QStringLiteral("a supervisor"));
  EXPECT_EQ(model.settle(0, QStringLiteral("vip")), QStringLiteral("Only a supervisor may settle a conflict."));
  EXPECT_EQ(phone_.conflicts().size(), 1u);
  EXPECT_EQ(phone_.outbox_size(), 1u);  // her own tier edit, nothing more
}

}  // namespace
}  // namespace fieldsync::app
