#include "team_summary.h"

#include "absl/time/civil_time.h"

namespace oversight::triggers {

Month MonthContaining(absl::Time now, const absl::TimeZone& zone) {
  const absl::CivilMonth month(absl::ToCivilSecond(now, zone));
  return Month{absl::FromCivil(absl::CivilSecond(month), zone),
               absl::FromCivil(absl::CivilSecond(month + 1), zone)};
}

}  // namespace oversight::triggers
