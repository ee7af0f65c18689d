#pragma once

#include <string>
#include <string_view>
#include <type_traits>

namespace oversight::statutory_returns::internal {

// Concatenates strings, string views and integers into a new string. (Debian's Abseil is built
// without std::string_view support, so absl::StrCat does not take std::string_view.)
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  auto append = [&out](const auto& part) {
    if constexpr (std::is_integral_v<std::decay_t<decltype(part)>>) {
      out += std::to_string(part);
    } else {
      out += std::string_view(part);
    }
  };
  (append(parts), ...);
  return out;
}

}  // namespace oversight::statutory_returns::internal
