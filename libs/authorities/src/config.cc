#include "oversight/authorities/config.h"

namespace oversight::authorities {

absl::StatusOr<std::unique_ptr<AuthorityRegistry>> LoadFromConfig(const runtime::Config& config) {
  return AuthorityRegistry::Load(
      config.GetString("policy.packs_dir", policy::DefaultPackDir()),
      config.GetString("policy.calendar_file", policy::DefaultCalendarPath()),
      config.GetList("policy.authorities"));
}

}  // namespace oversight::authorities
