// UTF-8 checks: text that protobuf could not carry is refused at the door (a fuzzer found
// a refusal reason quoting Latin-1 bytes that no client could parse).
#include "fieldsync/core/utf8.hpp"

#include <gtest/gtest.h>

#include "fieldsync/core/schema.hpp"
#include "test_support.hpp"

namespace fieldsync {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  for (const char* text : {"", "plain", "S\xC3\xBC" "d", "\xE2\x82\xAC 5", "\xF0\x9F\x93\x9E call", "\xED\x9F\xBF"}) {
    EXPECT_TRUE(is_valid_utf8(text)) << text;
  }
}

TEST(Utf8, RefusesIllFormedText) {
  for (const char* text : {"S\xFC" "d",        // Latin-1
                           "\xC0\xAF",         // overlong '/'
                           "\xE0\x80\xAF",     // overlong, three bytes
                           "\xED\xA0\x80",     // a surrogate
                           "\xF4\x90\x80\x80",  // past U+10FFFF
                           "\xE2\x82",         // cut short
                           "\x80"}) {          // a lone continuation byte
    EXPECT_FALSE(is_valid_utf8(text)) << testing::PrintToString(text);
  }
}

TEST(Utf8, ReplacementKeepsTheGoodPartsAndIsWellFormed) {
  const std::string fixed = to_valid_utf8("S\xFC" "d \xE2\x82\xAC");
  EXPECT_EQ(fixed, "S\xEF\xBF\xBD" "d \xE2\x82\xAC");
  EXPECT_TRUE(is_valid_utf8(fixed));
  EXPECT_EQ(utf8_length("S\xC3\xBC" "d"), 3u);
}

// The ASCII fast path reads eight bytes at a time: what follows a long ASCII run, at any
// offset, is still checked and counted.
TEST(Utf8, LongAsciiRunsHideNothing) {
  for (std::size_t ascii = 0; ascii <= 20; ++ascii) {
    const std::string run(ascii, 'a');
    EXPECT_TRUE(is_valid_utf8(run + "S\xC3\xBC" "d" + run)) << ascii;
    EXPECT_FALSE(is_valid_utf8(run + "S\xFC" "d")) << ascii;
    EXPECT_FALSE(is_valid_utf8(run + "\xE2\x82")) << ascii;
    EXPECT_EQ(utf8_length(run + "\xE2\x82\xAC" + run), 2 * ascii + 1) << ascii;
    EXPECT_EQ(utf8_length(run), ascii);
  }
}

TEST(Utf8, ValuesThatAreNotUtf8AreInvalid) {
  const auto& customers = Schema::domain().require("customers");
  EXPECT_TRUE(test::throws_error([&] { validate_value(*customers.field("territory"), Value(std::string("S\xFC" "d"))); },
                                 ErrorCode::kInvalidValue, "UTF-8"));
  EXPECT_NO_THROW(validate_value(*customers.field("territory"), Value(std::string("S\xC3\xBC" "d"))));
}

}  // namespace
}  // namespace fieldsync
