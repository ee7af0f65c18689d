// The authorities one deployment serves: each authority's policy pack, its working calendar and
// a due-date engine over them. Loaded once at start-up from a packs directory and a calendar
// file (operators mount both from ConfigMaps); immutable afterwards.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "oversight/policy/calendar.h"
#include "oversight/policy/engine.h"
#include "oversight/policy/pack.h"

namespace oversight::authorities {

// One authority: its pack, its calendar and an engine over both.
struct Authority {
  policy::Pack pack;
  std::shared_ptr<const policy::WorkingCalendar> calendar;
  std::unique_ptr<policy::Engine> engine;  // refers to `pack` and `*calendar`
  // When Oversight took over the authority's oversight (go-live; config policy.live_from):
  // midnight at the start of that London day, InfinitePast() when not set. What happened before
  // it is history that Oversight did not oversee: events that occurred before it still set a
  // case's or a worker's state, but open no oversight task, and no due date counts from before
  // it (an authority loading its caseload on day one is not told that years of history are
  // overdue).
  absl::Time live_from = absl::InfinitePast();

  // True if `t` is before go-live.
  bool BeforeLive(absl::Time t) const { return t < live_from; }
  // The later of `day` and the go-live day (the day itself when go-live is not set).
  absl::CivilDay NotBeforeLive(absl::CivilDay day) const;
};

// Go-live days by authority id; the id "*" applies to every authority not named.
using LiveFrom = std::map<std::string, absl::CivilDay, std::less<>>;

// Parses policy.live_from: "YYYY-MM-DD" (every authority) or "id=YYYY-MM-DD" items (the list
// as Config::GetList gives it). INVALID_ARGUMENT naming the item that is not a real day.
absl::StatusOr<LiveFrom> ParseLiveFrom(const std::vector<std::string>& items);

// Every authority a deployment serves, by its id (the pack name, e.g. "devon").
// Thread-safety: immutable after Load; every const method may be called from any thread.
class AuthorityRegistry {
 public:
  // Loads the packs named in `authority_ids` from `packs_dir` (each `<id>.yaml`, following
  // `extends:` within the directory) and the GOV.UK bank-holidays file at `calendar_path`, one
  // calendar per division the packs use. An empty `authority_ids` loads every `*.yaml` in the
  // directory. Returns the first loading error (NOT_FOUND for a missing file, INVALID_ARGUMENT
  // naming the file, field and problem for a bad pack or calendar); nothing is kept on failure.
  // `live_from` sets each authority's go-live day (see Authority::live_from); an id it names
  // that is not loaded is INVALID_ARGUMENT.
  static absl::StatusOr<std::unique_ptr<AuthorityRegistry>> Load(
      const std::string& packs_dir, const std::string& calendar_path,
      const std::vector<std::string>& authority_ids, const LiveFrom& live_from = {});

  // The authority, or nullptr when this deployment does not serve it.
  const Authority* Find(std::string_view authority_id) const;

  // The ids served, sorted.
  std::vector<std::string> Ids() const;

 private:
  std::map<std::string, std::unique_ptr<Authority>, std::less<>> authorities_;
};

}  // namespace oversight::authorities
