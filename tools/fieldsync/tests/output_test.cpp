// Time, table, progress and JSON rendering.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "json_output.hpp"
#include "fieldsync/tools/progress_bar.hpp"
#include "text_table.hpp"
#include "time_format.hpp"

namespace fieldsync::cli {
namespace {

TEST(TimeFormat, RendersUtcWithMilliseconds) {
  EXPECT_EQ(iso8601_utc(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601_utc(1'700'000'000'123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(iso8601_utc(951'782'400'007), "2000-02-29T00:00:00.007Z");
}

TEST(TextTable, CountsCodePointsAndNeverSplitsThem) {
  EXPECT_EQ(display_width("Bäckerei"), 8u);
  EXPECT_EQ(truncate_display("Bäckerei Hoffmann", 8), "Bäcke...");
  EXPECT_EQ(truncate_display("äöü", 3), "äöü");
}

TEST(TextTable, PadsColumnsToTheWidestCell) {
  TextTable table({"id", "name"});
  table.add_row({"1", "Bäckerei"});
  table.add_row({"22", "x"});
  std::ostringstream out;
  table.print(out);
  EXPECT_EQ(out.str(), "id  name\n1   Bäckerei\n22  x\n");
}

TEST(Progress, ShowsPercentageAndRate) {
  EXPECT_EQ(tools::render_progress("importing", 50, 200, 2.0, 8), "importing [##......]  25%  50/200 rows  25 rows/s");
  EXPECT_EQ(tools::render_progress("x", 10, 10, 0, 4), "x [####] 100%  10/10 rows  0 rows/s");
}

TEST(JsonOutput, MoneyIsExactTextAndNullIsNull) {
  const auto& orders = Schema::domain().require("orders");
  EXPECT_EQ(value_to_json(orders.field("amount"), Value{std::int64_t{123405}}), "1234.05");
  EXPECT_EQ(value_to_json(orders.field("notes"), Value{}), nullptr);
  EXPECT_EQ(value_to_json(orders.field("notes"), Value{std::string("x")}), "x");
  EXPECT_EQ(value_to_json(nullptr, Value{std::int64_t{7}}), 7);
}

TEST(JsonOutput, InvalidUtf8IsReplacedNotThrown) {
  EXPECT_NO_THROW(to_pretty_json(nlohmann::json(std::string("caf\xE9"))));
}

}  // namespace
}  // namespace fieldsync::cli
