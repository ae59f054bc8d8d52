// The RFC 4180 reader and writer.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "fieldsync/core/csv.hpp"
#include "fieldsync/core/error.hpp"

namespace fieldsync {
namespace {

using Fields = std::vector<std::string>;

std::vector<Fields> fields_of(std::string_view text) {
  std::vector<Fields> out;
  for (auto& row : parse_csv(text)) out.push_back(row.fields);
  return out;
}

std::string error_of(std::string_view text) {
  try {
    parse_csv(text);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.what();
  }
  return "no error";
}

TEST(CsvReader, SplitsPlainFields) {
  EXPECT_EQ(fields_of("a,b,c\n1,2,3\n"), (std::vector<Fields>{{"a", "b", "c"}, {"1", "2", "3"}}));
}

TEST(CsvReader, KeepsEmptyFields) {
  EXPECT_EQ(fields_of(",x,\n"), (std::vector<Fields>{{"", "x", ""}}));
  EXPECT_EQ(fields_of("\"\",x\n"), (std::vector<Fields>{{"", "x"}}));
}

TEST(CsvReader, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  EXPECT_EQ(fields_of("\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\"\n"),
            (std::vector<Fields>{{"a,b", "say \"hi\"", "two\r\nlines"}}));
}

TEST(CsvReader, AQuotedFieldCanBeOnlyAQuote) {
  EXPECT_EQ(fields_of("\"\"\"\"\n"), (std::vector<Fields>{{"\""}}));
}

TEST(CsvReader, AcceptsCrlfLfAndNoFinalLineBreak) {
  EXPECT_EQ(fields_of("a,b\r\nc,d"), (std::vector<Fields>{{"a", "b"}, {"c", "d"}}));
  EXPECT_EQ(fields_of("a\nb\n"), (std::vector<Fields>{{"a"}, {"b"}}));
}

TEST(CsvReader, SkipsAByteOrderMark) {
  EXPECT_EQ(fields_of("\xEF\xBB\xBFname\nx\n"), (std::vector<Fields>{{"name"}, {"x"}}));
}

TEST(CsvReader, EmptyInputHasNoRecords) { EXPECT_TRUE(parse_csv("").empty()); }

TEST(CsvReader, NumbersRecordsByTheLineTheyStartOn) {
  auto rows = parse_csv("h\n\"a\nb\nc\"\nnext\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].line, 1u);
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_EQ(rows[2].line, 5u);
}

TEST(CsvReader, AnUnclosedQuoteIsAnErrorAtTheLineItOpens) {
  EXPECT_EQ(error_of("a\n\"open,\nmore\n"), "line 2: a quoted field is not closed");
}

TEST(CsvReader, TextAfterAClosingQuoteIsAnError) {
  EXPECT_THAT(error_of("x\n\"ab\"c,d\n"), ::testing::StartsWith("line 2: unexpected text after the closing quote"));
}

TEST(CsvReader, AQuoteInsideAnUnquotedFieldIsAnError) {
  EXPECT_THAT(error_of("ab\"c\n"), ::testing::StartsWith("line 1: a quote inside an unquoted field"));
}

TEST(CsvWriter, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(csv_field("plain text"), "plain text");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field(""), "");
}

TEST(CsvWriter, WhatItWritesReadsBackTheSame) {
  const std::vector<Fields> rows = {{"id", "name", "notes"},
                                    {"1", "Müller, \"Bäckerei\"", "line one\r\nline two"},
                                    {"2", "", "\""}};
  std::ostringstream out;
  for (const auto& row : rows) write_csv_row(out, row);
  EXPECT_EQ(fields_of(out.str()), rows);
  EXPECT_THAT(out.str(), ::testing::EndsWith("\r\n"));
}

}  // namespace
}  // namespace fieldsync
