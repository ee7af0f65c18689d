#pragma once

#include <istream>
#include <string>
#include <vector>

namespace oversight::statutory_returns::internal {

// One CSV record: its fields (surrounding spaces trimmed, quotes removed) and the 1-based line
// where it starts.
struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
  // True when a quoted field was still open at the end of the input.
  bool unterminated_quote = false;
};

// Reads RFC 4180 CSV (quoted fields may hold commas, doubled quotes and line breaks; LF or CRLF;
// a leading UTF-8 byte-order mark is skipped). Blank lines are skipped. Not thread-safe; reads
// the stream it was given and nothing else.
class CsvReader {
 public:
  explicit CsvReader(std::istream& in) : in_(in) {}

  // Reads the next record into `record`. Returns false at the end of the input (record unchanged).
  bool Next(CsvRecord* record);

 private:
  std::istream& in_;
  int line_ = 1;
  bool started_ = false;
};

}  // namespace oversight::statutory_returns::internal
