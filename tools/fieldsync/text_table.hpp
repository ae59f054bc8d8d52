#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace fieldsync::cli {

// Width of UTF-8 text in code points (close enough to terminal columns for our data).
std::size_t display_width(std::string_view text);
// Cuts text to at most `width` code points, ending in "..." when cut.
std::string truncate_display(std::string_view text, std::size_t width);

// A plain-text table with a header row, columns padded to their widest cell.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header, std::size_t max_cell_width = 36);

  void add_row(std::vector<std::string> cells);
  void print(std::ostream& out) const;
  std::size_t rows() const { return rows_.size(); }

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::size_t max_cell_width_;
};

}  // namespace fieldsync::cli
