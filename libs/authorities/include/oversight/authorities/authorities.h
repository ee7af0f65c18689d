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
#include "oversight/policy/calendar.h"
#include "oversight/policy/engine.h"
#include "oversight/policy/pack.h"

namespace oversight::authorities {

// One authority: its pack, its calendar and an engine over both.
struct Authority {
  policy::Pack pack;
  std::shared_ptr<const policy::WorkingCalendar> calendar;
  std::unique_ptr<policy::Engine> engine;  // refers to `pack` and `*calendar`
};

// Every authority a deployment serves, by its id (the pack name, e.g. "devon").
// Thread-safety: immutable after Load; every const method may be called from any thread.
class AuthorityRegistry {
 public:
  // Loads the packs named in `authority_ids` from `packs_dir` (each `<id>.yaml`, following
  // `extends:` within the directory) and the GOV.UK bank-holidays file at `calendar_path`, one
  // calendar per division the packs use. An empty `authority_ids` loads every `*.yaml` in the
  // directory. Returns the first loading error (NOT_FOUND for a missing file, INVALID_ARGUMENT
  // naming the file, field and problem for a bad pack or calendar); nothing is kept on failure.
  static absl::StatusOr<std::unique_ptr<AuthorityRegistry>> Load(
      const std::string& packs_dir, const std::string& calendar_path,
      const std::vector<std::string>& authority_ids);

  // The authority, or nullptr when this deployment does not serve it.
  const Authority* Find(std::string_view authority_id) const;

  // The ids served, sorted.
  std::vector<std::string> Ids() const;

 private:
  std::map<std::string, std::unique_ptr<Authority>, std::less<>> authorities_;
};

}  // namespace oversight::authorities
