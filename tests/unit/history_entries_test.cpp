// The history text the CLI and the app show, read from the server's history JSON.
#include "fieldsync/core/history_entries.hpp"

#include <gtest/gtest.h>

#include "fieldsync/core/error.hpp"

namespace fieldsync {
namespace {

TEST(HistoryEntries, EachEntryNamesThePersonTheDeviceAndTheValues) {
  const auto entries = parse_history(R"([
    {"at_ms":1000,"user":"anna","display_name":"Anna Weber","replica":"0190a6f2-0001-7000-8000-0000000000a1",
     "action":"accepted","fields":["status","_deleted"],"detail":"",
     "changes":[{"field":"_deleted","old":null,"new":"false"},{"field":"status","old":"scheduled","new":"in_progress"},
                {"field":"notes","old":"","new":null}]},
    {"at_ms":2000,"user":"sue","display_name":"sue","replica":"0190a6f2-0001-7000-8000-0000000000b1",
     "action":"conflict_settled","changes":[{"field":"phone","new":"9","replaced":["2","3"]}]},
    {"at_ms":3000,"user":"ben","replica":"x","action":"conflict_opened",
     "changes":[{"field":"phone","old":"1","new":"3","concurrent":["2","3"]}]},
    {"at_ms":4000,"user":"carla","action":"refused","fields":["customer_id","_deleted"],"detail":"outside your scope"},
    {"user":"sue","action":"accepted","changes":[{"field":"_deleted","old":"false","new":"true"}]}
  ])");
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(entries[0].person(), "Anna Weber (anna)");
  EXPECT_EQ(entries[0].device(), "0190a6f2");
  EXPECT_EQ(entries[0].at_ms, 1000u);
  EXPECT_EQ(entries[0].changes, (std::vector<std::string>{"status: scheduled -> in_progress", "notes: \"\" -> (none)"}));
  EXPECT_EQ(entries[1].person(), "sue");
  EXPECT_EQ(entries[1].changes, (std::vector<std::string>{"phone: settled on 9 (replaced 2, 3)"}));
  EXPECT_EQ(entries[2].changes, (std::vector<std::string>{"phone: 1 -> 3 (concurrent: 2, 3)"}));
  EXPECT_EQ(entries[3].changes, (std::vector<std::string>{"customer_id"}));
  EXPECT_EQ(entries[3].detail, "outside your scope");
  EXPECT_EQ(entries[4].changes, (std::vector<std::string>{"_deleted: false -> true"})) << "a delete shows as one";

  // The same, field by field, for readers that word them themselves (the app).
  ASSERT_EQ(entries[0].field_changes.size(), 2u);
  EXPECT_EQ(entries[0].field_changes[1].field, "notes");
  EXPECT_EQ(entries[0].field_changes[1].old_value, std::optional<std::string>(""));
  EXPECT_EQ(entries[0].field_changes[1].new_value, std::nullopt);
  ASSERT_EQ(entries[1].field_changes.size(), 1u);
  EXPECT_EQ(entries[1].field_changes[0].new_value, std::optional<std::string>("9"));
  EXPECT_EQ(entries[1].field_changes[0].others,
            (std::vector<std::optional<std::string>>{std::string("2"), std::string("3")}));
  EXPECT_TRUE(entries[3].field_changes.empty());
  EXPECT_EQ(entries[3].fields, (std::vector<std::string>{"customer_id", "_deleted"}));
}

TEST(HistoryEntries, ABodyOfAnotherShapeIsAnError) {
  for (const char* bad : {"", "{}", "[1]", "[[]]", "nonsense"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(parse_history(bad), Error);
  }
  // Odd values inside an entry are shown as nothing rather than refused.
  const auto odd = parse_history(R"([{"at_ms":-5,"user":7,"changes":"x","fields":{}}])");
  ASSERT_EQ(odd.size(), 1u);
  EXPECT_EQ(odd[0].at_ms, 0u);
  EXPECT_EQ(odd[0].user, "");
  EXPECT_EQ(odd[0].changes, (std::vector<std::string>{""}));
}

}  // namespace
}  // namespace fieldsync
