#include "fieldsync/core/csv.hpp"

#include "fieldsync/core/error.hpp"

namespace fieldsync {
namespace {

[[noreturn]] void malformed(std::size_t line, const std::string& why) {
  throw Error(ErrorCode::kInvalidArgument, "line " + std::to_string(line) + ": " + why);
}

}  // namespace

CsvReader::CsvReader(std::string_view text) : text_(text) {
  if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
}

bool CsvReader::next(CsvRow& row) {
  row.fields.clear();
  row.line = line_;
  if (pos_ >= text_.size()) return false;

  std::string field;
  bool quoted = false;        // inside a quoted field
  bool was_quoted = false;    // the current field was quoted and its closing quote seen
  while (true) {
    if (pos_ >= text_.size()) {
      if (quoted) malformed(row.line, "a quoted field is not closed");
      row.fields.push_back(std::move(field));
      return true;
    }
    const char c = text_[pos_++];
    if (quoted) {
      if (c == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          field += '"';
          ++pos_;
        } else {
          quoted = false;
          was_quoted = true;
        }
      } else {
        if (c == '\n') ++line_;
        field += c;
      }
      continue;
    }
    if (c == ',') {
      row.fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
      row.fields.push_back(std::move(field));
      return true;
    } else if (was_quoted) {
      malformed(line_, "unexpected text after the closing quote of a field");
    } else if (c == '"') {
      if (!field.empty()) malformed(line_, "a quote inside an unquoted field (quote the field and double the quote)");
      quoted = true;
    } else {
      field += c;
    }
  }
}

std::vector<CsvRow> parse_csv(std::string_view text) {
  std::vector<CsvRow> rows;
  CsvReader reader(text);
  CsvRow row;
  while (reader.next(row)) rows.push_back(row);
  return rows;
}

std::string csv_field(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void write_csv_row(std::ostream& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out << ',';
    out << csv_field(fields[i]);
  }
  out << "\r\n";
}

}  // namespace fieldsync
