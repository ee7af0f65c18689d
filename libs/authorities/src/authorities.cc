#include "oversight/authorities/authorities.h"

#include <algorithm>
#include <filesystem>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace oversight::authorities {

absl::CivilDay Authority::NotBeforeLive(absl::CivilDay day) const {
  if (live_from == absl::InfinitePast()) return day;
  return std::max(day, calendar->LocalDay(live_from));
}

absl::StatusOr<LiveFrom> ParseLiveFrom(const std::vector<std::string>& items) {
  LiveFrom live_from;
  for (const std::string& item : items) {
    const size_t eq = item.find('=');
    const std::string id = eq == std::string::npos ? "*" : item.substr(0, eq);
    const std::string text = eq == std::string::npos ? item : item.substr(eq + 1);
    absl::CivilDay day;
    if (id.empty() || text.size() != 10 || !absl::ParseCivilTime(text, &day)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "policy.live_from: \"", item,
          "\" is not YYYY-MM-DD or <authority>=YYYY-MM-DD (the day Oversight took over)"));
    }
    live_from[id] = day;
  }
  return live_from;
}

absl::StatusOr<std::unique_ptr<AuthorityRegistry>> AuthorityRegistry::Load(
    const std::string& packs_dir, const std::string& calendar_path,
    const std::vector<std::string>& authority_ids, const LiveFrom& live_from) {
  std::vector<std::string> ids = authority_ids;
  if (ids.empty()) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(packs_dir, ec)) {
      if (entry.path().extension() == ".yaml") ids.push_back(entry.path().stem().string());
    }
    if (ec) {
      return absl::NotFoundError(
          absl::StrCat("policy packs directory ", packs_dir, ": ", ec.message()));
    }
    if (ids.empty()) {
      return absl::NotFoundError(absl::StrCat("no *.yaml policy packs in ", packs_dir));
    }
  }
  std::sort(ids.begin(), ids.end());

  auto registry = std::unique_ptr<AuthorityRegistry>(new AuthorityRegistry());
  std::map<std::string, std::shared_ptr<const policy::WorkingCalendar>> calendars;
  for (const std::string& id : ids) {
    auto pack = policy::LoadPack(packs_dir, id);
    if (!pack.ok()) return pack.status();
    auto& calendar = calendars[pack->calendar_division];
    if (!calendar) {
      auto loaded = policy::WorkingCalendar::LoadFile(calendar_path, pack->calendar_division);
      if (!loaded.ok()) return loaded.status();
      calendar = std::make_shared<const policy::WorkingCalendar>(*std::move(loaded));
    }
    auto authority = std::make_unique<Authority>();
    authority->pack = *std::move(pack);
    authority->calendar = calendar;
    authority->engine = std::make_unique<policy::Engine>(authority->pack, *authority->calendar);
    auto day = live_from.find(id);
    if (day == live_from.end()) day = live_from.find("*");
    if (day != live_from.end()) {
      authority->live_from = absl::FromCivil(day->second, authority->calendar->zone());
    }
    registry->authorities_.emplace(id, std::move(authority));
  }
  for (const auto& [id, day] : live_from) {
    if (id != "*" && registry->Find(id) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("policy.live_from names ", id, ", which this deployment does not serve"));
    }
  }
  return registry;
}

const Authority* AuthorityRegistry::Find(std::string_view authority_id) const {
  auto it = authorities_.find(authority_id);
  return it == authorities_.end() ? nullptr : it->second.get();
}

std::vector<std::string> AuthorityRegistry::Ids() const {
  std::vector<std::string> ids;
  for (const auto& [id, authority] : authorities_)
    ids.push_back(id);
  return ids;
}

}  // namespace oversight::authorities
