#include "rebuild.h"

#include "absl/strings/str_cat.h"
#include "inbound_handler.h"
#include "oversight/kafka/payload_codec.h"
#include "oversight/kafka/topic_reader.h"
#include "records_topic.h"

namespace oversight::recording {

absl::Status RecordsTopicRebuild::Add(const kafka::ConsumedMessage& message) {
  if (message.tombstone) {
    ++result_.tombstones;
    // A destroyed version needs nothing here: its record's tombstone version destroys it again in
    // Finish. A destroyed action may have been restored from an earlier value: delete it.
    auto key = ParseRecordsTopicKey(message.key);
    if (key.has_value() && key->kind == RecordsTopicKey::Kind::kAction) {
      return store_.RestoreAction(key->authority, key->id, nullptr);
    }
    return absl::OkStatus();
  }
  auto decoded = kafka::DecodeEvent(message.headers, message.value);
  if (!decoded.ok() && absl::IsNotFound(decoded.status())) {
    ++result_.skipped;
    return absl::OkStatus();
  }
  if (!decoded.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(message.topic, "[", message.partition, "]@",
                                                   message.offset, ": ",
                                                   decoded.status().message()));
  }
  const google::protobuf::Message& event = *decoded->message;
  if (const auto* stored = dynamic_cast<const v1::RecordVersionStored*>(&event)) {
    if (auto s = store_.RestoreVersionKey(stored->record()); !s.ok()) return s;
    int& last = last_version_[{stored->record().authority_id(), stored->record().record_id()}];
    last = std::max(last, stored->record().version());
    ++result_.versions;
  } else if (const auto* action = dynamic_cast<const v1::ActionStored*>(&event)) {
    if (auto s = store_.RestoreAction(action->meta().authority_id(), action->action().action_id(),
                                      &action->action());
        !s.ok())
      return s;
    ++result_.actions;
  } else if (const auto* grant = dynamic_cast<const v1::GrantStored*>(&event)) {
    if (auto s = store_.RestoreGrant(*grant); !s.ok()) return s;
    ++result_.grants;
  } else {
    ++result_.skipped;
  }
  return absl::OkStatus();
}

absl::Status RecordsTopicRebuild::Finish() {
  for (const auto& [record, last] : last_version_) {
    if (auto s = store_.ReplayRecord(record.first, record.second, last); !s.ok()) return s;
    ++result_.records;
  }
  return absl::OkStatus();
}

absl::StatusOr<RebuildResult> Rebuild(RecordStore& store,
                                      const std::vector<kafka::ConsumedMessage>& messages) {
  RecordsTopicRebuild rebuild(store);
  for (const auto& message : messages) {
    if (auto s = rebuild.Add(message); !s.ok()) return s;
  }
  if (auto s = rebuild.Finish(); !s.ok()) return s;
  return rebuild.result();
}

absl::StatusOr<RebuildResult> RebuildFromKafka(RecordStore& store,
                                               const authorities::AuthorityRegistry& authorities,
                                               const kafka::ClientConfig& client,
                                               const RebuildTopics& topics,
                                               absl::Duration timeout) {
  RecordsTopicRebuild rebuild(store);
  auto read = kafka::ReadTopicToEnd(
      client, topics.records, [&](const kafka::ConsumedMessage& m) { return rebuild.Add(m); },
      timeout);
  if (!read.ok()) return read.status();
  if (auto s = rebuild.Finish(); !s.ok()) return s;
  RebuildResult result = rebuild.result();

  // The directory and the children, as the consumer applied them. Schedule events are not
  // replayed: what their purges did is on the records topic already.
  InboundHandler handler(authorities, store, *runtime::SystemClock::Default());
  for (const std::string& topic : {topics.workforce_events, topics.case_events}) {
    auto replayed = kafka::ReadTopicToEnd(
        client, topic,
        [&](const kafka::ConsumedMessage& m) -> absl::Status {
          const kafka::HandlerOutcome outcome = handler.Handle(m);
          ++result.inbound_events;
          if (outcome.kind == kafka::HandlerOutcome::Kind::kDeadLetter) ++result.inbound_refused;
          if (outcome.kind == kafka::HandlerOutcome::Kind::kRetryLater) {
            return absl::UnavailableError(
                absl::StrCat(m.topic, "[", m.partition, "]@", m.offset, ": ", outcome.detail));
          }
          return absl::OkStatus();
        },
        timeout);
    if (!replayed.ok()) return replayed.status();
  }
  return result;
}

}  // namespace oversight::recording
