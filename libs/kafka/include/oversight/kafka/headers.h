#ifndef OVERSIGHT_KAFKA_HEADERS_H_
#define OVERSIGHT_KAFKA_HEADERS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace oversight::kafka {

// The headers of one Kafka record: an ordered list of key/value pairs. Kafka allows repeated
// keys; lookups return the LAST value for a key (the one a later writer appended), as
// librdkafka's rd_kafka_header_get_last does.
//
// A value type; not thread-safe for concurrent mutation (copy it instead).
class Headers {
 public:
  struct Header {
    std::string key;
    std::string value;
    friend bool operator==(const Header&, const Header&) = default;
  };

  Headers() = default;
  Headers(std::initializer_list<Header> headers) : entries_(headers) {}

  // Appends a header, keeping any earlier ones with the same key.
  void Add(std::string key, std::string value);

  // Removes every header named `key`, then appends (key, value).
  void Set(std::string key, std::string value);

  // Removes every header named `key`. Returns how many were removed.
  int Remove(std::string_view key);

  // The last value stored under `key`, or nullopt. The view is valid until the next mutation.
  std::optional<std::string_view> Get(std::string_view key) const;

  bool Contains(std::string_view key) const { return Get(key).has_value(); }
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }

  // All headers in insertion order.
  const std::vector<Header>& entries() const { return entries_; }
  std::vector<Header>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Header>::const_iterator end() const { return entries_.end(); }

  friend bool operator==(const Headers&, const Headers&) = default;

 private:
  std::vector<Header> entries_;
};

}  // namespace oversight::kafka

#endif  // OVERSIGHT_KAFKA_HEADERS_H_
