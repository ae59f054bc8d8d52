#include "report_query.hpp"

namespace fieldsync::reports {

std::string quoted_name(const std::string& name) { return "\"" + name + "\""; }

std::string field_value_sql(const FieldSchema& field, const std::string& alias) {
  const std::string column = alias + "." + quoted_name(field.name);
  if (!field.derived) return column;
  const DerivedSum& sum = *field.derived;
  std::string product;
  for (const auto& factor : sum.product_of) product += (product.empty() ? "" : " * ") + ("l." + quoted_name(factor));
  return "COALESCE((SELECT SUM(" + product + ") FROM " + quoted_name(sum.collection) + " l WHERE l." +
         quoted_name(sum.reference) + " = " + alias + ".id AND l._deleted = 0), " + column + ")";
}

ReadSnapshot::ReadSnapshot(Replica& replica) : db_(&replica.database()) {
  if (sqlite3_get_autocommit(db_->handle()) != 0) {
    db_->exec("BEGIN DEFERRED");
    began_ = true;
  }
}

ReadSnapshot::~ReadSnapshot() {
  if (began_) sqlite3_exec(db_->handle(), "COMMIT", nullptr, nullptr, nullptr);  // read only: nothing to lose
}

void for_each_row(Replica& replica, const std::string& sql, const std::vector<std::string>& params,
                  const std::function<void(const sqlite::Statement&)>& row) {
  sqlite::Statement statement(replica.database().handle(), sql);
  for (std::size_t i = 0; i < params.size(); ++i) statement.bind(static_cast<int>(i + 1), params[i]);
  while (statement.step()) row(statement);
}

std::string text_at(const sqlite::Statement& row, int column) {
  return row.column_is_null(column) ? std::string() : std::string(row.column_text(column));
}

}  // namespace fieldsync::reports
