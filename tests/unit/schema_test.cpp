#include "fieldsync/core/schema.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "test_support.hpp"

namespace fieldsync {
namespace {

using test::domain_field;
using test::throws_error;

// A minimal valid schema with one collection, into which each test splices one field.
std::string schema_with(const std::string& fields, const std::string& extra = {}) {
  return "version: 1\n"
         "collections { name: \"targets\" fields { name: \"label\" type: TEXT } }\n"
         "collections { name: \"things\" " + fields + " " + extra + " }\n";
}

TEST(Schema, DomainHasEveryCollectionWithDeletedLast) {
  const Schema& schema = Schema::domain();
  EXPECT_EQ(schema.version(), 1u);
  const std::vector<std::string> names{"customers", "contacts", "orders", "order_lines",
                                       "visits",    "tickets",  "products"};
  ASSERT_EQ(schema.collections().size(), names.size());
  for (const auto& name : names) {
    const CollectionSchema* c = schema.collection(name);
    ASSERT_NE(c, nullptr) << name;
    ASSERT_FALSE(c->fields.empty());
    const FieldSchema& last = c->fields.back();
    EXPECT_EQ(last.name, kDeletedField) << name;
    EXPECT_EQ(last.type, FieldType::kBoolean);
    EXPECT_EQ(last.policy, MergePolicy::kAliveWins);
    EXPECT_EQ(c->field_index(kDeletedField), c->fields.size() - 1);
  }
  EXPECT_TRUE(schema.collection("products")->read_only_for_reps);
  EXPECT_EQ(schema.collection("customers")->territory_field, "territory");
  EXPECT_EQ(schema.collection("contacts")->scope_parent, "customer_id");
}

TEST(Schema, DomainFieldsCarryTheirDeclarations) {
  const auto& customer_id = domain_field("contacts", "customer_id");
  EXPECT_EQ(customer_id.type, FieldType::kReference);
  EXPECT_EQ(customer_id.references, "customers");
  EXPECT_TRUE(customer_id.required);
  EXPECT_TRUE(customer_id.indexed);
  EXPECT_EQ(domain_field("customers", "name").max_length, 200u);
  EXPECT_EQ(domain_field("orders", "amount").type, FieldType::kMoney);
  EXPECT_EQ(domain_field("orders", "status").stage_of("delivered"), 4u);
  EXPECT_FALSE(domain_field("orders", "status").stage_of("lost").has_value());
}

TEST(Schema, RequireThrowsForUnknownCollection) {
  EXPECT_EQ(Schema::domain().collection("invoices"), nullptr);
  EXPECT_TRUE(throws_error([] { Schema::domain().require("invoices"); }, ErrorCode::kUnknownCollection, "invoices"));
  EXPECT_EQ(Schema::domain().require("orders").name, "orders");
}

TEST(Schema, FromTextAcceptsAValidSchema) {
  Schema schema = Schema::from_text(schema_with(
      "fields { name: \"target\" type: REFERENCE references: \"targets\" } "
      "fields { name: \"stage\" type: ENUM policy: FURTHEST_STAGE values: [\"a\", \"b\"] }"));
  const auto& things = schema.require("things");
  ASSERT_EQ(things.fields.size(), 3u);
  EXPECT_EQ(things.fields[0].name, "target");
  EXPECT_EQ(things.fields[1].policy, MergePolicy::kFurthestStage);
  EXPECT_EQ(things.fields[2].name, kDeletedField);
}

TEST(Schema, FromTextRejectsTextThatDoesNotParse) {
  EXPECT_TRUE(throws_error([] { Schema::from_text("collections { name: "); }, ErrorCode::kSchemaMismatch));
}

TEST(Schema, FromTextRejectsUnknownReferenceTarget) {
  EXPECT_TRUE(throws_error(
      [] { Schema::from_text(schema_with("fields { name: \"owner\" type: REFERENCE references: \"people\" }")); },
      ErrorCode::kSchemaMismatch, "people"));
}

TEST(Schema, FromTextRejectsEnumWithoutValues) {
  EXPECT_TRUE(throws_error([] { Schema::from_text(schema_with("fields { name: \"tier\" type: ENUM }")); },
                           ErrorCode::kSchemaMismatch, "tier"));
}

TEST(Schema, FromTextRejectsFurthestStageOnNonEnum) {
  EXPECT_TRUE(throws_error(
      [] { Schema::from_text(schema_with("fields { name: \"note\" type: TEXT policy: FURTHEST_STAGE }")); },
      ErrorCode::kSchemaMismatch, "note"));
}

TEST(Schema, FromTextRejectsDuplicateField) {
  EXPECT_TRUE(throws_error(
      [] {
        Schema::from_text(schema_with("fields { name: \"note\" type: TEXT } fields { name: \"note\" type: INTEGER }"));
      },
      ErrorCode::kSchemaMismatch, "note"));
}

TEST(Schema, FromTextRejectsDuplicateCollection) {
  EXPECT_TRUE(throws_error(
      [] {
        Schema::from_text("collections { name: \"a\" fields { name: \"x\" type: TEXT } }\n"
                          "collections { name: \"a\" fields { name: \"y\" type: TEXT } }");
      },
      ErrorCode::kSchemaMismatch, "'a'"));
}

TEST(Schema, FromTextRejectsFieldWithoutType) {
  EXPECT_TRUE(throws_error([] { Schema::from_text(schema_with("fields { name: \"note\" }")); },
                           ErrorCode::kSchemaMismatch, "note"));
}

TEST(Schema, FromTextRejectsBadIdentifiers) {
  for (std::string bad : {"Note", "first-name", "1st", "_private", "", "näme", "a b"}) {
    EXPECT_TRUE(throws_error(
        [&] { Schema::from_text(schema_with("fields { name: \"" + bad + "\" type: TEXT }")); },
        ErrorCode::kSchemaMismatch))
        << "field name '" << bad << "'";
  }
  EXPECT_TRUE(throws_error([] { Schema::from_text("collections { name: \"Things\" fields { name: \"x\" type: TEXT } }"); },
                           ErrorCode::kSchemaMismatch, "Things"));
  // `_deleted` belongs to the engine.
  EXPECT_TRUE(throws_error([] { Schema::from_text(schema_with("fields { name: \"_deleted\" type: BOOLEAN }")); },
                           ErrorCode::kSchemaMismatch));
}

// Scope rules (server) read territory_field and scope_parent: a schema naming a field that
// does not exist would only fail later, at the first sync.
TEST(Schema, FromTextRejectsScopeFieldsThatDoNotExist) {
  EXPECT_TRUE(throws_error(
      [] { Schema::from_text(schema_with("fields { name: \"note\" type: TEXT }", "territory_field: \"region\"")); },
      ErrorCode::kSchemaMismatch, "region"));
  EXPECT_TRUE(throws_error(
      [] { Schema::from_text(schema_with("fields { name: \"note\" type: TEXT }", "scope_parent: \"parent_id\"")); },
      ErrorCode::kSchemaMismatch, "parent_id"));
}

// --- values -------------------------------------------------------------------------

TEST(Values, MoneyParsesToMinorUnitsAndFormatsBack) {
  const auto& amount = domain_field("orders", "amount");
  EXPECT_EQ(parse_value(amount, "1234.5"), Value{std::int64_t{123450}});
  EXPECT_EQ(parse_value(amount, "1234.50"), Value{std::int64_t{123450}});
  EXPECT_EQ(parse_value(amount, "1234"), Value{std::int64_t{123400}});
  EXPECT_EQ(parse_value(amount, "0.07"), Value{std::int64_t{7}});
  EXPECT_EQ(format_value(amount, std::int64_t{123450}), "1234.50");
  EXPECT_EQ(format_value(amount, std::int64_t{7}), "0.07");
  EXPECT_EQ(format_value(amount, std::int64_t{0}), "0.00");
  for (std::string text : {"1234.50", "0.07", "-0.05", "-12.30", "999999999.99"}) {
    EXPECT_EQ(format_value(amount, parse_value(amount, text)), text);
  }
}

TEST(Values, NegativeMoney) {
  const auto& amount = domain_field("orders", "amount");
  EXPECT_EQ(parse_value(amount, "-12.3"), Value{std::int64_t{-1230}});
  EXPECT_EQ(parse_value(amount, "-0.5"), Value{std::int64_t{-50}});
  EXPECT_EQ(format_value(amount, std::int64_t{-1230}), "-12.30");
  EXPECT_EQ(format_value(amount, std::int64_t{-5}), "-0.05");
}

TEST(Values, MoneyRejectsMalformedAmounts) {
  const auto& amount = domain_field("orders", "amount");
  for (std::string bad : {"12.345", "12.", ".5", "1,234.50", "12a", "-", "--1", "1e3", "12.3.4", " 12"}) {
    EXPECT_TRUE(throws_error([&] { parse_value(amount, bad); }, ErrorCode::kInvalidValue, "amount"))
        << "accepted '" << bad << "'";
  }
}

TEST(Values, IntegerParsesAndRejectsJunk) {
  const auto& quantity = domain_field("order_lines", "quantity");
  EXPECT_EQ(parse_value(quantity, "42"), Value{std::int64_t{42}});
  EXPECT_EQ(parse_value(quantity, "-3"), Value{std::int64_t{-3}});
  EXPECT_EQ(format_value(quantity, std::int64_t{-3}), "-3");
  for (std::string bad : {"12abc", "abc", "1.5", "99999999999999999999", "4 2"}) {
    EXPECT_TRUE(throws_error([&] { parse_value(quantity, bad); }, ErrorCode::kInvalidValue, "quantity"))
        << "accepted '" << bad << "'";
  }
}

TEST(Values, EmptyTextIsNull) {
  EXPECT_TRUE(is_null(parse_value(domain_field("orders", "amount"), "")));
  EXPECT_TRUE(is_null(parse_value(domain_field("customers", "phone"), "")));
  EXPECT_EQ(format_value(domain_field("orders", "amount"), Value{}), "");
  // NULL passes validation; required-ness is the replica's check on create.
  EXPECT_NO_THROW(validate_value(domain_field("customers", "name"), Value{}));
}

TEST(Values, BooleanWords) {
  const auto& active = domain_field("products", "active");
  for (std::string yes : {"true", "yes", "1"}) EXPECT_EQ(parse_value(active, yes), Value{true}) << yes;
  for (std::string no : {"false", "no", "0"}) EXPECT_EQ(parse_value(active, no), Value{false}) << no;
  EXPECT_EQ(format_value(active, true), "true");
  EXPECT_EQ(format_value(active, false), "false");
  EXPECT_TRUE(throws_error([&] { parse_value(active, "maybe"); }, ErrorCode::kInvalidValue, "active"));
  EXPECT_TRUE(throws_error([&] { validate_value(active, std::int64_t{1}); }, ErrorCode::kInvalidValue, "active"));
}

TEST(Values, Dates) {
  const auto& due = domain_field("orders", "due_date");
  EXPECT_EQ(parse_value(due, "2026-11-23"), Value{std::string("2026-11-23")});
  EXPECT_NO_THROW(validate_value(due, std::string("2024-02-29")));  // leap year
  EXPECT_NO_THROW(validate_value(due, std::string("2000-02-29")));  // divisible by 400
  for (std::string bad : {"2026-02-30", "2025-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
                          "2026-01-00", "2026-1-5", "26-01-05", "2026/01/05", "2026-01-0x", "tomorrow"}) {
    EXPECT_TRUE(throws_error([&] { validate_value(due, bad); }, ErrorCode::kInvalidValue, "due_date"))
        << "accepted '" << bad << "'";
  }
  EXPECT_TRUE(throws_error([&] { parse_value(due, "2026-02-30"); }, ErrorCode::kInvalidValue, "due_date"));
}

TEST(Values, EnumMustBeListed) {
  const auto& tier = domain_field("customers", "tier");
  EXPECT_NO_THROW(validate_value(tier, std::string("vip")));
  EXPECT_TRUE(throws_error([&] { validate_value(tier, std::string("gold")); }, ErrorCode::kInvalidValue, "tier"));
  EXPECT_TRUE(throws_error([&] { validate_value(tier, std::string("VIP")); }, ErrorCode::kInvalidValue, "tier"));
  EXPECT_TRUE(throws_error([&] { parse_value(tier, "gold"); }, ErrorCode::kInvalidValue, "tier"));
}

TEST(Values, ReferenceMustBeAUuid) {
  const auto& customer_id = domain_field("contacts", "customer_id");
  EXPECT_NO_THROW(validate_value(customer_id, std::string("0189f7a2-5c3e-7abc-9def-0123456789ab")));
  EXPECT_TRUE(throws_error([&] { validate_value(customer_id, std::string("customer-17")); }, ErrorCode::kInvalidValue,
                           "customer_id"));
  EXPECT_TRUE(throws_error([&] { validate_value(customer_id, std::int64_t{17}); }, ErrorCode::kInvalidValue,
                           "customer_id"));
}

TEST(Values, TextOverMaxLength) {
  const auto& currency = domain_field("orders", "currency");
  EXPECT_NO_THROW(validate_value(currency, std::string("EUR")));
  EXPECT_TRUE(throws_error([&] { validate_value(currency, std::string("EURO")); }, ErrorCode::kInvalidValue,
                           "currency"));
  EXPECT_TRUE(throws_error([&] { parse_value(currency, "EURO"); }, ErrorCode::kInvalidValue, "currency"));
  EXPECT_NO_THROW(validate_value(domain_field("customers", "name"), std::string(200, 'x')));
  EXPECT_TRUE(throws_error([&] { validate_value(domain_field("customers", "name"), std::string(201, 'x')); },
                           ErrorCode::kInvalidValue, "name"));
}

// max_length counts characters (the error says "longer than N characters"): a customer
// name of accented letters must not be cut to half the length of an ASCII one.
TEST(Values, TextMaxLengthCountsCharactersNotBytes) {
  const auto& territory = domain_field("customers", "territory");  // max_length 50
  std::string fifty_umlauts;
  for (int i = 0; i < 50; ++i) fifty_umlauts += "\xC3\xBC";  // U+00FC, two bytes in UTF-8
  EXPECT_NO_THROW(validate_value(territory, fifty_umlauts));
}

TEST(Values, WrongTypeNamesTheField) {
  EXPECT_TRUE(throws_error([] { validate_value(domain_field("orders", "amount"), 12.5); }, ErrorCode::kInvalidValue,
                           "amount"));
  EXPECT_TRUE(throws_error([] { validate_value(domain_field("orders", "amount"), std::string("12.50")); },
                           ErrorCode::kInvalidValue, "amount"));
  EXPECT_TRUE(throws_error([] { validate_value(domain_field("customers", "name"), std::int64_t{5}); },
                           ErrorCode::kInvalidValue, "name"));
  EXPECT_TRUE(throws_error([] { validate_value(domain_field("orders", "due_date"), true); }, ErrorCode::kInvalidValue,
                           "due_date"));
}

// The domain has no REAL field; a schema of our own covers the type.
TEST(Values, RealParsesAndFormatsExactly) {
  Schema schema = Schema::from_text(schema_with("fields { name: \"ratio\" type: REAL }"));
  const FieldSchema& ratio = *schema.require("things").field("ratio");
  EXPECT_EQ(parse_value(ratio, "0.1"), Value{0.1});
  EXPECT_EQ(parse_value(ratio, format_value(ratio, 0.1)), Value{0.1});
  EXPECT_EQ(parse_value(ratio, format_value(ratio, -1e-300)), Value{-1e-300});
  EXPECT_TRUE(throws_error([&] { parse_value(ratio, "0.1x"); }, ErrorCode::kInvalidValue, "ratio"));
  EXPECT_TRUE(throws_error([&] { validate_value(ratio, std::int64_t{1}); }, ErrorCode::kInvalidValue, "ratio"));
}

// NaN is not equal to itself: a NaN sibling would be "in conflict" with itself forever and a
// state holding one would never compare equal to its own copy, so merges never settle.
TEST(Values, RealRejectsNonFiniteNumbers) {
  Schema schema = Schema::from_text(schema_with("fields { name: \"ratio\" type: REAL }"));
  const FieldSchema& ratio = *schema.require("things").field("ratio");
  EXPECT_TRUE(throws_error([&] { parse_value(ratio, "nan"); }, ErrorCode::kInvalidValue, "ratio"));
  EXPECT_TRUE(throws_error([&] { parse_value(ratio, "inf"); }, ErrorCode::kInvalidValue, "ratio"));
  EXPECT_TRUE(throws_error([&] { validate_value(ratio, std::numeric_limits<double>::quiet_NaN()); },
                           ErrorCode::kInvalidValue, "ratio"));
}

}  // namespace
}  // namespace fieldsync
