#ifndef OVERSIGHT_KAFKA_TESTING_PUBLISH_H_
#define OVERSIGHT_KAFKA_TESTING_PUBLISH_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "oversight/kafka/cloud_event.h"
#include "oversight/kafka/consumer.h"
#include "oversight/kafka/producer.h"

namespace oversight::kafka::testing {

// Publishes an Oversight event as a case system would: the payload encoded as `encoding`,
// CloudEvents headers built from the message's `meta` (see CloudEventFor in event_record.h),
// keyed by `key`. Waits for the delivery and returns where it went; INVALID_ARGUMENT for a
// message without meta.event_id; the delivery error otherwise.
absl::StatusOr<Delivery> PublishEvent(Producer& producer, std::string_view topic,
                                      std::string_view key,
                                      const google::protobuf::Message& message,
                                      ContentType encoding = ContentType::kProtobuf,
                                      absl::Duration timeout = absl::Seconds(30));

// `message` as a consumer hands it to a handler, without a broker: the record PublishEvent
// would produce (payload, CloudEvents headers, key), with no partition or offset. For unit and
// integration tests of handlers. Errors as MakeEventRecord (event_record.h).
absl::StatusOr<ConsumedMessage> AsConsumedEvent(std::string_view topic, std::string_view key,
                                                const google::protobuf::Message& message,
                                                ContentType encoding = ContentType::kProtobuf);

}  // namespace oversight::kafka::testing

#endif  // OVERSIGHT_KAFKA_TESTING_PUBLISH_H_
