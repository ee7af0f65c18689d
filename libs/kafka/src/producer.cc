#include "oversight/kafka/producer.h"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <future>

#include "absl/strings/str_cat.h"
#include "internal/rdkafka_handles.h"

namespace oversight::kafka {
namespace {

// What travels with each record as its opaque, until its delivery report.
struct PendingDelivery {
  DeliveryCallback callback;
};

void OnDelivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message, void* /*opaque*/) {
  std::unique_ptr<PendingDelivery> pending(static_cast<PendingDelivery*>(message->_private));
  if (pending == nullptr || !pending->callback) return;
  Delivery delivery;
  delivery.topic = rd_kafka_topic_name(message->rkt);
  delivery.partition = message->partition;
  delivery.offset = message->offset;
  pending->callback(internal::StatusFromError(
                        message->err, absl::StrCat("delivery to ", delivery.topic, " failed")),
                    delivery);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Producer>> Producer::Create(const ProducerConfig& config) {
  auto conf = internal::BuildConf(
      config.client, {{"linger.ms", "5"}, {"compression.type", "lz4"}},
      {{"enable.idempotence", "true"},
       {"message.timeout.ms", std::to_string(absl::ToInt64Milliseconds(config.message_timeout))}});
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &OnDelivery);
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), error, sizeof(error));
  if (rk == nullptr) {
    return absl::InternalError(absl::StrCat("cannot create Kafka producer: ", error));
  }
  conf->release();  // owned by rk now
  return std::unique_ptr<Producer>(new Producer(rk));
}

Producer::Producer(rd_kafka_s* rk) : rk_(rk), poll_thread_([this] { PollLoop(); }) {}

Producer::~Producer() {
  rd_kafka_flush(rk_, 10000);
  // Fail what is left so every callback runs once; the poll loop serves those reports.
  rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_flush(rk_, 1000);
  stopping_ = true;
  poll_thread_.join();
  rd_kafka_poll(rk_, 0);
  rd_kafka_destroy(rk_);
}

void Producer::PollLoop() {
  while (!stopping_)
    rd_kafka_poll(rk_, 100);
}

absl::Status Producer::Produce(OutboundMessage message, DeliveryCallback on_delivery) {
  auto pending = std::make_unique<PendingDelivery>(PendingDelivery{std::move(on_delivery)});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (true) {
    rd_kafka_headers_t* headers = internal::NewRdHeaders(message.headers);
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_, RD_KAFKA_V_TOPIC(message.topic.c_str()),
        RD_KAFKA_V_PARTITION(message.partition.value_or(RD_KAFKA_PARTITION_UA)),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(message.key.empty() ? nullptr : message.key.data(), message.key.size()),
        RD_KAFKA_V_VALUE(message.tombstone ? nullptr : message.value.data(),
                         message.tombstone ? 0 : message.value.size()),
        RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(pending.get()), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      pending.release();  // freed in OnDelivery
      return absl::OkStatus();
    }
    rd_kafka_headers_destroy(headers);  // not taken over on failure
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || std::chrono::steady_clock::now() > deadline) {
      return internal::StatusFromError(err, absl::StrCat("cannot produce to ", message.topic));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the poll thread drains it
  }
}

absl::StatusOr<Delivery> Producer::ProduceAndWait(OutboundMessage message, absl::Duration timeout) {
  auto promise = std::make_shared<std::promise<absl::StatusOr<Delivery>>>();
  auto future = promise->get_future();
  auto status = Produce(std::move(message), [promise](const absl::Status& s, const Delivery& d) {
    if (s.ok()) {
      promise->set_value(d);
    } else {
      promise->set_value(s);
    }
  });
  if (!status.ok()) return status;
  if (future.wait_for(absl::ToChronoMilliseconds(timeout)) != std::future_status::ready) {
    return absl::DeadlineExceededError(
        absl::StrCat("no delivery report within ", absl::FormatDuration(timeout)));
  }
  return future.get();
}

absl::Status Producer::Flush(absl::Duration timeout) {
  const rd_kafka_resp_err_t err =
      rd_kafka_flush(rk_, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) {
    return absl::DeadlineExceededError(absl::StrCat(rd_kafka_outq_len(rk_),
                                                    " records still outstanding after ",
                                                    absl::FormatDuration(timeout)));
  }
  return internal::StatusFromError(err, "flush");
}

int Producer::OutstandingCount() const {
  return rd_kafka_outq_len(rk_);
}

}  // namespace oversight::kafka
