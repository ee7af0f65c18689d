#include "table.h"

#include <algorithm>

namespace oversight::ctl {

Table::Table(std::vector<std::string> headers, std::vector<size_t> right_aligned)
    : headers_(std::move(headers)), right_(headers_.size(), false) {
  for (size_t column : right_aligned) {
    if (column < right_.size()) right_[column] = true;
  }
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

void Table::Print(std::ostream& out) const {
  std::vector<size_t> widths(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c)
    widths[c] = headers_[c].size();
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], row[c].size());
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      const std::string padding(widths[c] - row[c].size(), ' ');
      if (c > 0) line += "  ";
      line += right_[c] ? padding + row[c] : row[c] + padding;
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out << line << '\n';
  };
  print_row(headers_);
  for (const auto& row : rows_)
    print_row(row);
}

}  // namespace oversight::ctl
