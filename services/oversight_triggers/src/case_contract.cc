#include "case_contract.h"

#include "absl/strings/str_cat.h"
#include "oversight/cases/v1/case_events.pb.h"

namespace oversight::triggers {

bool OpensCase(const google::protobuf::Message& event) {
  return dynamic_cast<const cases::v1::CaseAllocated*>(&event) != nullptr ||
         dynamic_cast<const cases::v1::LeadPractitionerChanged*>(&event) != nullptr ||
         dynamic_cast<const cases::v1::ReferralReceived*>(&event) != nullptr ||
         dynamic_cast<const cases::v1::AssessmentStarted*>(&event) != nullptr ||
         dynamic_cast<const cases::v1::ChildEnteredCare*>(&event) != nullptr ||
         dynamic_cast<const cases::v1::CaseTypeChanged*>(&event) != nullptr ||
         dynamic_cast<const cases::v1::PlanStarted*>(&event) != nullptr;
}

std::optional<events::Rejection> CheckCaseEvent(const google::protobuf::Message& event,
                                                const common::v1::EventMeta& meta,
                                                bool child_known) {
  const auto* field = event.GetDescriptor()->FindFieldByName("child_id");
  const std::string child_id =
      field == nullptr ? "" : event.GetReflection()->GetString(event, field);
  if (child_id.empty()) {
    return events::Rejection{std::string(events::kReasonMissingField),
                             "child_id is required (the child the event is about)"};
  }
  if (child_id != meta.subject()) {
    return events::Rejection{
        std::string(events::kReasonContractViolation),
        absl::StrCat("child_id \"", child_id, "\" differs from the subject \"", meta.subject(),
                     "\" (meta.subject, else ce_subject, else the record key): key case events "
                     "by the child id")};
  }
  if (!child_known && !OpensCase(event)) {
    return events::Rejection{
        std::string(events::kReasonUnknownChild),
        absl::StrCat("no case is known for child \"", child_id, "\" in authority \"",
                     meta.authority_id(), "\", and ", event.GetDescriptor()->name(),
                     " cannot open one (send the allocation, referral or entry to care first)")};
  }
  return std::nullopt;
}

std::optional<events::Rejection> CheckIngestedCaseEvent(const kafka::ConsumedMessage& record,
                                                        const events::AuthorityFilter& served,
                                                        const events::InboundLimits& limits) {
  auto checked = events::CheckInbound(record, "oversight.cases.v1.", served, limits);
  if (auto* rejection = std::get_if<events::Rejection>(&checked)) return *rejection;
  const auto& event = std::get<events::InboundEvent>(checked);
  return CheckCaseEvent(*event.message, *event.meta, /*child_known=*/true);
}

}  // namespace oversight::triggers
