// A plain-text table for terminal output: columns padded to their widest cell.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace oversight::ctl {

// Collects rows, then prints them aligned. Not thread-safe.
class Table {
 public:
  // `headers` fixes the number of columns; columns listed in `right_aligned` (by index) are
  // padded on the left (numbers).
  explicit Table(std::vector<std::string> headers, std::vector<size_t> right_aligned = {});

  // Adds a row; missing cells print empty, extra cells are dropped.
  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }

  // Writes the header and every row, two spaces between columns, no trailing blanks.
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace oversight::ctl
