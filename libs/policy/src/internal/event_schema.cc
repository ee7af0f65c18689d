#include "internal/event_schema.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::policy::internal {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// Referencing one message of each file links its descriptors into the generated pool.
const Descriptor* FindMessage(absl::string_view type) {
  static const bool linked = [] {
    (void)oversight::cases::v1::CaseEvent::descriptor();
    (void)oversight::scheduling::v1::ItemOverdue::descriptor();
    (void)oversight::workforce::v1::WorkforceEvent::descriptor();
    return true;
  }();
  (void)linked;
  return google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
      std::string(type));
}

}  // namespace

absl::Status CheckEventType(absl::string_view type) {
  const Descriptor* d = FindMessage(type);
  if (d == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown event type '", type,
        "' (expected a full message name such as oversight.cases.v1.ChildEnteredCare)"));
  }
  if (d->FindFieldByName("meta") == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", type, "' is not an event (it has no 'meta' field)"));
  }
  return absl::OkStatus();
}

absl::Status CheckCondition(absl::string_view type, const TriggerCondition& condition) {
  const Descriptor* d = FindMessage(type);
  if (d == nullptr) return CheckEventType(type);
  const FieldDescriptor* field = nullptr;
  std::vector<absl::string_view> parts = absl::StrSplit(condition.field, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    field = d->FindFieldByName(std::string(parts[i]));
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("event ", type, " has no field '", condition.field, "'"));
    }
    if (i + 1 < parts.size()) {
      if (field->type() != FieldDescriptor::TYPE_MESSAGE) {
        return absl::InvalidArgumentError(
            absl::StrCat("'", parts[i], "' in '", condition.field, "' is not a message field"));
      }
      d = field->message_type();
    }
  }
  if (condition.op != TriggerCondition::Op::kEquals) return absl::OkStatus();
  if (field->type() == FieldDescriptor::TYPE_ENUM) {
    if (field->enum_type()->FindValueByName(condition.value) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", condition.value, "' is not a value of enum ", field->enum_type()->full_name()));
    }
  } else if (field->type() == FieldDescriptor::TYPE_BOOL) {
    if (condition.value != "true" && condition.value != "false") {
      return absl::InvalidArgumentError(
          absl::StrCat("field '", condition.field, "' is a bool: use true or false"));
    }
  } else if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
    return absl::InvalidArgumentError(absl::StrCat(
        "field '", condition.field, "' is a message: compare one of its fields instead"));
  }
  return absl::OkStatus();
}

}  // namespace oversight::policy::internal
