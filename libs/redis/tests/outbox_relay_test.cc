// OutboxRelay against a real redis-server, with publish callbacks standing in for the broker.
#include "oversight/redis/outbox_relay.h"

#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "oversight/redis/testing/redis_server.h"
#include "oversight/testing/wait_until.h"

namespace oversight::redis {
namespace {

using oversight::testing::WaitUntil;
using testing::RedisServer;

constexpr char kEmitBody[] = R"lua(
for i = 1, #args do ovs.emit('topic-a', 'key-' .. args[i], args[i], {'n', args[i]}) end
return #args
)lua";

class OutboxRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = RedisServer::Launch();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    auto connection = Connection::Connect(server_->connection_options());
    ASSERT_TRUE(connection.ok()) << connection.status();
    c_ = std::move(*connection);
  }

  void Emit(std::string_view authority, std::vector<std::string> values) {
    auto result = emit_.Run(*c_, authority, "svc", "", {}, values);
    ASSERT_TRUE(result.ok()) << result.status();
  }

  int64_t Pending(std::string_view authority) {
    return c_->Command({"XLEN", OutboxKey(authority, "svc")})->integer();
  }

  OutboxRelayOptions Options(std::vector<std::string> keys) {
    OutboxRelayOptions options;
    options.outbox_keys = std::move(keys);
    options.poll_interval = absl::Milliseconds(5);
    options.retry_initial_backoff = absl::Milliseconds(5);
    options.retry_max_backoff = absl::Milliseconds(50);
    options.lease_ttl = absl::Seconds(2);
    return options;
  }

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<Connection> c_;
  OutboxScript emit_{kEmitBody};
};

class CountingObserver : public OutboxRelayObserver {
 public:
  void OnPending(const std::string& key, int64_t pending) override { last_pending[key] = pending; }
  void OnRelayed(const OutboxRecord&) override { ++relayed; }
  void OnPublishFailed(const OutboxRecord&, const absl::Status&) override { ++failed; }
  std::map<std::string, int64_t> last_pending;
  int relayed = 0;
  int failed = 0;
};

TEST_F(OutboxRelayTest, PublishesInOrderAndDeletesAfterSuccess) {
  Emit("la-1", {"1", "2", "3"});
  std::vector<OutboxRecord> published;
  CountingObserver observer;
  OutboxRelay relay(
      server_->connection_options(), Options({OutboxKey("la-1", "svc")}),
      [&](const OutboxRecord& record) {
        // Still in the outbox while being published: deleted only after the broker's ack.
        EXPECT_EQ(c_->Command({"XLEN", record.outbox_key})->integer(),
                  3 - static_cast<int64_t>(published.size()));
        published.push_back(record);
        return absl::OkStatus();
      },
      &observer);
  auto relayed = relay.RelayOnce();
  ASSERT_TRUE(relayed.ok()) << relayed.status();
  EXPECT_EQ(*relayed, 3);
  ASSERT_EQ(published.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(published[i].value, std::to_string(i + 1));
    EXPECT_EQ(published[i].key, "key-" + std::to_string(i + 1));
    EXPECT_EQ(published[i].topic, "topic-a");
    ASSERT_EQ(published[i].headers.size(), 1u);
    EXPECT_EQ(published[i].headers[0].second, std::to_string(i + 1));
  }
  EXPECT_EQ(Pending("la-1"), 0);
  EXPECT_EQ(relay.relayed_total(), 3);
  EXPECT_EQ(observer.relayed, 3);
  EXPECT_EQ(observer.last_pending[OutboxKey("la-1", "svc")], 0);
  EXPECT_EQ(*relay.RelayOnce(), 0);
}

TEST_F(OutboxRelayTest, FailedPublishKeepsTheEntryAndTheOrder) {
  Emit("la-1", {"1", "2", "3"});
  bool broker_up = false;
  std::vector<std::string> published;
  CountingObserver observer;
  OutboxRelay relay(
      server_->connection_options(), Options({OutboxKey("la-1", "svc")}),
      [&](const OutboxRecord& record) {
        if (record.value == "2" && !broker_up) return absl::UnavailableError("broker down");
        published.push_back(record.value);
        return absl::OkStatus();
      },
      &observer);
  auto first = relay.RelayOnce();
  EXPECT_EQ(first.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(published, std::vector<std::string>{"1"});
  EXPECT_EQ(Pending("la-1"), 2);  // "2" kept, and "3" not published ahead of it
  EXPECT_EQ(relay.failed_total(), 1);
  EXPECT_EQ(observer.failed, 1);
  EXPECT_EQ(observer.last_pending[OutboxKey("la-1", "svc")], 2);

  broker_up = true;
  auto second = relay.RelayOnce();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, 2);
  EXPECT_EQ(published, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(Pending("la-1"), 0);
}

TEST_F(OutboxRelayTest, MalformedEntryIsParkedAndDoesNotBlockTheStream) {
  const std::string outbox = OutboxKey("la-1", "svc");
  Emit("la-1", {"1"});
  ASSERT_TRUE(c_->Command({"XADD", outbox, "*", "key", "k", "value", "no topic"}).ok());
  Emit("la-1", {"2"});
  std::vector<std::string> published;
  CountingObserver observer;
  OutboxRelay relay(
      server_->connection_options(), Options({outbox}),
      [&](const OutboxRecord& record) {
        published.push_back(record.value);
        return absl::OkStatus();
      },
      &observer);
  auto relayed = relay.RelayOnce();
  ASSERT_TRUE(relayed.ok()) << relayed.status();
  EXPECT_EQ(*relayed, 2);
  EXPECT_EQ(published, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(observer.failed, 1);
  EXPECT_EQ(Pending("la-1"), 0);
  auto dead = c_->Command({"XRANGE", DeadLetterKey(outbox), "-", "+"});
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->elements().size(), 1u);
  const std::string text = dead->elements()[0].DebugString();
  EXPECT_NE(text.find("no topic"), std::string::npos) << text;
  EXPECT_NE(text.find("reason"), std::string::npos) << text;
}

TEST_F(OutboxRelayTest, TwoRelaysNeverPublishTheSameEntryAtOnce) {
  const std::vector<std::string> keys = {OutboxKey("la-1", "svc"), OutboxKey("la-2", "svc")};
  std::mutex mu;
  std::set<std::string> in_flight;
  std::map<std::string, int> times_published;
  std::map<std::string, std::vector<int>> order;  // per outbox key
  bool overlap = false;
  auto publish_fn = [&](const OutboxRecord& record) {
    const std::string id = record.outbox_key + "/" + record.entry_id;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!in_flight.insert(id).second) overlap = true;
    }
    absl::SleepFor(absl::Microseconds(200));  // a broker round trip
    std::lock_guard<std::mutex> lock(mu);
    in_flight.erase(id);
    ++times_published[id];
    order[record.outbox_key].push_back(std::stoi(record.value));
    return absl::OkStatus();
  };
  OutboxRelay relay_a(server_->connection_options(), Options(keys), publish_fn);
  OutboxRelay relay_b(server_->connection_options(), Options(keys), publish_fn);
  ASSERT_NE(relay_a.owner_id(), relay_b.owner_id());
  std::jthread a([&](std::stop_token stop) { relay_a.Run(stop); });
  std::jthread b([&](std::stop_token stop) { relay_b.Run(stop); });

  constexpr int kBatches = 20;
  for (int batch = 0; batch < kBatches; ++batch) {
    std::vector<std::string> values;
    for (int i = 0; i < 5; ++i)
      values.push_back(std::to_string(batch * 5 + i));
    Emit("la-1", values);
    Emit("la-2", values);
  }
  ASSERT_TRUE(WaitUntil(
      [&] {
        std::lock_guard<std::mutex> lock(mu);
        return times_published.size() == 2u * kBatches * 5;
      },
      absl::Seconds(30)));
  a.request_stop();
  b.request_stop();
  a.join();
  b.join();

  EXPECT_FALSE(overlap);
  for (const auto& [id, times] : times_published)
    EXPECT_EQ(times, 1) << id;
  for (const auto& [key, values] : order) {
    ASSERT_EQ(values.size(), static_cast<size_t>(kBatches * 5)) << key;
    for (size_t i = 0; i < values.size(); ++i)
      EXPECT_EQ(values[i], static_cast<int>(i)) << key;
  }
  EXPECT_EQ(relay_a.relayed_total() + relay_b.relayed_total(), 2 * kBatches * 5);
  // Leases were released on stop.
  EXPECT_EQ(c_->Command({"EXISTS", keys[0] + ":lease", keys[1] + ":lease"})->integer(), 0);
}

TEST_F(OutboxRelayTest, AnotherRelayTakesOverWhenTheLeaseExpires) {
  Emit("la-1", {"1", "2"});
  OutboxRelayOptions options = Options({OutboxKey("la-1", "svc")});
  options.lease_ttl = absl::Milliseconds(300);
  // Relay A takes the lease and then "hangs" (its broker is down; it never releases).
  OutboxRelay stuck(server_->connection_options(), options,
                    [](const OutboxRecord&) { return absl::UnavailableError("down"); });
  EXPECT_FALSE(stuck.RelayOnce().ok());

  std::vector<std::string> published;
  OutboxRelay healthy(server_->connection_options(), options, [&](const OutboxRecord& record) {
    published.push_back(record.value);
    return absl::OkStatus();
  });
  EXPECT_EQ(*healthy.RelayOnce(), 0);  // lease held by the stuck relay
  EXPECT_TRUE(published.empty());
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto n = healthy.RelayOnce();
        return n.ok() && *n == 2;
      },
      absl::Seconds(10), absl::Milliseconds(20)));
  EXPECT_EQ(published, (std::vector<std::string>{"1", "2"}));
}

TEST_F(OutboxRelayTest, ARelayRestartedWithItsOwnerIdTakesItsLeaseBackAtOnce) {
  Emit("la-2", {"1", "2"});
  OutboxRelayOptions options = Options({OutboxKey("la-2", "svc")});
  options.lease_ttl = absl::Seconds(60);  // far beyond the test: no expiry helps
  options.owner_id = "triggers-pod-1";
  {
    // The first process takes the lease and dies without releasing it (SIGKILL: no Run()
    // epilogue, the lease stays until it expires).
    OutboxRelay crashed(server_->connection_options(), options,
                        [](const OutboxRecord&) { return absl::UnavailableError("down"); });
    EXPECT_FALSE(crashed.RelayOnce().ok());
  }
  // Another pod must wait for the lease ...
  OutboxRelayOptions other = options;
  other.owner_id = "triggers-pod-2";
  OutboxRelay elsewhere(server_->connection_options(), other,
                        [](const OutboxRecord&) { return absl::OkStatus(); });
  EXPECT_EQ(*elsewhere.RelayOnce(), 0);
  // ... the same pod, restarted, publishes at once.
  std::vector<std::string> published;
  OutboxRelay restarted(server_->connection_options(), options, [&](const OutboxRecord& record) {
    published.push_back(record.value);
    return absl::OkStatus();
  });
  auto relayed = restarted.RelayOnce();
  ASSERT_TRUE(relayed.ok()) << relayed.status();
  EXPECT_EQ(*relayed, 2);
  EXPECT_EQ(published, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(Pending("la-2"), 0);
}

TEST_F(OutboxRelayTest, DiscoversOutboxesOfEveryAuthority) {
  Emit("la-1", {"1"});
  Emit("la-2", {"2"});
  Emit("la-3", {"3"});
  OutboxRelayOptions options = Options({});
  options.discover_pattern = OutboxKeyPattern("svc");
  std::set<std::string> published;
  OutboxRelay relay(server_->connection_options(), options, [&](const OutboxRecord& record) {
    published.insert(record.value);
    return absl::OkStatus();
  });
  auto relayed = relay.RelayOnce();
  ASSERT_TRUE(relayed.ok()) << relayed.status();
  EXPECT_EQ(*relayed, 3);
  EXPECT_EQ(published, (std::set<std::string>{"1", "2", "3"}));
}

TEST_F(OutboxRelayTest, EntriesSurviveARestartAndTheRelayRecovers) {
  Emit("la-1", {"1", "2"});
  ASSERT_TRUE(server_->Stop().ok());

  std::mutex mu;
  std::vector<std::string> published;
  OutboxRelay relay(server_->connection_options(), Options({OutboxKey("la-1", "svc")}),
                    [&](const OutboxRecord& record) {
                      std::lock_guard<std::mutex> lock(mu);
                      published.push_back(record.value);
                      return absl::OkStatus();
                    });
  std::jthread worker([&](std::stop_token stop) { relay.Run(stop); });
  absl::SleepFor(absl::Milliseconds(100));  // the relay runs against a stopped server
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_TRUE(published.empty());
  }
  ASSERT_TRUE(server_->Start().ok());
  auto size = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return published.size();
  };
  ASSERT_TRUE(WaitUntil([&] { return size() == 2u; }, absl::Seconds(20)));

  // And it keeps going after another restart.
  ASSERT_TRUE(server_->Stop().ok());
  ASSERT_TRUE(server_->Start().ok());
  auto c = Connection::Connect(server_->connection_options());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(emit_.Run(**c, "la-1", "svc", "", {}, {"3"}).ok());
  ASSERT_TRUE(WaitUntil([&] { return size() == 3u; }, absl::Seconds(20)));
  worker.request_stop();
  worker.join();
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(published, (std::vector<std::string>{"1", "2", "3"}));
}

TEST_F(OutboxRelayTest, BatchPublisherGetsThePassAtOnceAndEntriesGoOnlyAfterTheirAcks) {
  Emit("la-1", {"1", "2", "3", "4"});
  OutboxRelayOptions options = Options({OutboxKey("la-1", "svc")});
  options.batch_size = 3;
  std::vector<std::vector<std::string>> batches;
  CountingObserver observer;
  OutboxRelay relay(
      server_->connection_options(), options,
      [&](const std::vector<OutboxRecord>& records) {
        // Nothing of this batch is deleted before the whole batch was acknowledged.
        EXPECT_EQ(c_->Command({"XLEN", OutboxKey("la-1", "svc")})->integer(),
                  batches.empty() ? 4 : 1);
        std::vector<std::string> values;
        for (const auto& record : records)
          values.push_back(record.value);
        batches.push_back(values);
        return std::vector<absl::Status>(records.size(), absl::OkStatus());
      },
      &observer);
  EXPECT_EQ(*relay.RelayOnce(), 3);
  EXPECT_EQ(*relay.RelayOnce(), 1);
  EXPECT_EQ(batches, (std::vector<std::vector<std::string>>{{"1", "2", "3"}, {"4"}}));
  EXPECT_EQ(Pending("la-1"), 0);
  EXPECT_EQ(observer.relayed, 4);
}

TEST_F(OutboxRelayTest, BatchFailureKeepsTheFailedEntryAndEverythingAfterIt) {
  Emit("la-1", {"1", "2", "3"});
  bool broker_up = false;
  std::vector<std::string> delivered;  // what the broker got, duplicates included
  CountingObserver observer;
  OutboxRelay relay(
      server_->connection_options(), Options({OutboxKey("la-1", "svc")}),
      [&](const std::vector<OutboxRecord>& records) {
        std::vector<absl::Status> statuses;
        for (const auto& record : records) {
          if (record.value == "2" && !broker_up) {
            statuses.push_back(absl::UnavailableError("partition leader gone"));
          } else {
            delivered.push_back(record.value);  // "3" gets through although "2" did not
            statuses.push_back(absl::OkStatus());
          }
        }
        return statuses;
      },
      &observer);
  auto first = relay.RelayOnce();
  EXPECT_EQ(first.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Pending("la-1"), 2);  // "2" and "3" kept: only the leading successes go
  EXPECT_EQ(observer.relayed, 1);
  EXPECT_EQ(observer.failed, 1);

  broker_up = true;
  auto second = relay.RelayOnce();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, 2);
  EXPECT_EQ(Pending("la-1"), 0);
  // At least once: "3" went twice, never before "2" had been delivered on the retry too.
  EXPECT_EQ(delivered, (std::vector<std::string>{"1", "3", "2", "3"}));
}

}  // namespace
}  // namespace oversight::redis
