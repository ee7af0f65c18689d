#include "rebuild.h"

#include "absl/strings/str_cat.h"
#include "oversight/kafka/payload_codec.h"

namespace oversight::recording {

absl::StatusOr<RebuildResult> Rebuild(RecordStore& store,
                                      const std::vector<kafka::ConsumedMessage>& messages) {
  RebuildResult result;
  const std::string type = v1::RecordVersionStored::descriptor()->full_name();
  for (const auto& message : messages) {
    auto decoded = kafka::DecodeEvent(message.headers, message.value);
    if (!decoded.ok() && absl::IsNotFound(decoded.status())) {
      ++result.skipped;
      continue;
    }
    if (!decoded.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(message.topic, "[", message.partition, "]@",
                                                     message.offset, ": ",
                                                     decoded.status().message()));
    }
    if (decoded->cloud_event.type != type) {
      ++result.skipped;
      continue;
    }
    const auto& stored = static_cast<const v1::RecordVersionStored&>(*decoded->message);
    if (auto s = store.RestoreVersion(stored.record()); !s.ok()) return s;
    ++result.versions;
  }
  return result;
}

}  // namespace oversight::recording
