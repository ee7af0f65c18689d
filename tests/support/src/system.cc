#include "oversight/e2e/system.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "oversight/kafka/cloud_event.h"
#include "oversight/kafka/testing/publish.h"
#include "oversight/runtime/auth.h"

namespace oversight::e2e {
namespace {

struct ServiceLayout {
  const char* dir;
  const char* binary;
};

const std::map<std::string, ServiceLayout>& Layouts() {
  static const auto* layouts = new std::map<std::string, ServiceLayout>{
      {kTriggers, {"oversight_triggers", "oversight-oversight-triggers"}},
      {kNotifications, {"notifications", "oversight-notifications"}},
      {kScheduling, {"scheduling", "oversight-scheduling"}},
      {kRecording, {"recording", "oversight-recording"}},
  };
  return *layouts;
}

const char* const kTopicNames[] = {"case_events", "workforce_events", "supervision_events",
                                   "tasks",       "schedule_events",  "notifications",
                                   "audit",       "dead_letters",     "records"};

std::string Upper(std::string text) {
  for (char& c : text)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

absl::StatusOr<std::unique_ptr<System>> System::Create(kafka::testing::BrokerKind broker) {
  return Create(SystemOptions{.broker = broker});
}

absl::StatusOr<std::unique_ptr<System>> System::Create(const SystemOptions& options) {
  const kafka::testing::BrokerKind broker = options.broker;
  auto system = std::unique_ptr<System>(new System());
  auto redis = redis::testing::RedisServer::Launch();
  if (!redis.ok()) return redis.status();
  system->redis_ = *std::move(redis);
  if (broker == kafka::testing::BrokerKind::kReal && !options.real_bootstrap.empty()) {
    system->broker_ = kafka::testing::TestBroker::Connect(options.real_bootstrap);
  } else {
    auto started = kafka::testing::TestBroker::Start(broker, options.embedded);
    if (!started.ok()) return started.status();
    system->broker_ = *std::move(started);
  }
  kafka::ProducerConfig config;
  config.client = system->broker_->client_config();
  auto producer = kafka::Producer::Create(config);
  if (!producer.ok()) return producer.status();
  system->producer_ = *std::move(producer);
  system->prefix_ = kafka::testing::UniqueName("e2e");
  system->partitions_ = options.embedded.partitions;
  std::vector<kafka::TopicSpec> topics;
  for (const char* name : kTopicNames)
    topics.push_back({system->Topic(name), system->partitions_, 1});
  if (broker == kafka::testing::BrokerKind::kEmbedded) {
    // No admin API on the embedded broker: create the topics through its control channel.
    if (auto s = system->broker_->CreateTopics(topics); !s.ok()) return s;
  }
  return system;
}

std::string System::Topic(const std::string& name) const {
  return prefix_ + "." + name;
}

std::map<std::string, std::string> System::CommonEnv(const std::string& service) const {
  std::map<std::string, std::string> env = {
      {"OVERSIGHT_KAFKA_BOOTSTRAP_SERVERS", broker_->bootstrap()},
      {"OVERSIGHT_KAFKA_GROUP_ID", prefix_ + "-" + service},
      {"OVERSIGHT_KAFKA_TOPIC_PARTITIONS", std::to_string(partitions_)},
      {"OVERSIGHT_KAFKA_PROPERTIES_FETCH_WAIT_MAX_MS", "50"},
      {"OVERSIGHT_REDIS_HOST", "127.0.0.1"},
      {"OVERSIGHT_REDIS_PORT", std::to_string(redis_->Port())},
      {"OVERSIGHT_GRPC_PORT", "0"},
      {"OVERSIGHT_METRICS_PORT", "0"},
      {"OVERSIGHT_GRPC_BIND_ADDRESS", "127.0.0.1"},
      {"OVERSIGHT_METRICS_BIND_ADDRESS", "127.0.0.1"},
      {"OVERSIGHT_AUTH_JWT_SECRET", kTestJwtSecret},
  };
  for (const char* name : kTopicNames)
    env["OVERSIGHT_TOPICS_" + Upper(name)] = Topic(name);
  return env;
}

absl::StatusOr<ServiceProcess*> System::StartService(
    const std::string& service, std::map<std::string, std::string> extra_env,
    std::shared_ptr<grpc::ChannelCredentials> credentials) {
  return Launch(service, service, std::move(extra_env), std::move(credentials));
}

absl::StatusOr<ServiceProcess*> System::StartReplica(const std::string& service,
                                                     const std::string& replica,
                                                     std::map<std::string, std::string> extra_env) {
  if (this->service(service) == nullptr) {
    return absl::FailedPreconditionError("start " + service + " before a replica of it");
  }
  return Launch(service, service + "/" + replica, std::move(extra_env));
}

absl::StatusOr<ServiceProcess*> System::Launch(
    const std::string& service, const std::string& name,
    std::map<std::string, std::string> extra_env,
    std::shared_ptr<grpc::ChannelCredentials> credentials) {
  auto layout = Layouts().find(service);
  if (layout == Layouts().end()) return absl::InvalidArgumentError("unknown service " + service);
  ServiceSpec spec;
  spec.name = name;
  std::replace(spec.name.begin(), spec.name.end(), '/', '-');  // it names the log file
  spec.binary = ServiceBinary(layout->second.dir, layout->second.binary);
  spec.env = CommonEnv(service);
  for (auto& [key, value] : extra_env)
    spec.env[key] = std::move(value);
  spec.credentials = std::move(credentials);
  auto process = ServiceProcess::Start(std::move(spec));
  if (!process.ok()) return process.status();
  ServiceProcess* raw = process->get();
  services_[name] = *std::move(process);
  return raw;
}

ServiceProcess* System::service(const std::string& name) const {
  auto it = services_.find(name);
  return it == services_.end() ? nullptr : it->second.get();
}

absl::Status System::Publish(const std::string& topic_name, const std::string& key,
                             const google::protobuf::Message& event, bool json) {
  auto delivered = kafka::testing::PublishEvent(
      *producer_, Topic(topic_name), key, event,
      json ? kafka::ContentType::kJson : kafka::ContentType::kProtobuf);
  return delivered.status();
}

absl::Status System::PublishRaw(const std::string& topic_name, const std::string& key,
                                const std::string& value,
                                const std::vector<std::pair<std::string, std::string>>& headers) {
  kafka::OutboundMessage message;
  message.topic = Topic(topic_name);
  message.key = key;
  message.value = value;
  for (const auto& [name, text] : headers)
    message.headers.Add(name, text);
  return producer_->ProduceAndWait(std::move(message)).status();
}

std::string System::Token(const std::string& subject, std::vector<std::string> roles) {
  return Token(subject, std::move(roles), absl::Now(), absl::Hours(1));
}

std::string System::Token(const std::string& subject, std::vector<std::string> roles,
                          absl::Time issued_at, absl::Duration lifetime) {
  runtime::TokenClaims claims;
  claims.subject = subject;
  claims.roles = std::move(roles);
  claims.issued_at = issued_at;
  claims.lifetime = lifetime;
  auto token = runtime::MintToken(claims, runtime::JwtAlgorithm::kHS256, kTestJwtSecret);
  return token.ok() ? *token : "";
}

}  // namespace oversight::e2e
