#include "oversight/kafka/headers.h"

#include <algorithm>

namespace oversight::kafka {

void Headers::Add(std::string key, std::string value) {
  entries_.push_back(Header{std::move(key), std::move(value)});
}

void Headers::Set(std::string key, std::string value) {
  Remove(key);
  Add(std::move(key), std::move(value));
}

int Headers::Remove(std::string_view key) {
  const auto removed = std::erase_if(entries_, [&](const Header& h) { return h.key == key; });
  return static_cast<int>(removed);
}

std::optional<std::string_view> Headers::Get(std::string_view key) const {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->key == key) return std::string_view(it->value);
  }
  return std::nullopt;
}

}  // namespace oversight::kafka
