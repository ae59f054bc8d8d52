#include "text_table.hpp"

#include <algorithm>

namespace fieldsync::cli {
namespace {

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return !is_continuation(c); }));
}

std::string truncate_display(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  const std::size_t keep = width > 3 ? width - 3 : 0;
  std::size_t points = 0;
  std::size_t end = 0;
  // Stop on a code point boundary so that a multi-byte character is never split.
  while (end < text.size()) {
    if (!is_continuation(text[end])) {
      if (points == keep) break;
      ++points;
    }
    ++end;
  }
  return std::string(text.substr(0, end)) + "...";
}

TextTable::TextTable(std::vector<std::string> header, std::size_t max_cell_width)
    : header_(std::move(header)), max_cell_width_(max_cell_width) {}

void TextTable::add_row(std::vector<std::string> cells) {
  cells.resize(header_.size());
  for (auto& cell : cells) {
    std::replace(cell.begin(), cell.end(), '\n', ' ');  // one table row stays one line
    cell = truncate_display(cell, max_cell_width_);
  }
  rows_.push_back(std::move(cells));
}

void TextTable::print(std::ostream& out) const {
  std::vector<std::size_t> widths(header_.size());
  for (std::size_t i = 0; i < header_.size(); ++i) widths[i] = display_width(header_[i]);
  for (const auto& row : rows_) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
  }
  auto print_row = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      line += cells[i];
      if (i + 1 < cells.size()) line.append(widths[i] - display_width(cells[i]) + 2, ' ');
    }
    out << line << '\n';
  };
  print_row(header_);
  for (const auto& row : rows_) print_row(row);
}

}  // namespace fieldsync::cli
