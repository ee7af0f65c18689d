#include "records_topic.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace oversight::recording {

std::string RecordVersionTopicKey(const std::string& authority, const std::string& record_id,
                                  int version) {
  return absl::StrCat(authority, "/record/", record_id, "/v", version);
}

std::string ActionTopicKey(const std::string& authority, const std::string& action_id) {
  return absl::StrCat(authority, "/action/", action_id);
}

std::string GrantTopicKey(const v1::GrantAccessRequest& grant, const std::string& target) {
  return absl::StrCat(grant.authority_id(), "/grant/", v1::GrantKind_Name(grant.kind()), "/",
                      grant.subject_id(), "/", target);
}

std::optional<RecordsTopicKey> ParseRecordsTopicKey(const std::string& key) {
  const size_t slash = key.find('/');
  if (slash == std::string::npos || slash == 0) return std::nullopt;
  RecordsTopicKey parsed;
  parsed.authority = key.substr(0, slash);
  const std::string rest = key.substr(slash + 1);
  auto after = [&rest](const std::string& prefix) -> std::optional<std::string> {
    if (rest.rfind(prefix, 0) != 0 || rest.size() == prefix.size()) return std::nullopt;
    return rest.substr(prefix.size());
  };
  if (auto id = after("action/")) {
    parsed.kind = RecordsTopicKey::Kind::kAction;
    parsed.id = *id;
    return parsed;
  }
  if (auto id = after("grant/")) {
    parsed.kind = RecordsTopicKey::Kind::kGrant;
    parsed.id = *id;
    return parsed;
  }
  if (auto id = after("record/")) {
    const size_t v = id->rfind("/v");
    if (v == std::string::npos || v == 0) return std::nullopt;
    if (!absl::SimpleAtoi(id->substr(v + 2), &parsed.version) || parsed.version < 1) {
      return std::nullopt;
    }
    parsed.kind = RecordsTopicKey::Kind::kRecordVersion;
    parsed.id = id->substr(0, v);
    return parsed;
  }
  return std::nullopt;
}

}  // namespace oversight::recording
