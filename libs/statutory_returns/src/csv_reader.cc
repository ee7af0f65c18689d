#include "csv_reader.h"

#include "absl/strings/ascii.h"

namespace oversight::statutory_returns::internal {

bool CsvReader::Next(CsvRecord* record) {
  if (!started_) {
    started_ = true;
    if (in_.peek() == 0xEF) {
      char bom[3];
      in_.read(bom, 3);
    }
  }
  while (true) {
    CsvRecord out;
    out.line = line_;
    std::string field;
    bool in_quotes = false;
    bool any = false;  // any character read for this record
    int c;
    while ((c = in_.get()) != std::char_traits<char>::eof()) {
      any = true;
      if (in_quotes) {
        if (c == '"') {
          if (in_.peek() == '"') {
            in_.get();
            field.push_back('"');
          } else {
            in_quotes = false;
          }
        } else {
          if (c == '\n') ++line_;
          field.push_back(static_cast<char>(c));
        }
        continue;
      }
      if (c == '"') {
        in_quotes = true;
      } else if (c == ',') {
        out.fields.push_back(std::string(absl::StripAsciiWhitespace(field)));
        field.clear();
      } else if (c == '\n') {
        ++line_;
        break;
      } else if (c != '\r') {
        field.push_back(static_cast<char>(c));
      }
    }
    if (!any) return false;
    out.unterminated_quote = in_quotes;
    out.fields.push_back(std::string(absl::StripAsciiWhitespace(field)));
    if (out.fields.size() == 1 && out.fields[0].empty()) continue;  // blank line
    *record = std::move(out);
    return true;
  }
}

}  // namespace oversight::statutory_returns::internal
