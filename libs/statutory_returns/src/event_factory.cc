#include "event_factory.h"

#include <openssl/evp.h>

#include <algorithm>

#include "absl/strings/escaping.h"
#include "cat.h"
#include "google/protobuf/util/time_util.h"
#include "oversight/statutory_returns/case_event_type.h"

namespace oversight::statutory_returns::internal {

std::string DeterministicEventId(std::string_view authority_id, std::string_view id_namespace,
                                 std::string_view child_id, std::string_view natural_key,
                                 std::string_view event_type) {
  // \x1f (unit separator) cannot appear in the parts, so different parts never hash alike.
  const std::string input = internal::Cat(authority_id, "\x1f", id_namespace, "\x1f", child_id,
                                          "\x1f", natural_key, "\x1f", event_type);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // EVP_Digest with SHA-256 only fails on allocation failure: a broken invariant.
  // Fetched once: OpenSSL 3 would otherwise look the algorithm up on every call.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  const int ok = EVP_Digest(input.data(), input.size(), digest, &length,
                            sha256 != nullptr ? sha256 : EVP_sha256(), nullptr);
  if (ok != 1) std::abort();
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), std::min(length, 16u)));
}

google::protobuf::Timestamp EventFactory::Midnight(absl::CivilDay day) const {
  return google::protobuf::util::TimeUtil::SecondsToTimestamp(
      absl::ToUnixSeconds(absl::FromCivil(day, options_.zone)));
}

void EventFactory::FillMeta(oversight::common::v1::EventMeta* meta, std::string_view event_type,
                            std::string_view child_id, absl::CivilDay day,
                            std::string_view natural_key) const {
  meta->set_event_id(DeterministicEventId(options_.authority_id, id_namespace_, child_id,
                                          natural_key, event_type));
  meta->set_authority_id(options_.authority_id);
  meta->set_subject(std::string(child_id));
  *meta->mutable_occurred_at() = Midnight(day);
  *meta->mutable_recorded_at() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
      absl::ToUnixNanos(options_.recorded_at));
  meta->set_source(source_);
}

void SortChronologically(std::vector<oversight::cases::v1::CaseEvent>& events) {
  auto seconds = [](const oversight::cases::v1::CaseEvent& event) {
    const oversight::common::v1::EventMeta* meta = EventMetaOf(event);
    return meta == nullptr ? 0 : meta->occurred_at().seconds();
  };
  std::stable_sort(events.begin(), events.end(),
                   [&](const auto& a, const auto& b) { return seconds(a) < seconds(b); });
}

}  // namespace oversight::statutory_returns::internal
