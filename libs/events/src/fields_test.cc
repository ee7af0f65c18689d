#include "oversight/events/fields.h"

#include <gtest/gtest.h>

#include "oversight/cases/v1/case_events.pb.h"

namespace oversight::events {
namespace {

TEST(FlattenFieldsTest, GivesSetFieldsByDottedPathWithoutMeta) {
  cases::v1::CaseAllocated event;
  event.mutable_meta()->set_event_id("evt-1");
  event.set_child_id("child-1");
  event.set_case_type(common::v1::CASE_TYPE_CHILD_PROTECTION);
  event.set_in_care_proceedings(true);
  event.mutable_placement()->set_stability_concern(true);
  const auto fields = FlattenFields(event);
  EXPECT_EQ(fields, (std::map<std::string, std::string>{
                        {"child_id", "child-1"},
                        {"case_type", "CASE_TYPE_CHILD_PROTECTION"},
                        {"in_care_proceedings", "true"},
                        {"placement.stability_concern", "true"},
                    }));
}

TEST(FlattenFieldsTest, WritesTimestampsAsRfc3339) {
  cases::v1::SignificantIncident event;
  event.mutable_incident_at()->set_seconds(1'700'000'000);
  EXPECT_EQ(FlattenFields(event).at("incident_at"), "2023-11-14T22:13:20Z");
}

}  // namespace
}  // namespace oversight::events
