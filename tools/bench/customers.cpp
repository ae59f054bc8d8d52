#include "customers.hpp"

#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/sqlite.hpp"

namespace fieldsync::bench {
namespace {

constexpr const char* kTiers[] = {"vip", "potential", "regular"};
constexpr const char* kIndustries[] = {"retail", "hospitality", "construction", "healthcare", "logistics",
                                       "agriculture", "education"};
constexpr const char* kStreets[] = {"Harbour Road", "Mill Lane", "Station Street", "Kingsway", "Orchard Close"};

// Appends to `prefix` rather than concatenating temporaries: GCC 12 at -O3 warns falsely
// (-Wrestrict) about "literal" + std::string.
std::string padded(std::string prefix, std::size_t n, int width) {
  const std::string digits = std::to_string(n);
  if (digits.size() < static_cast<std::size_t>(width)) prefix.append(width - digits.size(), '0');
  return prefix.append(digits);
}

}  // namespace

FieldValues customer(std::size_t n) {
  std::string address = std::to_string(1 + n % 250);
  address.append(" ").append(kStreets[n % 5]).append(", Unit ").append(std::to_string(n % 40));
  return {
      {"name", padded("Customer ", n, 6).append(" Trading Ltd")},
      {"tier", std::string(kTiers[n % 3])},
      {"industry", std::string(kIndustries[n % 7])},
      {"phone", padded("+44 20 7946 ", n % 10'000, 4)},
      {"email", padded("buyer.", n, 6).append("@example.com")},
      {"address", padded(address.append(", Bristol BS1 "), n % 1000, 3)},
      {"territory", padded("T", n % 20, 2)},
      {"owner", padded("rep-", n % 60, 3)},
  };
}

std::string stored_customer_state() {
  auto replica = Replica::open(":memory:", Schema::domain());
  replica.create("customers", customer(0));
  sqlite::Statement s(replica.database().handle(), "SELECT _state FROM customers");
  s.step();
  return std::string(s.column_blob(0));
}

std::string bare_customers_ddl(BareShape shape) {
  std::string ddl = "CREATE TABLE customers (id TEXT PRIMARY KEY NOT NULL";
  for (auto field : kCustomerFields) ddl += ", \"" + std::string(field) + "\" TEXT";
  const std::string field_indexes =
      "CREATE INDEX customers_by_name ON customers (name);"
      "CREATE INDEX customers_by_tier ON customers (tier);"
      "CREATE INDEX customers_by_territory ON customers (territory);";
  if (shape == BareShape::kPlain) return ddl + ");";
  if (shape == BareShape::kLikeEngineIndexesAfter) return ddl + ", state BLOB NOT NULL, seq INTEGER NOT NULL);";
  if (shape == BareShape::kAppTable) return ddl + ");" + field_indexes;
  ddl += ", state BLOB NOT NULL";
  if (shape == BareShape::kWithState) return ddl + ");";
  // The indexes CollectionTable makes for customers: by seq, and for the indexed fields.
  return ddl + ", seq INTEGER NOT NULL);CREATE UNIQUE INDEX customers_by_seq ON customers (seq);" + field_indexes;
}

std::string bare_customers_insert(BareShape shape) {
  std::string sql = "INSERT INTO customers (id";
  for (auto field : kCustomerFields) sql += ", \"" + std::string(field) + "\"";
  switch (shape) {
    case BareShape::kPlain:
    case BareShape::kAppTable: return sql + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
    case BareShape::kWithState: return sql + ", state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
    case BareShape::kLikeEngine:
    case BareShape::kLikeEngineIndexesAfter: break;
  }
  return sql + ", state, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
}

std::string bare_customers_late_indexes() {
  return "CREATE UNIQUE INDEX customers_by_seq ON customers (seq);"
         "CREATE INDEX customers_by_name ON customers (name);"
         "CREATE INDEX customers_by_tier ON customers (tier);"
         "CREATE INDEX customers_by_territory ON customers (territory);";
}

}  // namespace fieldsync::bench
