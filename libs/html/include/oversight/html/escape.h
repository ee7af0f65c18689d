// Escaping text for HTML: the emails notifications sends and the demo's report page.
#pragma once

#include <string>
#include <string_view>

namespace oversight::html {

// `text` with & < > " ' replaced by their character references, so it can stand in element
// content and in a quoted attribute value (double or single quotes) and reads as written.
std::string Escape(std::string_view text);

}  // namespace oversight::html
