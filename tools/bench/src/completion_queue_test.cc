#include "completion_queue.h"

#include <gtest/gtest.h>

#include <set>

namespace oversight::bench {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'780'000'000);

std::vector<int64_t> Ks(const std::vector<Completion>& completions) {
  std::vector<int64_t> ks;
  for (const auto& c : completions)
    ks.push_back(c.k);
  return ks;
}

TEST(CompletionQueue, ReleasesCompletionsWhenDueInOrder) {
  CompletionQueue queue([](int64_t) { return false; }, absl::Minutes(2));
  queue.Add({kT0 + absl::Seconds(2), 1, "t1", "c1"});
  queue.Add({kT0 + absl::Seconds(3), 2, "t2", "c2"});
  EXPECT_TRUE(queue.TakeDue(kT0 + absl::Seconds(1)).empty());
  EXPECT_EQ(Ks(queue.TakeDue(kT0 + absl::Seconds(2))), std::vector<int64_t>({1}));
  EXPECT_FALSE(queue.empty());
  EXPECT_EQ(Ks(queue.TakeDue(kT0 + absl::Seconds(9))), std::vector<int64_t>({2}));
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.released_unready(), 0);
}

TEST(CompletionQueue, HoldsAnUnreadyCompletionUntilReadyWithoutHoldingTheOthers) {
  std::set<int64_t> waiting = {4};  // a sampled task whose deadline item was not seen yet
  CompletionQueue queue([&](int64_t k) { return waiting.contains(k); }, absl::Minutes(2));
  queue.Add({kT0, 3, "t3", "c3"});
  queue.Add({kT0, 4, "t4", "c4"});
  queue.Add({kT0, 5, "t5", "c5"});
  EXPECT_EQ(Ks(queue.TakeDue(kT0 + absl::Seconds(1))), std::vector<int64_t>({3, 5}));
  EXPECT_FALSE(queue.empty());  // 4 is held
  EXPECT_TRUE(queue.TakeDue(kT0 + absl::Seconds(30)).empty());

  waiting.clear();  // the watch saw its item
  EXPECT_EQ(Ks(queue.TakeDue(kT0 + absl::Seconds(31))), std::vector<int64_t>({4}));
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.released_unready(), 0);
}

TEST(CompletionQueue, ReleasesAndCountsWhatIsStillUnreadyAfterTheHoldLimit) {
  CompletionQueue queue([](int64_t k) { return k == 6; }, absl::Minutes(2));
  queue.Add({kT0, 6, "t6", "c6"});
  EXPECT_TRUE(queue.TakeDue(kT0 + absl::Seconds(119)).empty());
  EXPECT_EQ(Ks(queue.TakeDue(kT0 + absl::Minutes(2))), std::vector<int64_t>({6}));
  EXPECT_EQ(queue.released_unready(), 1);

  // Due long ago and taken only now: released at once, and counted.
  queue.Add({kT0, 6, "t6", "c6"});
  EXPECT_EQ(Ks(queue.TakeDue(kT0 + absl::Minutes(5))), std::vector<int64_t>({6}));
  EXPECT_EQ(queue.released_unready(), 2);
  queue.ResetCounts();
  EXPECT_EQ(queue.released_unready(), 0);
}

}  // namespace
}  // namespace oversight::bench
