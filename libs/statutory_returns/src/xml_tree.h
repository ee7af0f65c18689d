#pragma once

#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace oversight::statutory_returns::internal {

// An XML element with the line of its start tag, its own text (whitespace-trimmed, child text
// excluded) and its child elements in document order. Attributes are not kept: statutory returns
// carry every value in element text.
struct XmlElement {
  std::string name;
  std::string text;
  int line = 0;
  std::vector<XmlElement> children;

  // First child named `child_name`, or nullptr.
  const XmlElement* Child(std::string_view child_name) const;
  // Every child named `child_name`, in document order.
  std::vector<const XmlElement*> Children(std::string_view child_name) const;
  // Text of the first child named `child_name`, or "" when there is none.
  std::string_view ChildText(std::string_view child_name) const;
};

// How deep elements may nest. Statutory returns nest seven levels at most (Message/Children/
// Child/CINdetails/ChildProtectionPlans/Reviews/CPPreviewDate); the limit keeps a hostile
// document from exhausting the stack (the tree is freed recursively).
inline constexpr int kMaxXmlDepth = 64;

// Parses a whole XML document with expat and returns its root element. Returns INVALID_ARGUMENT
// naming `file_name`, the line and expat's message when the document is not well-formed or nests
// elements deeper than kMaxXmlDepth, or UNAVAILABLE when reading `in` fails. Thread-safe (one
// parser per call).
absl::StatusOr<XmlElement> ParseXml(std::istream& in, std::string_view file_name);

}  // namespace oversight::statutory_returns::internal
