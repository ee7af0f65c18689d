// The input of the fault suite: a steady stream of HR and case events for Devon, as an HR
// system and a case system would publish them. The sequence of events is fixed by the seed;
// each event happens at the simulated time it is published (occurred_at).
//
// The people: a director (supervised by nobody), the head of service they supervise, team
// managers supervised by the head of service (one team each), then practitioners joining over
// the stream, each supervised by a team's manager. Everyone has an email address. Children are
// allocated (new allocations: Devon D8) to practitioners who joined a while before; case events
// about open children follow (entering care D14.4, significant incidents D14.2, court directions
// D14.5, escalations D14.6, discussions outside supervision D14.8, professional opinion D14.12); a
// closure (D14.13) is a child's last event.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "oversight/common/v1/common.pb.h"

namespace oversight::faults {

inline constexpr char kAuthority[] = "devon";
inline constexpr char kDirector[] = "director-1";  // supervises the head of service

struct WorkloadOptions {
  uint64_t seed = 1;
  int managers = 3;
  int practitioners = 12;  // joining over the stream
};

// One event as published.
struct PublishedEvent {
  enum class Stream { kWorkforce, kCase };
  Stream stream = Stream::kCase;
  std::string key;  // worker id or child id
  std::shared_ptr<const google::protobuf::Message> message;
  // The message's meta (every event has one).
  const common::v1::EventMeta& meta() const;
  absl::Time occurred_at() const;
  std::string type() const { return message->GetDescriptor()->full_name(); }
};

// Not thread-safe; one publisher thread calls Next.
class Workload {
 public:
  explicit Workload(WorkloadOptions options);

  // The next event of the stream, happening at `now`.
  PublishedEvent Next(absl::Time now);

 private:
  struct Child {
    std::string id;
    bool in_care = false;
    bool closed = false;
  };
  PublishedEvent Join(const std::string& worker, const std::string& supervisor,
                      const std::string& team, int role, absl::Time now);
  PublishedEvent Allocate(absl::Time now);
  PublishedEvent CaseEvent(absl::Time now);
  std::string NextEventId(const std::string& kind);

  WorkloadOptions options_;
  std::mt19937_64 random_;
  int step_ = 0;
  int event_counter_ = 0;
  std::vector<std::pair<std::string, std::string>> managers_;  // (id, team)
  // practitioners who joined, with the step they joined at
  std::vector<std::pair<std::string, int>> practitioners_;
  std::map<std::string, std::string> team_of_;
  std::vector<Child> children_;
};

}  // namespace oversight::faults
