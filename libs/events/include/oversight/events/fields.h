// An event's fields as text by dotted path, the form trigger conditions of policy packs look at
// (oversight::policy::CaseEventFacts::fields).
#pragma once

#include <map>
#include <string>

#include "google/protobuf/message.h"

namespace oversight::events {

// Every set singular field of `message`, recursively: scalars as decimal text, bools as
// "true"/"false", enums by value name ("ASSESSMENT_KIND_SECTION_47"), strings as they are,
// nested messages by "outer.inner" paths (google.protobuf.Timestamp as RFC 3339 text). Repeated
// fields and the `meta` envelope are left out. Thread-safe.
std::map<std::string, std::string> FlattenFields(const google::protobuf::Message& message);

}  // namespace oversight::events
