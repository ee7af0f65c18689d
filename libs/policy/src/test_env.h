// Shared fixtures for the policy unit tests: the shipped calendar and packs, loaded once.
#pragma once

#include <map>
#include <string>

#include "gtest/gtest.h"
#include "oversight/policy/calendar.h"
#include "oversight/policy/engine.h"
#include "oversight/policy/pack.h"

namespace oversight::policy::testing {

inline const WorkingCalendar& ShippedCalendar() {
  static const WorkingCalendar* cal = [] {
    absl::StatusOr<WorkingCalendar> c = WorkingCalendar::LoadFile(DefaultCalendarPath());
    if (!c.ok()) {
      ADD_FAILURE() << c.status();
      std::abort();
    }
    return new WorkingCalendar(*std::move(c));
  }();
  return *cal;
}

inline const Pack& ShippedPack(const std::string& name) {
  static auto* packs = new std::map<std::string, Pack>();
  auto it = packs->find(name);
  if (it != packs->end()) return it->second;
  absl::StatusOr<Pack> p = LoadPack(DefaultPackDir(), name);
  if (!p.ok()) {
    ADD_FAILURE() << p.status();
    std::abort();
  }
  return packs->emplace(name, *std::move(p)).first->second;
}

inline const char* const kAllPacks[] = {"havering", "devon", "stoke-on-trent", "lancashire",
                                        "multi-agency"};

// London wall-clock time as an absolute time.
inline absl::Time London(int y, int mo, int d, int h = 12, int mi = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), ShippedCalendar().zone());
}

// The end of a London day (23:59:59), the form every day-based deadline takes.
inline absl::Time EndOf(int y, int mo, int d) {
  return ShippedCalendar().EndOfDay(absl::CivilDay(y, mo, d));
}

}  // namespace oversight::policy::testing
