// ChangeSet: commands decided in C++ applied in one script with the outbox and the
// processed-event marker, against a real redis-server.
#include "oversight/redis/change_set.h"

#include <cstdlib>
#include <thread>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "oversight/redis/testing/redis_server.h"

namespace oversight::redis {
namespace {

class ChangeSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::RedisServer::Launch();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    auto connection = Connection::Connect(server_->connection_options());
    ASSERT_TRUE(connection.ok()) << connection.status();
    c_ = std::move(*connection);
  }

  std::string Get(const std::string& key) { return c_->Command({"GET", key})->str(); }
  int64_t OutboxLength() { return c_->Command({"XLEN", OutboxKey("devon", "svc")})->integer(); }
  // EVALSHA calls the server has run so far (INFO commandstats): which path ApplyAll took.
  int ScriptRuns() {
    const std::string stats = c_->Command({"INFO", "commandstats"})->str();
    const auto at = stats.find("cmdstat_evalsha:calls=");
    return at == std::string::npos ? 0 : std::atoi(stats.c_str() + at + 22);
  }

  std::unique_ptr<testing::RedisServer> server_;
  std::unique_ptr<Connection> c_;
};

TEST_F(ChangeSetTest, AppliesCommandsAndEmitsOnceForAnEventId) {
  ChangeSet change;
  change.Write("ovs:{devon}:a", {"SET", "ovs:{devon}:a", "1"})
      .Write("ovs:{devon}:n", {"INCR", "ovs:{devon}:n"})
      .Emit("oversight.tasks.v1", "child-1", std::string("bin\0ary", 7), {{"ce_id", "x"}});

  auto first = change.Apply(*c_, "devon", "svc", "evt-1");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->duplicate);
  auto again = change.Apply(*c_, "devon", "svc", "evt-1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate);

  EXPECT_EQ(Get("ovs:{devon}:a"), "1");
  EXPECT_EQ(Get("ovs:{devon}:n"), "1");  // INCR ran once: the redelivery changed nothing
  ASSERT_EQ(OutboxLength(), 1);
  auto entries = c_->Command({"XRANGE", OutboxKey("devon", "svc"), "-", "+"});
  auto record = ParseOutboxEntry(OutboxKey("devon", "svc"), entries->elements()[0]);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->topic, "oversight.tasks.v1");
  EXPECT_EQ(record->key, "child-1");
  EXPECT_EQ(record->value, std::string("bin\0ary", 7));
  EXPECT_EQ(record->headers, (std::vector<std::pair<std::string, std::string>>{{"ce_id", "x"}}));
}

TEST_F(ChangeSetTest, EmitsTombstonesBetweenOrdinaryRecordsInOrder) {
  ChangeSet change;
  change.Emit("records", "k-1", "v1", {{"ce_id", "a"}})
      .EmitTombstone("records", "k-0")
      .Emit("records", "k-2", "", {});
  ASSERT_TRUE(change.Apply(*c_, "devon", "svc", "evt-t").ok());
  auto entries = c_->Command({"XRANGE", OutboxKey("devon", "svc"), "-", "+"});
  ASSERT_EQ(entries->elements().size(), 3u);
  std::vector<OutboxRecord> records;
  for (const auto& e : entries->elements())
    records.push_back(*ParseOutboxEntry(OutboxKey("devon", "svc"), e));
  EXPECT_FALSE(records[0].tombstone);
  EXPECT_EQ(records[0].value, "v1");
  EXPECT_EQ(records[0].headers.size(), 1u);
  EXPECT_TRUE(records[1].tombstone);
  EXPECT_EQ(records[1].key, "k-0");
  EXPECT_EQ(records[1].value, "");
  EXPECT_TRUE(records[1].headers.empty());
  EXPECT_FALSE(records[2].tombstone);  // an empty value is not a tombstone
  EXPECT_EQ(records[2].key, "k-2");
}

TEST_F(ChangeSetTest, RefusesKeysOfAnotherAuthorityAndWritesNothing) {
  ChangeSet change;
  change.Write("ovs:{havering}:a", {"SET", "ovs:{havering}:a", "1"});
  auto result = change.Apply(*c_, "devon", "svc", "evt-2");
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << result.status();
  EXPECT_TRUE(c_->Command({"GET", "ovs:{havering}:a"})->is_nil());
  EXPECT_EQ(OutboxLength(), 0);
}

TEST_F(ChangeSetTest, EmptyEventIdAppliesEveryTime) {
  ChangeSet change;
  change.Write("ovs:{devon}:n", {"INCR", "ovs:{devon}:n"});
  ASSERT_TRUE(change.Apply(*c_, "devon", "svc", "").ok());
  ASSERT_TRUE(change.Apply(*c_, "devon", "svc", "").ok());
  EXPECT_EQ(Get("ovs:{devon}:n"), "2");
}

TEST_F(ChangeSetTest, AnExpectationThatNoLongerHoldsAbortsAndWritesNothing) {
  ASSERT_TRUE(c_->Command({"HSET", "ovs:{devon}:rec", "data", "old", "v", "3"}).ok());
  auto change_at = [](const std::string& version) {
    ChangeSet change;
    change.ExpectField("ovs:{devon}:rec", "v", version)
        .ExpectField("ovs:{devon}:new", "v", "")  // absent, as read
        .Write("ovs:{devon}:rec", {"HSET", "ovs:{devon}:rec", "data", "new"})
        .Write("ovs:{devon}:rec", {"HINCRBY", "ovs:{devon}:rec", "v", "1"})
        .Emit("oversight.tasks.v1", "k", "v", {});
    return change;
  };

  // Read at version 2, but someone wrote version 3 since: refused before any write.
  auto stale = change_at("2").Apply(*c_, "devon", "svc", "evt-stale");
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted) << stale.status();
  EXPECT_NE(stale.status().message().find("ovs:{devon}:rec"), std::string::npos);
  EXPECT_EQ(c_->Command({"HGET", "ovs:{devon}:rec", "data"})->str(), "old");
  EXPECT_EQ(OutboxLength(), 0);
  EXPECT_EQ(c_->Command({"EXISTS", ProcessedKey("devon", "svc", "evt-stale")})->integer(), 0);

  // Reloaded at version 3: applies, and the same event id may now succeed.
  auto fresh = change_at("3").Apply(*c_, "devon", "svc", "evt-stale");
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_FALSE(fresh->duplicate);
  EXPECT_EQ(c_->Command({"HGET", "ovs:{devon}:rec", "data"})->str(), "new");
  EXPECT_EQ(c_->Command({"HGET", "ovs:{devon}:rec", "v"})->str(), "4");
  EXPECT_EQ(OutboxLength(), 1);

  // A key expected absent that now exists aborts too.
  ASSERT_TRUE(c_->Command({"HSET", "ovs:{devon}:new", "v", "1"}).ok());
  EXPECT_EQ(change_at("4").Apply(*c_, "devon", "svc", "evt-3").status().code(),
            absl::StatusCode::kAborted);
  // A redelivered event that was applied is a duplicate, whatever its expectations.
  auto duplicate = change_at("1").Apply(*c_, "devon", "svc", "evt-stale");
  ASSERT_TRUE(duplicate.ok()) << duplicate.status();
  EXPECT_TRUE(duplicate->duplicate);
}

TEST_F(ChangeSetTest, GuardedChangeAppliesOnlyIfTheFieldStillHoldsWhatWasRead) {
  ChangeSet first;
  first
      .ExpectField("ovs:{devon}:child", "version", "")  // a missing hash reads as ""
      .Write("ovs:{devon}:child", {"HSET", "ovs:{devon}:child", "version", "1"});
  ASSERT_TRUE(first.Apply(*c_, "devon", "svc", "evt-g1").ok());

  // Decided on the version-"" read too, but the first change got there before it.
  ChangeSet stale;
  stale.ExpectField("ovs:{devon}:child", "version", "")
      .Write("ovs:{devon}:child", {"HSET", "ovs:{devon}:child", "version", "1", "owner", "x"})
      .Emit("oversight.tasks.v1", "child-1", "payload", {});
  auto refused = stale.Apply(*c_, "devon", "svc", "evt-g2");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAborted) << refused.status();
  EXPECT_TRUE(c_->Command({"HGET", "ovs:{devon}:child", "owner"})->is_nil());
  EXPECT_EQ(OutboxLength(), 0);
  // Not marked processed: the same event, decided again on a fresh read, applies.
  ChangeSet fresh;
  fresh.ExpectField("ovs:{devon}:child", "version", "1")
      .Write("ovs:{devon}:child", {"HSET", "ovs:{devon}:child", "version", "2", "owner", "x"});
  auto applied = fresh.Apply(*c_, "devon", "svc", "evt-g2");
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_FALSE(applied->duplicate);
  EXPECT_EQ(c_->Command({"HGET", "ovs:{devon}:child", "owner"})->str(), "x");
}

// ApplyAll on each of its paths: what holds for both.
class ApplyAllTest : public ChangeSetTest,
                     public ::testing::WithParamInterface<ChangeSet::ApplyAllPath> {
 protected:
  std::vector<absl::StatusOr<OutboxResult>> ApplyAll(
      const std::vector<ChangeSet::Application>& changes) {
    return ChangeSet::ApplyAll(*c_, changes, GetParam());
  }
};

INSTANTIATE_TEST_SUITE_P(Paths, ApplyAllTest,
                         ::testing::Values(ChangeSet::ApplyAllPath::kTransaction,
                                           ChangeSet::ApplyAllPath::kScript),
                         [](const auto& info) {
                           return info.param == ChangeSet::ApplyAllPath::kTransaction
                                      ? "Transaction"
                                      : "Script";
                         });

TEST_P(ApplyAllTest, RunsEveryChangeInOrderWithItsOwnResult) {
  // Three events of one child decided in a row (each on the version the previous one writes),
  // then a duplicate of the first, all in one round trip.
  std::vector<ChangeSet> changes(3);
  for (int i = 0; i < 3; ++i) {
    changes[i]
        .ExpectField("ovs:{devon}:child", "version", i == 0 ? "" : std::to_string(i))
        .Write("ovs:{devon}:child", {"HSET", "ovs:{devon}:child", "version", std::to_string(i + 1)})
        .Write("ovs:{devon}:log", {"RPUSH", "ovs:{devon}:log", std::to_string(i)})
        .Emit("oversight.tasks.v1", "child-1", std::to_string(i), {});
  }
  std::vector<ChangeSet::Application> applications;
  for (int i = 0; i < 3; ++i) {
    applications.push_back({&changes[i], "devon", "svc", "evt-" + std::to_string(i)});
  }
  applications.push_back({&changes[0], "devon", "svc", "evt-0"});
  auto results = ApplyAll(applications);
  ASSERT_EQ(results.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(results[i].ok()) << i << ": " << results[i].status();
    EXPECT_FALSE(results[i]->duplicate);
  }
  ASSERT_TRUE(results[3].ok()) << results[3].status();
  EXPECT_TRUE(results[3]->duplicate);
  EXPECT_EQ(c_->Command({"LRANGE", "ovs:{devon}:log", "0", "-1"})->elements().size(), 3u);
  EXPECT_EQ(OutboxLength(), 3);
}

TEST_P(ApplyAllTest, RefusesWhatDependsOnARefusedChange) {
  ChangeSet bad_key;  // refused before sending: another authority's key
  bad_key.Write("ovs:{havering}:x", {"SET", "ovs:{havering}:x", "1"});
  ChangeSet conflicting;  // its guard fails: the version moved on meanwhile
  conflicting.ExpectField("ovs:{devon}:child", "version", "7")
      .Write("ovs:{devon}:child", {"HSET", "ovs:{devon}:child", "version", "8"});
  ChangeSet dependent;  // decided after `conflicting`, so it expects version 8
  dependent.ExpectField("ovs:{devon}:child", "version", "8")
      .Write("ovs:{devon}:child", {"HSET", "ovs:{devon}:child", "version", "9"});
  ChangeSet independent;
  independent.Write("ovs:{devon}:other", {"SET", "ovs:{devon}:other", "1"});
  auto results = ApplyAll({{&bad_key, "devon", "svc", "e1"},
                           {&conflicting, "devon", "svc", "e2"},
                           {&dependent, "devon", "svc", "e3"},
                           {&independent, "devon", "svc", "e4"}});
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(results[1].status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(results[2].status().code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(results[3].ok()) << results[3].status();
  EXPECT_TRUE(c_->Command({"HGET", "ovs:{devon}:child", "version"})->is_nil());
  EXPECT_EQ(Get("ovs:{devon}:other"), "1");
}

// A change whose command fails when it runs (WRONGTYPE: malformed state) and the next change.
struct FailingRun {
  ChangeSet failing, next;
  std::vector<ChangeSet::Application> applications() const {
    return {{&failing, "devon", "svc", "w1"}, {&next, "devon", "svc", "w2"}};
  }
};

FailingRun MakeFailingRun(Connection& c) {
  EXPECT_TRUE(c.Command({"SET", "ovs:{devon}:string", "x"}).ok());
  FailingRun run;  // the failing change's second command meets a string, not a hash
  run.failing.Write("ovs:{devon}:a", {"SET", "ovs:{devon}:a", "1"})
      .Write("ovs:{devon}:string", {"HSET", "ovs:{devon}:string", "f", "v"})
      .Write("ovs:{devon}:b", {"SET", "ovs:{devon}:b", "1"})
      .Emit("oversight.tasks.v1", "k", "v", {});
  run.next.Write("ovs:{devon}:c", {"SET", "ovs:{devon}:c", "1"});
  return run;
}

TEST_F(ChangeSetTest, ApplyAllByScriptStopsOnlyTheChangeWhoseCommandFails) {
  const FailingRun run = MakeFailingRun(*c_);
  auto results = ChangeSet::ApplyAll(*c_, run.applications(), ChangeSet::ApplyAllPath::kScript);
  EXPECT_EQ(results[0].status().code(), absl::StatusCode::kInternal) << results[0].status();
  EXPECT_NE(results[0].status().message().find("WRONGTYPE"), std::string::npos);
  EXPECT_EQ(Get("ovs:{devon}:a"), "1");  // before the failure: applied, as with Apply
  EXPECT_TRUE(c_->Command({"GET", "ovs:{devon}:b"})->is_nil());
  EXPECT_EQ(OutboxLength(), 0);
  EXPECT_TRUE(c_->Command({"GET", ProcessedKey("devon", "svc", "w1")})->is_nil());
  EXPECT_TRUE(results[1].ok()) << results[1].status();
  EXPECT_EQ(Get("ovs:{devon}:c"), "1");
}

TEST_F(ChangeSetTest, ApplyAllByTransactionReportsTheChangeWhoseCommandFailsAndGoesOn) {
  const FailingRun run = MakeFailingRun(*c_);
  auto results = ChangeSet::ApplyAll(*c_, run.applications());
  EXPECT_EQ(results[0].status().code(), absl::StatusCode::kInternal) << results[0].status();
  EXPECT_NE(results[0].status().message().find("WRONGTYPE"), std::string::npos);
  // MULTI does not stop at a failed command: the rest of the change ran (as documented).
  EXPECT_EQ(Get("ovs:{devon}:a"), "1");
  EXPECT_EQ(Get("ovs:{devon}:b"), "1");
  EXPECT_EQ(OutboxLength(), 1);
  EXPECT_TRUE(results[1].ok()) << results[1].status();
  EXPECT_EQ(Get("ovs:{devon}:c"), "1");
  EXPECT_EQ(ScriptRuns(), 0);
}

TEST_F(ChangeSetTest, ApplyAllByTransactionLeavesToTheScriptAGuardItCannotPredict) {
  // The second change guards a field of a hash the first one deletes: only Redis knows.
  ASSERT_TRUE(c_->Command({"HSET", "ovs:{devon}:child", "version", "3"}).ok());
  ChangeSet reset;
  reset.ExpectField("ovs:{devon}:child", "version", "3")
      .Write("ovs:{devon}:child", {"DEL", "ovs:{devon}:child"});
  ChangeSet fresh;  // decided on the deleted hash: version ""
  fresh.ExpectField("ovs:{devon}:child", "version", "")
      .Write("ovs:{devon}:child", {"HSET", "ovs:{devon}:child", "version", "1"})
      .Emit("oversight.tasks.v1", "child-1", "fresh", {});
  auto results =
      ChangeSet::ApplyAll(*c_, {{&reset, "devon", "svc", "r1"}, {&fresh, "devon", "svc", "r2"}});
  ASSERT_TRUE(results[0].ok()) << results[0].status();
  ASSERT_TRUE(results[1].ok()) << results[1].status();
  EXPECT_EQ(c_->Command({"HGET", "ovs:{devon}:child", "version"})->str(), "1");
  EXPECT_EQ(OutboxLength(), 1);
  EXPECT_GE(ScriptRuns(), 1);  // the first EVALSHA of a fresh server is NOSCRIPT, then runs
}

TEST_F(ChangeSetTest, ApplyAllByTransactionLeavesToTheScriptARunRedisRefusesToQueue) {
  // An unknown command aborts the whole MULTI (EXECABORT, nothing ran); the script then gives
  // each change its own result.
  ChangeSet unknown;
  unknown.Write("ovs:{devon}:x", {"NOSUCHCOMMAND", "ovs:{devon}:x"});
  ChangeSet next;
  next.Write("ovs:{devon}:y", {"SET", "ovs:{devon}:y", "1"}).Emit("t", "k", "v", {});
  auto results =
      ChangeSet::ApplyAll(*c_, {{&unknown, "devon", "svc", "u1"}, {&next, "devon", "svc", "u2"}});
  EXPECT_EQ(results[0].status().code(), absl::StatusCode::kInternal) << results[0].status();
  ASSERT_TRUE(results[1].ok()) << results[1].status();
  EXPECT_EQ(Get("ovs:{devon}:y"), "1");
  EXPECT_EQ(OutboxLength(), 1);
  EXPECT_GE(ScriptRuns(), 1);  // the first EVALSHA of a fresh server is NOSCRIPT, then runs
}

TEST_F(ChangeSetTest, ApplyAllByTransactionSeesTheFieldsAnEarlierChangeWrites) {
  // Ten events of one child in a row, each guarded by the version the previous one wrote and
  // writing other fields of the same hash too; then the same ten again (all duplicates).
  std::vector<ChangeSet> changes(10);
  std::vector<ChangeSet::Application> applications;
  for (int i = 0; i < 10; ++i) {
    changes[i]
        .ExpectField("ovs:{devon}:child", "version", i == 0 ? "" : std::to_string(i))
        .Write("ovs:{devon}:child",
               {"HSET", "ovs:{devon}:child", "seen", "1", "version", std::to_string(i + 1)})
        .Write("ovs:{devon}:n", {"INCR", "ovs:{devon}:n"});
    applications.push_back({&changes[i], "devon", "svc", "v-" + std::to_string(i)});
  }
  for (int round = 0; round < 2; ++round) {
    auto results = ChangeSet::ApplyAll(*c_, applications);
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(results[i].ok()) << round << "/" << i << ": " << results[i].status();
      EXPECT_EQ(results[i]->duplicate, round == 1) << round << "/" << i;
    }
  }
  EXPECT_EQ(Get("ovs:{devon}:n"), "10");
  EXPECT_EQ(c_->Command({"HGET", "ovs:{devon}:child", "version"})->str(), "10");
  EXPECT_EQ(ScriptRuns(), 0);  // decided in the client, sent as MULTI ... EXEC
}

// `n` changes of `n` children ("ovs:{devon}:child:<prefix><i>"), each guarded by its child's
// version and counted in ovs:{devon}:n; with `bump` each also HSETs the version it guards.
std::vector<ChangeSet> GuardedChanges(int n, bool bump, const std::string& prefix) {
  std::vector<ChangeSet> changes(n);
  for (int i = 0; i < n; ++i) {
    const std::string child = "ovs:{devon}:child:" + prefix + std::to_string(i);
    changes[i].ExpectField(child, "version", "");
    if (bump) changes[i].Write(child, {"HSET", child, "version", "1"});
    changes[i].Write("ovs:{devon}:n", {"INCR", "ovs:{devon}:n"});
  }
  return changes;
}

// Two consumers handling the same records at once (a rebalance), made to interleave the worst
// way: writes are paused (CLIENT PAUSE WRITE) while both read the markers and guards, so both
// find every event unprocessed; then both write. Each event must apply exactly once. The
// parameter says whether the changes bump the version they guard or only read it (then only
// the watched marker can stop the second client).
class ApplyAllRaceTest : public ChangeSetTest, public ::testing::WithParamInterface<bool> {};

INSTANTIATE_TEST_SUITE_P(Guards, ApplyAllRaceTest, ::testing::Bool(), [](const auto& info) {
  return info.param ? "BumpingTheGuardedVersion" : "OnlyReadingIt";
});

TEST_P(ApplyAllRaceTest, AppliesAnEventOnceWhenTwoClientsReadItBeforeEitherWrites) {
  std::vector<ChangeSet> changes = GuardedChanges(20, /*bump=*/GetParam(), "");
  std::vector<ChangeSet::Application> applications;
  for (int i = 0; i < 20; ++i)
    applications.push_back({&changes[i], "devon", "svc", "race-" + std::to_string(i)});
  std::vector<std::unique_ptr<Connection>> clients;
  for (int k = 0; k < 2; ++k) {
    auto client = Connection::Connect(server_->connection_options());
    ASSERT_TRUE(client.ok()) << client.status();
    clients.push_back(std::move(*client));
  }
  ASSERT_TRUE(c_->Command({"CLIENT", "PAUSE", "10000", "WRITE"}).ok());
  std::vector<absl::StatusOr<OutboxResult>> results[2];
  std::vector<std::thread> threads;
  for (int k = 0; k < 2; ++k) {
    threads.emplace_back([&, k] { results[k] = ChangeSet::ApplyAll(*clients[k], applications); });
  }
  // Both have read and wait with their first write (postponed clients count as blocked).
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (absl::Now() < deadline &&
         c_->Command({"INFO", "clients"})->str().find("blocked_clients:2") == std::string::npos) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  const std::string clients_info = c_->Command({"INFO", "clients"})->str();
  ASSERT_TRUE(c_->Command({"CLIENT", "UNPAUSE"}).ok());
  for (auto& thread : threads)
    thread.join();
  ASSERT_NE(clients_info.find("blocked_clients:2"), std::string::npos) << clients_info;
  for (size_t c = 0; c < applications.size(); ++c) {
    int times = 0;
    for (int k = 0; k < 2; ++k) {
      ASSERT_TRUE(results[k][c].ok()) << k << "/" << c << ": " << results[k][c].status();
      if (!results[k][c]->duplicate) ++times;
    }
    EXPECT_EQ(times, 1) << applications[c].event_id;
  }
  EXPECT_EQ(Get("ovs:{devon}:n"), "20");
}

TEST_P(ApplyAllTest, LoadsTheScriptAgainAfterAFlush) {
  ChangeSet change;
  change.Write("ovs:{devon}:n", {"INCR", "ovs:{devon}:n"});
  ASSERT_TRUE(change.Apply(*c_, "devon", "svc", "").ok());
  ASSERT_TRUE(c_->Command({"SCRIPT", "FLUSH"}).ok());
  auto results = ApplyAll({{&change, "devon", "svc", "f1"}, {&change, "devon", "svc", "f2"}});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[0].ok()) << results[0].status();
  EXPECT_TRUE(results[1].ok()) << results[1].status();
  EXPECT_EQ(Get("ovs:{devon}:n"), "3");
}

}  // namespace
}  // namespace oversight::redis
