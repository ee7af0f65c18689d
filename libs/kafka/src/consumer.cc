#include "oversight/kafka/consumer.h"

#include <librdkafka/rdkafka.h>

#include <condition_variable>
#include <exception>
#include <iostream>
#include <map>
#include <mutex>
#include <set>

#include "absl/strings/str_cat.h"
#include "internal/consumer_probe.h"
#include "internal/rdkafka_handles.h"

namespace oversight::kafka {
namespace {

int StatisticsCallback(rd_kafka_t* /*rk*/, char* json, size_t json_len, void* opaque) {
  static_cast<internal::ConsumerProbe*>(opaque)->Statistics(std::string_view(json, json_len));
  return 0;  // librdkafka frees `json`
}

std::string_view OutcomeLabel(HandlerOutcome::Kind kind) {
  switch (kind) {
    case HandlerOutcome::Kind::kProcessed:
      return "processed";
    case HandlerOutcome::Kind::kDeadLetter:
      return "dead_letter";
    case HandlerOutcome::Kind::kRetryLater:
      return "retry";
  }
  return "unknown";
}

// Sleeps for `duration` unless `stop` is requested first. Returns false if stopped.
bool SleepUnlessStopped(absl::Duration duration, const std::stop_token& stop) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  return !cv.wait_for(lock, stop, absl::ToChronoMilliseconds(duration), [] { return false; });
}

}  // namespace

absl::StatusOr<std::unique_ptr<Consumer>> Consumer::Create(ConsumerConfig config) {
  if (config.group_id.empty()) {
    return absl::InvalidArgumentError("Kafka consumer needs a group id");
  }
  if (config.topics.empty()) {
    return absl::InvalidArgumentError("Kafka consumer needs at least one topic");
  }
  if (config.dead_letter_topic.empty()) {
    return absl::InvalidArgumentError("Kafka consumer needs a dead-letter topic");
  }
  std::map<std::string, std::string> defaults = {
      {"auto.offset.reset", "earliest"},
      {"fetch.wait.max.ms", "100"},
      {"session.timeout.ms", "10000"},
      {"partition.assignment.strategy", "range,roundrobin"},
  };
  if (config.metrics != nullptr && config.statistics_interval > absl::ZeroDuration()) {
    defaults["statistics.interval.ms"] =
        std::to_string(absl::ToInt64Milliseconds(config.statistics_interval));
  }
  auto conf = internal::BuildConf(config.client, defaults,
                                  {{"group.id", config.group_id},
                                   {"enable.auto.offset.store", "false"},
                                   {"enable.partition.eof", "false"}});
  if (!conf.ok()) return conf.status();

  std::unique_ptr<Producer> owned_producer;
  if (config.dead_letter_producer == nullptr) {
    auto producer = Producer::Create(ProducerConfig{.client = config.client});
    if (!producer.ok()) return producer.status();
    owned_producer = *std::move(producer);
  }
  std::unique_ptr<Consumer> consumer(new Consumer(std::move(config), std::move(owned_producer)));

  rd_kafka_conf_set_opaque(conf->get(), consumer->probe_.get());
  rd_kafka_conf_set_stats_cb(conf->get(), &StatisticsCallback);
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), error, sizeof(error));
  if (rk == nullptr) {
    return absl::InternalError(absl::StrCat("cannot create Kafka consumer: ", error));
  }
  conf->release();
  consumer->rk_ = rk;
  rd_kafka_poll_set_consumer(rk);

  internal::PartitionListPtr topics(
      rd_kafka_topic_partition_list_new(static_cast<int>(consumer->config_.topics.size())));
  for (const std::string& topic : consumer->config_.topics) {
    rd_kafka_topic_partition_list_add(topics.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
    consumer->probe_->Subscribed(topic, consumer->config_.dead_letter_reasons);
  }
  if (auto status = internal::StatusFromError(rd_kafka_subscribe(rk, topics.get()), "subscribe");
      !status.ok()) {
    return status;
  }
  return consumer;
}

Consumer::Consumer(ConsumerConfig config, std::unique_ptr<Producer> owned_producer)
    : config_(std::move(config)),
      owned_producer_(std::move(owned_producer)),
      dead_letter_producer_(owned_producer_ ? owned_producer_.get() : config_.dead_letter_producer),
      probe_(std::make_unique<internal::ConsumerProbe>(config_.metrics)) {}

Consumer::~Consumer() {
  if (rk_ == nullptr) return;
  if (!closed_) (void)Close();
  rd_kafka_destroy(rk_);
}

void Consumer::ReportError(const absl::Status& status) {
  if (config_.on_error) {
    config_.on_error(status);
  } else {
    std::cerr << "kafka consumer " << config_.group_id << ": " << status << "\n";
  }
}

absl::Status Consumer::Run(const MessageHandler& handler, std::stop_token stop) {
  if (closed_) return absl::FailedPreconditionError("the consumer has already been closed");
  const int poll_ms = static_cast<int>(absl::ToInt64Milliseconds(config_.poll_timeout));
  absl::Duration backoff = config_.retry_backoff_initial;
  while (!stop.stop_requested()) {
    internal::MessagePtr message(rd_kafka_consumer_poll(rk_, poll_ms));
    if (message == nullptr) continue;
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      char fatal[512];
      if (message->err == RD_KAFKA_RESP_ERR__FATAL &&
          rd_kafka_fatal_error(rk_, fatal, sizeof(fatal)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        (void)Close();
        return absl::InternalError(absl::StrCat("fatal Kafka consumer error: ", fatal));
      }
      ReportError(internal::StatusFromError(
          message->err, absl::StrCat("consume: ", rd_kafka_message_errstr(message.get()))));
      continue;
    }
    const ConsumedMessage consumed = internal::ToConsumedMessage(*message);
    message.reset();
    HandlerOutcome outcome = CallHandler(handler, consumed);
    if (outcome.kind == HandlerOutcome::Kind::kDeadLetter) {
      if (auto status = PublishDeadLetter(consumed, outcome); !status.ok()) {
        ReportError(status);
        outcome = HandlerOutcome::RetryLater(
            absl::StrCat("dead letter not delivered: ", status.message()));
      } else {
        probe_->DeadLettered(consumed.topic, outcome.reason);
      }
    }
    probe_->Consumed(consumed.topic, OutcomeLabel(outcome.kind));
    if (outcome.kind == HandlerOutcome::Kind::kRetryLater) {
      SeekBack(consumed);
      if (!SleepUnlessStopped(backoff, stop)) break;
      backoff = std::min(backoff * 2, config_.retry_backoff_max);
      continue;
    }
    StoreOffset(consumed);
    backoff = config_.retry_backoff_initial;
  }
  return Close();
}

std::optional<ConsumedMessage> Consumer::PollRecord(int timeout_ms, absl::Status& fatal) {
  internal::MessagePtr message(rd_kafka_consumer_poll(rk_, timeout_ms));
  if (message == nullptr) return std::nullopt;
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    char reason[512];
    if (message->err == RD_KAFKA_RESP_ERR__FATAL &&
        rd_kafka_fatal_error(rk_, reason, sizeof(reason)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      fatal = absl::InternalError(absl::StrCat("fatal Kafka consumer error: ", reason));
      return std::nullopt;
    }
    ReportError(internal::StatusFromError(
        message->err, absl::StrCat("consume: ", rd_kafka_message_errstr(message.get()))));
    return std::nullopt;
  }
  return internal::ToConsumedMessage(*message);
}

absl::Status Consumer::RunBatches(const BatchHandler& handler, std::stop_token stop) {
  if (closed_) return absl::FailedPreconditionError("the consumer has already been closed");
  const int poll_ms = static_cast<int>(absl::ToInt64Milliseconds(config_.poll_timeout));
  const size_t max_batch = static_cast<size_t>(std::max(config_.max_batch, 1));
  absl::Duration backoff = config_.retry_backoff_initial;
  std::vector<ConsumedMessage> batch;
  while (!stop.stop_requested()) {
    absl::Status fatal;
    batch.clear();
    std::optional<ConsumedMessage> first = PollRecord(poll_ms, fatal);
    if (first.has_value()) {
      batch.push_back(*std::move(first));
      while (batch.size() < max_batch && fatal.ok()) {
        std::optional<ConsumedMessage> more = PollRecord(0, fatal);
        if (!more.has_value()) break;
        batch.push_back(*std::move(more));
      }
    }
    if (batch.empty()) {
      if (!fatal.ok()) {
        (void)Close();
        return fatal;
      }
      continue;
    }

    std::vector<HandlerOutcome> outcomes = CallBatchHandler(handler, batch);
    // Partitions with a record to deliver again: their later records of this batch are skipped.
    std::set<std::pair<std::string, int32_t>> halted;
    std::map<std::pair<std::string, int32_t>, int64_t> next_offsets;
    bool retry = false;
    for (size_t i = 0; i < batch.size(); ++i) {
      const ConsumedMessage& record = batch[i];
      const auto partition = std::make_pair(record.topic, record.partition);
      if (halted.contains(partition)) continue;
      HandlerOutcome& outcome = outcomes[i];
      if (outcome.kind == HandlerOutcome::Kind::kDeadLetter) {
        if (auto status = PublishDeadLetter(record, outcome); !status.ok()) {
          ReportError(status);
          outcome = HandlerOutcome::RetryLater(
              absl::StrCat("dead letter not delivered: ", status.message()));
        } else {
          probe_->DeadLettered(record.topic, outcome.reason);
        }
      }
      probe_->Consumed(record.topic, OutcomeLabel(outcome.kind));
      if (outcome.kind == HandlerOutcome::Kind::kRetryLater) {
        SeekBack(record);
        halted.insert(partition);
        retry = true;
        continue;
      }
      next_offsets[partition] = record.offset + 1;
    }
    if (!next_offsets.empty()) {
      internal::PartitionListPtr offsets(
          rd_kafka_topic_partition_list_new(static_cast<int>(next_offsets.size())));
      for (const auto& [partition, offset] : next_offsets) {
        rd_kafka_topic_partition_list_add(offsets.get(), partition.first.c_str(), partition.second)
            ->offset = offset;
      }
      // Fails (ERR__STATE) only for partitions revoked meanwhile: their next owner gets the
      // records again (at least once).
      const rd_kafka_resp_err_t err = rd_kafka_offsets_store(rk_, offsets.get());
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        ReportError(internal::StatusFromError(err, "store offsets of a batch"));
      }
    }
    if (!fatal.ok()) {
      (void)Close();
      return fatal;
    }
    if (retry) {
      if (!SleepUnlessStopped(backoff, stop)) break;
      backoff = std::min(backoff * 2, config_.retry_backoff_max);
      continue;
    }
    backoff = config_.retry_backoff_initial;
  }
  return Close();
}

std::vector<HandlerOutcome> Consumer::CallBatchHandler(const BatchHandler& handler,
                                                       const std::vector<ConsumedMessage>& batch) {
  std::vector<HandlerOutcome> outcomes;
  try {
    outcomes = handler(batch);
  } catch (const std::exception& e) {
    outcomes.clear();
    outcomes.resize(batch.size(),
                    HandlerOutcome::RetryLater(absl::StrCat("handler threw: ", e.what())));
  } catch (...) {
    outcomes.clear();
    outcomes.resize(batch.size(),
                    HandlerOutcome::RetryLater("handler threw a non-standard exception"));
  }
  if (outcomes.size() < batch.size()) {
    outcomes.resize(batch.size(), HandlerOutcome::RetryLater("the handler gave no outcome"));
  }
  return outcomes;
}

HandlerOutcome Consumer::CallHandler(const MessageHandler& handler,
                                     const ConsumedMessage& message) {
  try {
    return handler(message);
  } catch (const std::exception& e) {
    return HandlerOutcome::RetryLater(absl::StrCat("handler threw: ", e.what()));
  } catch (...) {
    return HandlerOutcome::RetryLater("handler threw a non-standard exception");
  }
}

absl::Status Consumer::PublishDeadLetter(const ConsumedMessage& message,
                                         const HandlerOutcome& outcome) {
  OutboundMessage dead_letter;
  dead_letter.topic = config_.dead_letter_topic;
  dead_letter.key = message.key;
  dead_letter.value = message.value;
  dead_letter.headers = message.headers;
  dead_letter.headers.Set(std::string(kDlqReasonHeader), outcome.reason);
  dead_letter.headers.Set(std::string(kDlqDetailHeader), outcome.detail);
  dead_letter.headers.Set(std::string(kDlqSourceTopicHeader), message.topic);
  dead_letter.headers.Set(std::string(kDlqSourcePartitionHeader), absl::StrCat(message.partition));
  dead_letter.headers.Set(std::string(kDlqSourceOffsetHeader), absl::StrCat(message.offset));
  auto delivery =
      dead_letter_producer_->ProduceAndWait(std::move(dead_letter), config_.dead_letter_timeout);
  return delivery.status();
}

void Consumer::StoreOffset(const ConsumedMessage& message) {
  internal::PartitionListPtr offsets(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(offsets.get(), message.topic.c_str(), message.partition)
      ->offset = message.offset + 1;
  // Fails (ERR__STATE) only if the partition was revoked meanwhile: the next owner then gets
  // the record again, which is the at-least-once promise.
  const rd_kafka_resp_err_t err = rd_kafka_offsets_store(rk_, offsets.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    ReportError(internal::StatusFromError(
        err, absl::StrCat("store offset ", message.topic, "/", message.partition)));
  }
}

void Consumer::SeekBack(const ConsumedMessage& message) {
  internal::PartitionListPtr position(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(position.get(), message.topic.c_str(), message.partition)
      ->offset = message.offset;
  rd_kafka_error_t* error = rd_kafka_seek_partitions(rk_, position.get(), 5000);
  if (error != nullptr) {
    ReportError(absl::UnavailableError(absl::StrCat("seek ", message.topic, "/", message.partition,
                                                    ": ", rd_kafka_error_string(error))));
    rd_kafka_error_destroy(error);
  }
}

absl::Status Consumer::Close() {
  closed_ = true;
  rd_kafka_resp_err_t err = rd_kafka_commit(rk_, nullptr, /*async=*/0);
  absl::Status status;
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
    status = internal::StatusFromError(err, "commit stored offsets");
  }
  err = rd_kafka_consumer_close(rk_);
  if (status.ok() && err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    status = internal::StatusFromError(err, "close consumer");
  }
  return status;
}

std::vector<std::string> Consumer::Assignment() const {
  std::vector<std::string> out;
  rd_kafka_topic_partition_list_t* list = nullptr;
  if (rd_kafka_assignment(rk_, &list) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
  internal::PartitionListPtr owned(list);
  for (int i = 0; i < list->cnt; ++i) {
    out.push_back(absl::StrCat(list->elems[i].topic, "/", list->elems[i].partition));
  }
  return out;
}

void RetryEveryOutcomeAfterTheFirstRetry(std::vector<HandlerOutcome>& outcomes,
                                         const std::string& detail) {
  bool retry = false;
  for (HandlerOutcome& outcome : outcomes) {
    if (retry && outcome.kind != HandlerOutcome::Kind::kRetryLater) {
      outcome = HandlerOutcome::RetryLater(detail);
    }
    if (outcome.kind == HandlerOutcome::Kind::kRetryLater) retry = true;
  }
}

}  // namespace oversight::kafka
