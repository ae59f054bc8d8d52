#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace fieldsync {

// One CSV record and the line of the input where it starts (quoted fields may span lines).
struct CsvRow {
  std::vector<std::string> fields;
  std::size_t line = 0;
};

// An RFC 4180 reader over text held in memory: comma-separated, fields with commas,
// quotes or line breaks enclosed in double quotes, a quote inside them doubled. Accepts
// CRLF and LF line ends and skips a leading UTF-8 byte order mark (spreadsheet exports).
// Malformed input throws Error(kInvalidArgument) "line N: ...".
class CsvReader {
 public:
  explicit CsvReader(std::string_view text);

  // Reads the next record into `row`; false at the end of the input.
  bool next(CsvRow& row);

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

// Every record of `text`.
std::vector<CsvRow> parse_csv(std::string_view text);

// One field in RFC 4180 form: quoted only when it needs to be.
std::string csv_field(std::string_view value);
// One record, fields joined by commas and ended by CRLF as RFC 4180 asks.
void write_csv_row(std::ostream& out, const std::vector<std::string>& fields);

}  // namespace fieldsync
