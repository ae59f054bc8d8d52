#pragma once

// Read-only SQL over the replica's own connection, for the lists and reports that need
// joins, search and sorting (the typed columns hold resolved values, so this is plain SQL).
// Never write the engine's tables this way: writes go through Replica.

#include <QString>
#include <QStringList>
#include <QVariant>

#include <string>
#include <vector>

#include "fieldsync/core/sqlite.hpp"

namespace fieldsync::app {

// Runs `sql` (prepared once per connection) with positional parameters (?1, ?2, ...:
// text, integers or null) and returns the first `columns` columns of every row as text
// (NULL as a null QString). Throws Error(kStorage).
std::vector<QStringList> query_rows(sqlite::Database& db, const std::string& sql, int columns,
                                    const QVariantList& params = {});

}  // namespace fieldsync::app
