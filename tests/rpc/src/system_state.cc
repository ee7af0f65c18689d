#include "oversight/rpc_testing/system_state.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "oversight/redis/testing/keyspace.h"
#include "oversight/testing/wait_until.h"

namespace oversight::rpc_testing {
namespace {

const char* const kTopics[] = {"case_events", "workforce_events", "supervision_events",
                               "tasks",       "schedule_events",  "notifications",
                               "audit",       "dead_letters",     "records"};

}  // namespace

absl::StatusOr<std::unique_ptr<StateReader>> StateReader::Create(e2e::System& system) {
  auto reader = std::unique_ptr<StateReader>(new StateReader());
  reader->system_ = &system;
  auto connection = redis::Connection::Connect(system.redis().connection_options());
  if (!connection.ok()) return connection.status();
  reader->redis_ = *std::move(connection);
  auto watermarks = kafka::WatermarkReader::Create(system.broker().client_config());
  if (!watermarks.ok()) return watermarks.status();
  reader->watermarks_ = *std::move(watermarks);
  return reader;
}

absl::StatusOr<SystemState> StateReader::Read(const std::vector<std::string>& except_topics) {
  // Two snapshots kQuiet apart that agree: the consumers of what was published before (the
  // seed's record reaching scheduling, a refusal's effects if it had any) and scheduling's timer
  // pass (every second by default: a stage already due when its item was planned fires on the
  // next pass) have had their say.
  constexpr absl::Duration kQuiet = absl::Milliseconds(1200);
  std::optional<absl::StatusOr<SystemState>> previous;
  const bool settled = testing::WaitUntil(
      [&] {
        absl::StatusOr<SystemState> next = Snapshot(except_topics);
        const bool same = next.ok() && previous.has_value() && previous->ok() &&
                          Differences(**previous, *next).empty();
        previous = std::move(next);
        return same || !previous->ok();
      },
      absl::Seconds(30), kQuiet);
  if (!previous->ok()) return previous->status();
  if (!settled) return absl::DeadlineExceededError("the state did not settle within 30 s");
  return *std::move(previous);
}

absl::StatusOr<SystemState> StateReader::Snapshot(const std::vector<std::string>& except_topics) {
  const bool relayed = testing::WaitUntil(
      [&] {
        for (const auto& [key, content] : redis::testing::Keyspace(*redis_, "ovs:{*}:outbox:*")) {
          if (content.rfind("stream:", 0) == 0 && content != "stream:") return false;
        }
        return true;
      },
      absl::Seconds(20), absl::Milliseconds(50));
  if (!relayed) return absl::DeadlineExceededError("the outboxes were not relayed within 20 s");
  SystemState state;
  // Relay leases come and go with their TTL; they are not state.
  state.redis = redis::testing::Keyspace(*redis_, "*", {":lease"});
  std::vector<std::string> topics;
  for (const char* name : kTopics) {
    if (std::find(except_topics.begin(), except_topics.end(), name) == except_topics.end()) {
      topics.push_back(system_->Topic(name));
    }
  }
  auto offsets = watermarks_->EndOffsets(topics);
  if (!offsets.ok()) return offsets.status();
  for (const char* name : kTopics) {
    auto it = offsets->find(system_->Topic(name));
    if (it != offsets->end()) state.topics[name] = it->second;
  }
  return state;
}

std::vector<std::string> Differences(const SystemState& before, const SystemState& after) {
  std::vector<std::string> out;
  for (const std::string& d : redis::testing::Differences(before.redis, after.redis))
    out.push_back("redis " + d);
  for (const auto& [topic, count] : after.topics) {
    auto it = before.topics.find(topic);
    const int64_t was = it == before.topics.end() ? 0 : it->second;
    if (was != count) out.push_back(absl::StrCat("topic ", topic, ": ", was, " -> ", count));
  }
  return out;
}

}  // namespace oversight::rpc_testing
