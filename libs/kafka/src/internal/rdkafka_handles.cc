#include "internal/rdkafka_handles.h"

#include "absl/strings/str_cat.h"

namespace oversight::kafka::internal {
namespace {

absl::Status SetProperty(rd_kafka_conf_t* conf, const std::string& name, const std::string& value) {
  char error[512];
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof(error)) !=
      RD_KAFKA_CONF_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat("Kafka property ", name, "=\"", value, "\": ", error));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ConfPtr> BuildConf(const ClientConfig& config,
                                  const std::map<std::string, std::string>& defaults,
                                  const std::map<std::string, std::string>& forced) {
  if (config.bootstrap_servers.empty()) {
    return absl::InvalidArgumentError("Kafka bootstrap servers are not configured");
  }
  ConfPtr conf(rd_kafka_conf_new());
  std::map<std::string, std::string> merged = defaults;
  merged["bootstrap.servers"] = config.bootstrap_servers;
  merged["client.id"] = config.client_id;
  for (const auto& [name, value] : config.properties)
    merged[name] = value;
  for (const auto& [name, value] : forced)
    merged[name] = value;
  for (const auto& [name, value] : merged) {
    if (auto status = SetProperty(conf.get(), name, value); !status.ok()) return status;
  }
  return conf;
}

absl::Status StatusFromError(rd_kafka_resp_err_t err, std::string_view context) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return absl::OkStatus();
  const std::string message = absl::StrCat(std::string(context), ": ", rd_kafka_err2name(err), " (",
                                           rd_kafka_err2str(err), ")");
  switch (err) {
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS:
    case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
    case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
      return absl::InvalidArgumentError(message);
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      return absl::NotFoundError(message);
    case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
      return absl::AlreadyExistsError(message);
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
      return absl::PermissionDeniedError(message);
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
      return absl::DeadlineExceededError(message);
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION:
    case RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE:
      return absl::UnimplementedError(message);
    case RD_KAFKA_RESP_ERR__FATAL:
    case RD_KAFKA_RESP_ERR__FENCED:
      return absl::InternalError(message);
    default:
      return absl::UnavailableError(message);
  }
}

Headers CopyHeaders(const rd_kafka_headers_t* headers) {
  Headers out;
  if (headers == nullptr) return out;
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  for (size_t i = 0;
       rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i) {
    out.Add(name,
            value == nullptr ? std::string() : std::string(static_cast<const char*>(value), size));
  }
  return out;
}

rd_kafka_headers_t* NewRdHeaders(const Headers& headers) {
  rd_kafka_headers_t* out = rd_kafka_headers_new(headers.size());
  for (const auto& header : headers) {
    rd_kafka_header_add(out, header.key.data(), static_cast<ssize_t>(header.key.size()),
                        header.value.data(), static_cast<ssize_t>(header.value.size()));
  }
  return out;
}

ConsumedMessage ToConsumedMessage(const rd_kafka_message_t& message) {
  ConsumedMessage out;
  out.topic = rd_kafka_topic_name(message.rkt);
  out.partition = message.partition;
  out.offset = message.offset;
  if (message.key != nullptr) {
    out.key.assign(static_cast<const char*>(message.key), message.key_len);
  }
  if (message.payload != nullptr) {
    out.value.assign(static_cast<const char*>(message.payload), message.len);
  } else {
    out.tombstone = true;
  }
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(&message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    out.headers = CopyHeaders(headers);
  }
  rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  const int64_t timestamp_ms = rd_kafka_message_timestamp(&message, &type);
  if (type != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE && timestamp_ms >= 0) {
    out.timestamp = absl::FromUnixMillis(timestamp_ms);
  }
  return out;
}

}  // namespace oversight::kafka::internal
