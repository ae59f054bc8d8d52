#include "sql_rows.hpp"

namespace fieldsync::app {

std::vector<QStringList> query_rows(sqlite::Database& db, const std::string& sql, int columns,
                                    const QVariantList& params) {
  sqlite::Statement& statement = db.cached(sql);
  sqlite::ResetGuard reset(statement);
  for (int i = 0; i < params.size(); ++i) {
    const QVariant& p = params[i];
    if (p.isNull()) {
      statement.bind_null(i + 1);
    } else if (p.typeId() == QMetaType::Int || p.typeId() == QMetaType::LongLong || p.typeId() == QMetaType::Bool) {
      statement.bind(i + 1, static_cast<std::int64_t>(p.toLongLong()));
    } else {
      const std::string text = p.toString().toStdString();
      statement.bind(i + 1, std::string_view(text));  // SQLite copies bound text
    }
  }
  std::vector<QStringList> rows;
  while (statement.step()) {
    QStringList row;
    row.reserve(columns);
    for (int c = 0; c < columns; ++c) {
      if (statement.column_is_null(c)) {
        row.push_back(QString());
      } else {
        const std::string_view text = statement.column_text(c);
        row.push_back(QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size())));
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace fieldsync::app
