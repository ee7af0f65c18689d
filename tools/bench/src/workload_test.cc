#include "workload.h"

#include <gtest/gtest.h>

#include <set>

#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/recording/v1/supervision_events.pb.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::bench {
namespace {

const absl::Time kAt = absl::FromUnixSeconds(1'780'000'000);

WorkloadShape Small() {
  WorkloadShape shape;
  shape.managers = 2;
  shape.workers = 6;
  shape.open_cases = 10;
  return shape;
}

TEST(Workload, DirectoryHasEveryoneWithTheirSupervisor) {
  const auto directory = Workload(Small()).Directory();
  ASSERT_EQ(directory.size(), 1u + 2 + 6);
  const auto& worker = dynamic_cast<const workforce::v1::WorkerJoined&>(*directory[3].message);
  EXPECT_EQ(worker.worker_id(), "bench-worker-0");
  EXPECT_EQ(worker.supervisor_id(), "bench-manager-0");
  EXPECT_EQ(directory[3].topic, "workforce_events");
  EXPECT_EQ(directory[3].key, "bench-worker-0");
}

TEST(Workload, OpenCasesAreAllocatedBeforeGoLive) {
  const Workload workload(Small());
  const Publication p = workload.OpenCase(7);
  const auto& allocated = dynamic_cast<const cases::v1::CaseAllocated&>(*p.message);
  EXPECT_EQ(allocated.child_id(), "bench-child-7");
  EXPECT_EQ(p.key, "bench-child-7");
  EXPECT_EQ(allocated.worker_id(), "bench-worker-1");  // 7 % 6
  EXPECT_LT(allocated.meta().occurred_at().seconds(), absl::ToUnixSeconds(Small().live_from));
}

TEST(Workload, EveryChildTriggerPairOnceBeforeAnyRepeats) {
  const Workload workload(Small());
  ASSERT_EQ(workload.DistinctEvents(), 10 * 11);
  std::set<std::pair<std::string, std::string>> seen;
  for (int64_t k = 0; k < workload.DistinctEvents(); ++k) {
    const Publication p = workload.CaseEvent(k, kAt);
    EXPECT_EQ(p.topic, "case_events");
    seen.insert({p.key, p.message->GetDescriptor()->full_name()});
  }
  EXPECT_EQ(seen.size(), 110u);
  // The next round starts again with the first pair.
  EXPECT_EQ(workload.CaseEvent(workload.DistinctEvents(), kAt).key, workload.CaseEvent(0, kAt).key);
}

TEST(Workload, EventIdsRoundTrip) {
  const Publication p = Workload(Small()).CaseEvent(42, kAt);
  const auto& meta =
      dynamic_cast<const common::v1::EventMeta&>(p.message->GetReflection()->GetMessage(
          *p.message, p.message->GetDescriptor()->FindFieldByName("meta")));
  EXPECT_EQ(meta.event_id(), "bench-42");
  EXPECT_EQ(Workload::EventId(42), "bench-42");
  EXPECT_EQ(Workload::SequenceOf("bench-42"), 42);
  EXPECT_EQ(Workload::SequenceOf("other-42"), -1);
  EXPECT_EQ(Workload::SequenceOf("bench-x"), -1);
}

TEST(Workload, CompletionNamesTheTask) {
  const Publication p = Workload(Small()).Completion(3, "task-9", "bench-child-2", kAt);
  const auto& recorded = dynamic_cast<const recording::v1::OversightRecorded&>(*p.message);
  EXPECT_EQ(p.topic, "supervision_events");
  EXPECT_EQ(recorded.task_id(), "task-9");
  EXPECT_EQ(recorded.child_id(), "bench-child-2");
  EXPECT_EQ(recorded.meta().event_id(), "bench-oversight-3");
}

}  // namespace
}  // namespace oversight::bench
