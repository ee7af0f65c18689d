// HandleInSegments: records decided in segments split by barriers; nothing after the first
// retried record counts as done.
#include "oversight/kafka/segmented_batch.h"

#include <gtest/gtest.h>

#include <string>

namespace oversight::kafka {
namespace {

using Kind = HandlerOutcome::Kind;

// A record's value says what it is: "s..." staged, "b..." a barrier, "x" rejected at once,
// "fail" a staged record its segment cannot apply (transient), "bfail" a barrier that cannot.
std::vector<ConsumedMessage> Records(const std::vector<std::string>& values) {
  std::vector<ConsumedMessage> records;
  for (size_t i = 0; i < values.size(); ++i) {
    ConsumedMessage record;
    record.topic = "t";
    record.offset = static_cast<int64_t>(i);
    record.value = values[i];
    records.push_back(std::move(record));
  }
  return records;
}

struct Staged {
  size_t index;
  std::string value;
};

// Runs the batch, noting what happened in `log`: "segment(0,1)" for a segment of the records at
// 0 and 1, "barrier 2" for the barrier at 2.
std::vector<HandlerOutcome> HandleBatch(const std::vector<std::string>& values, std::string& log) {
  return HandleInSegments<Staged>(
      Records(values),
      [&](const ConsumedMessage& record, size_t index) -> SegmentStep<Staged> {
        if (record.value == "x") return HandlerOutcome::DeadLetter("decode_failed", "bad");
        if (record.value.starts_with("b")) {
          return SegmentBarrier{[&log, index, fail = record.value == "bfail"] {
            log += "barrier " + std::to_string(index) + ";";
            return fail ? HandlerOutcome::RetryLater("directory write failed")
                        : HandlerOutcome::Processed();
          }};
        }
        return Staged{index, record.value};
      },
      [&](std::vector<Staged>& segment, std::vector<HandlerOutcome>& outcomes) {
        log += "segment(";
        bool ok = true;
        for (const Staged& staged : segment) {
          log += std::to_string(staged.index) + (&staged == &segment.back() ? "" : ",");
          if (!ok) {
            outcomes[staged.index] = HandlerOutcome::RetryLater("after a failed one");
          } else if (staged.value == "fail") {
            outcomes[staged.index] = HandlerOutcome::RetryLater("redis unavailable");
            ok = false;
          } else {
            outcomes[staged.index] = HandlerOutcome::Processed();
          }
        }
        log += ");";
        return ok;
      });
}

std::vector<Kind> Kinds(const std::vector<HandlerOutcome>& outcomes) {
  std::vector<Kind> kinds;
  for (const auto& outcome : outcomes)
    kinds.push_back(outcome.kind);
  return kinds;
}

TEST(HandleInSegmentsTest, BarriersSplitSegmentsAndRunAfterWhatCameBefore) {
  std::string log;
  const auto outcomes = HandleBatch({"s", "x", "s", "b", "s", "b", "b", "s"}, log);
  EXPECT_EQ(log, "segment(0,2);barrier 3;segment(4);barrier 5;barrier 6;segment(7);");
  EXPECT_EQ(
      Kinds(outcomes),
      (std::vector<Kind>{Kind::kProcessed, Kind::kDeadLetter, Kind::kProcessed, Kind::kProcessed,
                         Kind::kProcessed, Kind::kProcessed, Kind::kProcessed, Kind::kProcessed}));
  EXPECT_EQ(outcomes[1].reason, "decode_failed");
}

TEST(HandleInSegmentsTest, AfterAFailedSegmentNothingIsAppliedAndEverythingIsRetried) {
  std::string log;
  const auto outcomes = HandleBatch({"s", "fail", "x", "s", "b", "s"}, log);
  // The segment before the barrier is applied; the barrier and what follows are not.
  EXPECT_EQ(log, "segment(0,1,3);");
  EXPECT_EQ(Kinds(outcomes),
            (std::vector<Kind>{Kind::kProcessed, Kind::kRetryLater, Kind::kRetryLater,
                               Kind::kRetryLater, Kind::kRetryLater, Kind::kRetryLater}));
  EXPECT_EQ(outcomes[1].detail, "redis unavailable");
  // The dead letter after the failed record is delivered again rather than dead-lettered now.
  EXPECT_EQ(outcomes[2].detail, kRetriedWithAnEarlierRecord);
  EXPECT_EQ(outcomes[4].detail, kRetriedWithAnEarlierRecord);
}

TEST(HandleInSegmentsTest, AfterAFailedBarrierNothingIsStaged) {
  std::string log;
  const auto outcomes = HandleBatch({"s", "bfail", "s", "b"}, log);
  EXPECT_EQ(log, "segment(0);barrier 1;");
  EXPECT_EQ(Kinds(outcomes), (std::vector<Kind>{Kind::kProcessed, Kind::kRetryLater,
                                                Kind::kRetryLater, Kind::kRetryLater}));
  EXPECT_EQ(outcomes[1].detail, "directory write failed");
  EXPECT_EQ(outcomes[2].detail, kRetriedWithAnEarlierRecord);
}

TEST(HandleInSegmentsTest, AnEmptyBatchHasNoOutcomes) {
  std::string log;
  EXPECT_TRUE(HandleBatch({}, log).empty());
  EXPECT_EQ(log, "");
}

}  // namespace
}  // namespace oversight::kafka
