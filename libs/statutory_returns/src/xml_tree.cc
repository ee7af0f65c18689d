#include "xml_tree.h"

#include <expat.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "cat.h"

namespace oversight::statutory_returns::internal {
namespace {

struct BuildState {
  XML_Parser parser = nullptr;
  XmlElement root;
  bool has_root = false;
  std::vector<XmlElement*> open;  // innermost last; each points into its parent's `children`
  int too_deep_line = 0;          // set when an element would exceed kMaxXmlDepth
};

void OnStart(void* data, const XML_Char* name, const XML_Char** /*attributes*/) {
  auto* state = static_cast<BuildState*>(data);
  if (state->open.size() >= static_cast<size_t>(kMaxXmlDepth)) {
    // The tree is freed recursively: a document nested 300,000 deep overflowed the stack.
    state->too_deep_line = static_cast<int>(XML_GetCurrentLineNumber(state->parser));
    XML_StopParser(state->parser, XML_FALSE);
    return;
  }
  XmlElement* element;
  if (state->open.empty()) {
    state->has_root = true;
    element = &state->root;
  } else {
    // Growing the parent's vector only moves closed siblings, never an open element.
    element = &state->open.back()->children.emplace_back();
  }
  element->name = name;
  element->line = static_cast<int>(XML_GetCurrentLineNumber(state->parser));
  state->open.push_back(element);
}

void OnEnd(void* data, const XML_Char* /*name*/) {
  auto* state = static_cast<BuildState*>(data);
  XmlElement* element = state->open.back();
  element->text = std::string(absl::StripAsciiWhitespace(element->text));
  state->open.pop_back();
}

void OnText(void* data, const XML_Char* text, int length) {
  auto* state = static_cast<BuildState*>(data);
  if (!state->open.empty()) state->open.back()->text.append(text, static_cast<size_t>(length));
}

struct ParserDeleter {
  void operator()(XML_ParserStruct* parser) const { XML_ParserFree(parser); }
};

}  // namespace

const XmlElement* XmlElement::Child(std::string_view child_name) const {
  for (const XmlElement& child : children) {
    if (child.name == child_name) return &child;
  }
  return nullptr;
}

std::vector<const XmlElement*> XmlElement::Children(std::string_view child_name) const {
  std::vector<const XmlElement*> out;
  for (const XmlElement& child : children) {
    if (child.name == child_name) out.push_back(&child);
  }
  return out;
}

std::string_view XmlElement::ChildText(std::string_view child_name) const {
  const XmlElement* child = Child(child_name);
  return child == nullptr ? std::string_view() : std::string_view(child->text);
}

absl::StatusOr<XmlElement> ParseXml(std::istream& in, std::string_view file_name) {
  std::unique_ptr<XML_ParserStruct, ParserDeleter> parser(XML_ParserCreate(nullptr));
  if (parser == nullptr) return absl::ResourceExhaustedError("cannot create an XML parser");
  BuildState state;
  state.parser = parser.get();
  XML_SetUserData(parser.get(), &state);
  XML_SetElementHandler(parser.get(), OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser.get(), OnText);

  char buffer[64 * 1024];
  while (true) {
    in.read(buffer, sizeof(buffer));
    const std::streamsize got = in.gcount();
    if (in.bad()) return absl::UnavailableError(internal::Cat(file_name, ": read failed"));
    const bool last = in.eof() || got == 0;
    if (XML_Parse(parser.get(), buffer, static_cast<int>(got), last ? 1 : 0) == XML_STATUS_ERROR) {
      if (state.too_deep_line != 0) {
        return absl::InvalidArgumentError(internal::Cat(file_name, ":", state.too_deep_line,
                                                        ": elements nested more than ",
                                                        kMaxXmlDepth, " deep"));
      }
      return absl::InvalidArgumentError(internal::Cat(
          file_name, ":", XML_GetCurrentLineNumber(parser.get()),
          ": not well-formed XML: ", XML_ErrorString(XML_GetErrorCode(parser.get()))));
    }
    if (last) break;
  }
  if (!state.has_root) return absl::InvalidArgumentError(internal::Cat(file_name, ": no XML root"));
  return std::move(state.root);
}

}  // namespace oversight::statutory_returns::internal
