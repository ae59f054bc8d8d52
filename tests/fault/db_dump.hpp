#pragma once

#include <sqlite3.h>

#include <string>

namespace fieldsync::test {

// Every table of a database as text: rows in a fixed order (by every column), blobs in
// hex. Two databases with the same content give the same text.
std::string dump_tables(sqlite3* db);
// The same through a fresh read-only connection to the file at `path`.
std::string dump_file(const std::string& path);
// Lowercase hex of some bytes, as dump_tables writes blobs.
std::string hex(std::string_view bytes);
// The first line where two dumps differ, for a failure message.
std::string first_difference(const std::string& expected, const std::string& actual);

}  // namespace fieldsync::test
