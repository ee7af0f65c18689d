#ifndef OVERSIGHT_KAFKA_TESTING_RECORD_TEXT_H_
#define OVERSIGHT_KAFKA_TESTING_RECORD_TEXT_H_

#include <string>
#include <string_view>

#include "oversight/kafka/consumer.h"

namespace oversight::kafka::testing {

// A consumed record written as text, the format of the fuzz targets' seed files
// (libs/kafka/fuzz, libs/events/fuzz):
//
//   <record key>\n
//   <header name>: <header value>\n      (any number; repeated names kept in order)
//   \n
//   <record value: every remaining byte, binary allowed>
//
// A header line without ':' is a header with an empty value; one space after the ':' is
// dropped. Input that ends early gives a record with what was read (no headers, empty value).
// Topic "fuzz", partition 0, offset 0. Pure; header-only so that fuzz targets need not link the
// broker test support.
inline ConsumedMessage RecordFromText(std::string_view text) {
  ConsumedMessage record;
  record.topic = "fuzz";
  record.partition = 0;
  record.offset = 0;
  auto next_line = [&text](std::string_view* line) {
    if (text.empty()) return false;
    const size_t end = text.find('\n');
    *line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    return true;
  };
  std::string_view line;
  if (!next_line(&line)) return record;
  record.key = std::string(line);
  while (next_line(&line) && !line.empty()) {
    const size_t colon = line.find(':');
    std::string_view name = line.substr(0, colon);
    std::string_view value =
        colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    if (value.starts_with(' ')) value.remove_prefix(1);
    record.headers.Add(std::string(name), std::string(value));
  }
  record.value = std::string(text);
  return record;
}

}  // namespace oversight::kafka::testing

#endif  // OVERSIGHT_KAFKA_TESTING_RECORD_TEXT_H_
