#include "oversight/kafka/admin.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "internal/rdkafka_handles.h"

namespace oversight::kafka {
namespace {

absl::StatusOr<internal::HandlePtr> NewAdminHandle(const ClientConfig& client) {
  auto conf = internal::BuildConf(client, {}, {});
  if (!conf.ok()) return conf.status();
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), error, sizeof(error));
  if (rk == nullptr)
    return absl::InternalError(absl::StrCat("cannot create Kafka client: ", error));
  conf->release();
  return internal::HandlePtr(rk);
}

absl::StatusOr<std::vector<std::string>> TopicNames(rd_kafka_t* rk, absl::Duration timeout) {
  const rd_kafka_metadata_t* metadata = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(rk, /*all_topics=*/1, nullptr, &metadata,
                        static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(
        absl::StrCat("cannot read cluster metadata: ", rd_kafka_err2name(err), " (",
                     rd_kafka_err2str(err), ")"));
  }
  std::vector<std::string> names;
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    if (metadata->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      names.emplace_back(metadata->topics[i].topic);
    }
  }
  rd_kafka_metadata_destroy(metadata);
  return names;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> Admin::ListTopics(const ClientConfig& client,
                                                           absl::Duration timeout) {
  auto rk = NewAdminHandle(client);
  if (!rk.ok()) return rk.status();
  return TopicNames(rk->get(), timeout);
}

absl::Status Admin::EnsureTopics(const ClientConfig& client, const std::vector<TopicSpec>& topics,
                                 absl::Duration timeout) {
  auto rk = NewAdminHandle(client);
  if (!rk.ok()) return rk.status();
  auto existing = TopicNames(rk->get(), timeout);
  if (!existing.ok()) return existing.status();

  std::vector<rd_kafka_NewTopic_t*> new_topics;
  for (const TopicSpec& spec : topics) {
    if (std::find(existing->begin(), existing->end(), spec.name) != existing->end()) continue;
    char error[512];
    rd_kafka_NewTopic_t* topic = rd_kafka_NewTopic_new(
        spec.name.c_str(), spec.partitions, spec.replication_factor, error, sizeof(error));
    if (topic == nullptr) {
      rd_kafka_NewTopic_destroy_array(new_topics.data(), new_topics.size());
      return absl::InvalidArgumentError(absl::StrCat("topic ", spec.name, ": ", error));
    }
    new_topics.push_back(topic);
    for (const auto& [name, value] : spec.configs) {
      if (rd_kafka_NewTopic_set_config(topic, name.c_str(), value.c_str()) !=
          RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_NewTopic_destroy_array(new_topics.data(), new_topics.size());
        return absl::InvalidArgumentError(
            absl::StrCat("topic ", spec.name, ": config ", name, "=", value, " refused"));
      }
    }
  }
  if (new_topics.empty()) return absl::OkStatus();

  internal::QueuePtr queue(rd_kafka_queue_new(rk->get()));
  rd_kafka_AdminOptions_t* options =
      rd_kafka_AdminOptions_new(rk->get(), RD_KAFKA_ADMIN_OP_CREATETOPICS);
  char error[512];
  rd_kafka_AdminOptions_set_operation_timeout(
      options, static_cast<int>(absl::ToInt64Milliseconds(timeout)), error, sizeof(error));
  rd_kafka_AdminOptions_set_request_timeout(
      options, static_cast<int>(absl::ToInt64Milliseconds(timeout)), error, sizeof(error));
  rd_kafka_CreateTopics(rk->get(), new_topics.data(), new_topics.size(), options, queue.get());
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_NewTopic_destroy_array(new_topics.data(), new_topics.size());

  internal::EventPtr event(rd_kafka_queue_poll(
      queue.get(), static_cast<int>(absl::ToInt64Milliseconds(timeout + absl::Seconds(5)))));
  if (event == nullptr) {
    return absl::UnavailableError("no CreateTopics answer from the cluster in time");
  }
  const rd_kafka_resp_err_t err = rd_kafka_event_error(event.get());
  if (err == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE ||
      err == RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION || err == RD_KAFKA_RESP_ERR_INVALID_REQUEST) {
    return absl::UnimplementedError(
        absl::StrCat("the broker does not support CreateTopics (", rd_kafka_err2name(err),
                     "); create the topics another way (the embedded broker creates its own)"));
  }
  if (err == RD_KAFKA_RESP_ERR__TIMED_OUT &&
      absl::StrContains(rd_kafka_event_error_string(event.get()), "controller")) {
    return absl::UnavailableError(absl::StrCat(
        "CreateTopics: no controller answered within ", absl::FormatDuration(timeout),
        " (the cluster is unreachable, or it has no admin API: the embedded broker creates its "
        "topics itself)"));
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return internal::StatusFromError(
        err, absl::StrCat("CreateTopics: ", rd_kafka_event_error_string(event.get())));
  }
  const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event.get());
  size_t count = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &count);
  for (size_t i = 0; i < count; ++i) {
    const rd_kafka_resp_err_t topic_err = rd_kafka_topic_result_error(results[i]);
    if (topic_err == RD_KAFKA_RESP_ERR_NO_ERROR ||
        topic_err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      continue;
    }
    if (topic_err == RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION ||
        topic_err == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE) {
      return absl::UnimplementedError("the broker does not support CreateTopics");
    }
    const char* message = rd_kafka_topic_result_error_string(results[i]);
    return internal::StatusFromError(
        topic_err, absl::StrCat("create topic ", rd_kafka_topic_result_name(results[i]),
                                message != nullptr ? absl::StrCat(": ", message) : ""));
  }
  return absl::OkStatus();
}

}  // namespace oversight::kafka
