#include "oversight/authorities/config.h"

namespace oversight::authorities {

absl::StatusOr<std::unique_ptr<AuthorityRegistry>> LoadFromConfig(const runtime::Config& config) {
  auto live_from = ParseLiveFrom(config.GetList("policy.live_from"));
  if (!live_from.ok()) return live_from.status();
  return AuthorityRegistry::Load(
      config.GetString("policy.packs_dir", policy::DefaultPackDir()),
      config.GetString("policy.calendar_file", policy::DefaultCalendarPath()),
      config.GetList("policy.authorities"), *live_from);
}

}  // namespace oversight::authorities
