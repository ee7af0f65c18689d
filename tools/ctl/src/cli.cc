#include "cli.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "oversight/flags/flags.h"
#include "oversight/notifications/v1/notifications.grpc.pb.h"
#include "oversight/runtime/auth.h"
#include "oversight/triggers/v1/triggers_service.grpc.pb.h"
#include "table.h"
#include "task_summary.h"

namespace oversight::ctl {
namespace {

using flags::Flags;
using flags::FlagSpec;

constexpr char kUsage[] =
    "usage: oversight-ctl <command> [flags]\n"
    "  token         --secret S --subject X [--role R]... [--authority A] [--team T] [--ttl 1h]\n"
    "                [--issuer I] [--audience A]\n"
    "  health        --target HOST:PORT [--service NAME] [--wait DURATION]\n"
    "  tasks         --target HOST:PORT --authority A [--owner X] [--child C] [--team T]\n"
    "                [--status requested|in_progress|completed|cancelled] [--limit N]\n"
    "                [--token JWT] [--json]\n"
    "  task-summary  --target HOST:PORT --authority A [--token JWT] [--json]\n"
    "  notifications --target HOST:PORT --authority A --recipient X [--token JWT]\n"
    "                [--unacknowledged] [--json]\n"
    "Every network command also takes --ca-file PEM (TLS) and --timeout DURATION (default 10s).\n"
    "--secret defaults to $OVERSIGHT_AUTH_JWT_SECRET, --token to $OVERSIGHT_TOKEN.\n"
    "Exit codes: 0 ok, 1 the call failed or the service is not serving, 2 usage.\n";

// What the network commands share.
struct Connection {
  std::shared_ptr<grpc::Channel> channel;
  std::string token;
  absl::Duration timeout = absl::Seconds(10);

  // A context with the deadline and, when there is a token, the bearer header.
  std::unique_ptr<grpc::ClientContext> Context() const {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
    if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
    return context;
  }
};

FlagSpec NetworkSpec(FlagSpec spec) {
  spec.values.insert({"target", "ca-file", "timeout"});
  return spec;
}

std::string ReadFile(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  *ok = static_cast<bool>(in) || in.eof();
  return text.str();
}

absl::StatusOr<absl::Duration> ParseDurationFlag(const Flags& flags, const std::string& name,
                                                 absl::Duration fallback) {
  auto text = flags.Get(name);
  if (!text) return fallback;
  absl::Duration value;
  if (!absl::ParseDuration(*text, &value) || value < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, " \"", *text, "\" is not a duration (for example 30s, 2m)"));
  }
  return value;
}

// Builds the channel and reads --token / $OVERSIGHT_TOKEN. INVALID_ARGUMENT for bad flags.
absl::StatusOr<Connection> Connect(const Flags& flags, bool with_token) {
  auto target = flags.Require("target");
  if (!target.ok()) return target.status();
  Connection connection;
  auto timeout = ParseDurationFlag(flags, "timeout", absl::Seconds(10));
  if (!timeout.ok()) return timeout.status();
  connection.timeout = *timeout;
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (auto ca_file = flags.Get("ca-file")) {
    bool ok = false;
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ReadFile(*ca_file, &ok);
    if (!ok || options.pem_root_certs.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("--ca-file ", *ca_file, ": cannot read it"));
    }
    credentials = grpc::SslCredentials(options);
  }
  connection.channel = grpc::CreateChannel(*target, credentials);
  if (with_token) {
    if (auto token = flags.Get("token")) {
      connection.token = *token;
    } else if (const char* env = std::getenv("OVERSIGHT_TOKEN"); env != nullptr) {
      connection.token = env;
    }
  }
  return connection;
}

// Prints "oversight-ctl <command>: CODE: message" (plus a hint for auth failures); returns 1.
int ReportRpcError(const std::string& command, const grpc::Status& status,
                   const Connection& connection, std::ostream& err) {
  err << "oversight-ctl " << command << ": "
      << absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())) << ": "
      << status.error_message() << '\n';
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED && connection.token.empty()) {
    err << "  (no token given: pass --token, set $OVERSIGHT_TOKEN, or mint one with "
           "`oversight-ctl token`)\n";
  }
  return kExitFailed;
}

int UsageError(const absl::Status& status, std::ostream& err) {
  err << "oversight-ctl: " << status.message() << "\n\n" << kUsage;
  return kExitUsage;
}

std::string FormatLondon(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "-";
  static const absl::TimeZone london = [] {
    absl::TimeZone zone;
    if (!absl::LoadTimeZone("Europe/London", &zone)) zone = absl::UTCTimeZone();
    return zone;
  }();
  return absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixSeconds(ts.seconds()), london);
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  return status.ok() ? json : absl::StrCat("{\"error\": \"", status.ToString(), "\"}");
}

// --- token ---------------------------------------------------------------------------------

int Token(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto flags = Flags::Parse(
      args,
      {{"secret", "subject", "authority", "team", "ttl", "issuer", "audience"}, {"role"}, {}});
  if (!flags.ok()) return UsageError(flags.status(), err);
  std::string secret;
  if (auto given = flags->Get("secret")) {
    secret = *given;
  } else if (const char* env = std::getenv("OVERSIGHT_AUTH_JWT_SECRET"); env != nullptr) {
    secret = env;
  }
  if (secret.empty()) {
    return UsageError(
        absl::InvalidArgumentError("--secret is required (or $OVERSIGHT_AUTH_JWT_SECRET)"), err);
  }
  auto subject = flags->Require("subject");
  if (!subject.ok()) return UsageError(subject.status(), err);
  auto ttl = ParseDurationFlag(*flags, "ttl", absl::Hours(1));
  if (!ttl.ok()) return UsageError(ttl.status(), err);
  runtime::TokenClaims claims;
  claims.subject = *subject;
  claims.roles = flags->GetAll("role");
  claims.authority_id = flags->Get("authority").value_or("");
  claims.team_id = flags->Get("team").value_or("");
  claims.issuer = flags->Get("issuer").value_or("");
  claims.audience = flags->Get("audience").value_or("");
  claims.issued_at = absl::Now();
  claims.lifetime = *ttl;
  auto token = runtime::MintToken(claims, runtime::JwtAlgorithm::kHS256, secret);
  if (!token.ok()) {
    err << "oversight-ctl token: " << token.status() << '\n';
    return kExitFailed;
  }
  out << *token << '\n';
  return kExitOk;
}

// --- health --------------------------------------------------------------------------------

int Health(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto flags = Flags::Parse(args, NetworkSpec({{"service", "wait"}, {}, {}}));
  if (!flags.ok()) return UsageError(flags.status(), err);
  auto connection = Connect(*flags, /*with_token=*/false);
  if (!connection.ok()) return UsageError(connection.status(), err);
  auto wait = ParseDurationFlag(*flags, "wait", absl::ZeroDuration());
  if (!wait.ok()) return UsageError(wait.status(), err);
  auto stub = grpc::health::v1::Health::NewStub(connection->channel);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(flags->Get("service").value_or(""));
  const absl::Time give_up = absl::Now() + *wait;
  while (true) {
    grpc::health::v1::HealthCheckResponse response;
    auto context = connection->Context();
    if (*wait > absl::ZeroDuration()) {
      // While waiting, each attempt is short, so a server that is not up yet is retried.
      context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    }
    grpc::Status status = stub->Check(context.get(), request, &response);
    const bool serving =
        status.ok() && response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
    if (serving) {
      out << "SERVING\n";
      return kExitOk;
    }
    if (absl::Now() >= give_up) {
      if (!status.ok()) return ReportRpcError("health", status, *connection, err);
      out << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status()) << '\n';
      return kExitFailed;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

// --- tasks ---------------------------------------------------------------------------------

// Every task matching `request`, paging through ListTasks; stops after `limit` (0: all).
grpc::Status ListAllTasks(const Connection& connection, triggers::v1::ListTasksRequest request,
                          size_t limit, std::vector<triggers::v1::OversightTask>* tasks) {
  auto stub = triggers::v1::OversightTriggersService::NewStub(connection.channel);
  request.mutable_page()->set_page_size(500);
  std::string previous_token;
  while (true) {
    triggers::v1::ListTasksResponse response;
    auto context = connection.Context();
    grpc::Status status = stub->ListTasks(context.get(), request, &response);
    if (!status.ok()) return status;
    for (auto& task : *response.mutable_tasks()) {
      if (limit != 0 && tasks->size() >= limit) return grpc::Status::OK;
      tasks->push_back(std::move(task));
    }
    const std::string& next = response.page().next_page_token();
    if (next.empty() || next == previous_token || response.tasks().empty()) break;
    previous_token = next;
    request.mutable_page()->set_page_token(next);
  }
  return grpc::Status::OK;
}

int Tasks(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto flags = Flags::Parse(
      args,
      NetworkSpec(
          {{"authority", "owner", "child", "team", "status", "limit", "token"}, {}, {"json"}}));
  if (!flags.ok()) return UsageError(flags.status(), err);
  auto connection = Connect(*flags, /*with_token=*/true);
  if (!connection.ok()) return UsageError(connection.status(), err);
  auto authority = flags->Require("authority");
  if (!authority.ok()) return UsageError(authority.status(), err);
  triggers::v1::ListTasksRequest request;
  request.set_authority_id(*authority);
  request.set_owner_id(flags->Get("owner").value_or(""));
  request.set_child_id(flags->Get("child").value_or(""));
  request.set_team_id(flags->Get("team").value_or(""));
  if (auto status_name = flags->Get("status")) {
    triggers::v1::TaskStatus status;
    if (!ParseStatus(*status_name, &status)) {
      return UsageError(absl::InvalidArgumentError(absl::StrCat(
                            "--status \"", *status_name,
                            "\": expected requested, in_progress, completed or cancelled")),
                        err);
    }
    request.set_status(status);
  }
  size_t limit = 0;
  if (auto text = flags->Get("limit"); text && !absl::SimpleAtoi(*text, &limit)) {
    return UsageError(absl::InvalidArgumentError("--limit must be a number"), err);
  }
  std::vector<triggers::v1::OversightTask> tasks;
  grpc::Status status = ListAllTasks(*connection, request, limit, &tasks);
  if (!status.ok()) return ReportRpcError("tasks", status, *connection, err);
  if (flags->Has("json")) {
    triggers::v1::ListTasksResponse all;
    for (auto& task : tasks)
      *all.add_tasks() = std::move(task);
    out << ToJson(all) << '\n';
    return kExitOk;
  }
  Table table({"TASK", "RULE", "STATUS", "CHILD", "WORKER", "OWNER", "DUE (Europe/London)"});
  for (const auto& task : tasks) {
    table.AddRow({task.task_id(), task.rule_id(), StatusName(task.status()), task.child_id(),
                  task.worker_id(), task.owner_id().empty() ? "-" : task.owner_id(),
                  FormatLondon(task.due_at())});
  }
  table.Print(out);
  out << tasks.size() << (tasks.size() == 1 ? " task\n" : " tasks\n");
  return kExitOk;
}

// --- task-summary --------------------------------------------------------------------------

int TaskSummary(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto flags = Flags::Parse(args, NetworkSpec({{"authority", "token"}, {}, {"json"}}));
  if (!flags.ok()) return UsageError(flags.status(), err);
  auto connection = Connect(*flags, /*with_token=*/true);
  if (!connection.ok()) return UsageError(connection.status(), err);
  auto authority = flags->Require("authority");
  if (!authority.ok()) return UsageError(authority.status(), err);
  triggers::v1::ListTasksRequest request;
  request.set_authority_id(*authority);
  std::vector<triggers::v1::OversightTask> tasks;
  grpc::Status status = ListAllTasks(*connection, request, 0, &tasks);
  if (!status.ok()) return ReportRpcError("task-summary", status, *connection, err);
  const TaskCounts counts = CountTasks(tasks);
  static const char* const kStatuses[] = {"requested", "in_progress", "completed", "cancelled"};
  if (flags->Has("json")) {
    nlohmann::json json = {{"authority_id", *authority}, {"total", counts.total}};
    json["by_status"] = counts.by_status;
    json["by_rule"] = nlohmann::json::object();
    for (const auto& row : counts.rows) {
      nlohmann::json entry = row.by_status;
      entry["total"] = row.total;
      json["by_rule"][row.rule_id] = entry;
    }
    out << json.dump(2) << '\n';
    return kExitOk;
  }
  Table table({"RULE", "REQUESTED", "IN_PROGRESS", "COMPLETED", "CANCELLED", "TOTAL"},
              {1, 2, 3, 4, 5});
  auto count = [](const std::map<std::string, int>& by_status, const char* name) {
    auto it = by_status.find(name);
    return std::to_string(it == by_status.end() ? 0 : it->second);
  };
  for (const auto& row : counts.rows) {
    std::vector<std::string> cells = {row.rule_id};
    for (const char* name : kStatuses)
      cells.push_back(count(row.by_status, name));
    cells.push_back(std::to_string(row.total));
    table.AddRow(std::move(cells));
  }
  std::vector<std::string> total = {"all rules"};
  for (const char* name : kStatuses)
    total.push_back(count(counts.by_status, name));
  total.push_back(std::to_string(counts.total));
  table.AddRow(std::move(total));
  table.Print(out);
  return kExitOk;
}

// --- notifications -------------------------------------------------------------------------

int Notifications(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto flags = Flags::Parse(
      args,
      NetworkSpec({{"authority", "recipient", "token", "limit"}, {}, {"json", "unacknowledged"}}));
  if (!flags.ok()) return UsageError(flags.status(), err);
  auto connection = Connect(*flags, /*with_token=*/true);
  if (!connection.ok()) return UsageError(connection.status(), err);
  auto authority = flags->Require("authority");
  if (!authority.ok()) return UsageError(authority.status(), err);
  auto recipient = flags->Require("recipient");
  if (!recipient.ok()) return UsageError(recipient.status(), err);
  size_t limit = 0;
  if (auto text = flags->Get("limit"); text && !absl::SimpleAtoi(*text, &limit)) {
    return UsageError(absl::InvalidArgumentError("--limit must be a number"), err);
  }
  auto stub = notifications::v1::NotificationsService::NewStub(connection->channel);
  notifications::v1::ListNotificationsRequest request;
  request.set_authority_id(*authority);
  request.set_recipient_id(*recipient);
  request.set_unacknowledged_only(flags->Has("unacknowledged"));
  request.mutable_page()->set_page_size(500);
  notifications::v1::ListNotificationsResponse all;
  std::string previous_token;
  while (limit == 0 || static_cast<size_t>(all.notifications_size()) < limit) {
    notifications::v1::ListNotificationsResponse response;
    auto context = connection->Context();
    grpc::Status status = stub->ListNotifications(context.get(), request, &response);
    if (!status.ok()) return ReportRpcError("notifications", status, *connection, err);
    for (auto& notification : *response.mutable_notifications()) {
      if (limit != 0 && static_cast<size_t>(all.notifications_size()) >= limit) break;
      *all.add_notifications() = std::move(notification);
    }
    const std::string& next = response.page().next_page_token();
    if (next.empty() || next == previous_token || response.notifications().empty()) break;
    previous_token = next;
    request.mutable_page()->set_page_token(next);
  }
  if (flags->Has("json")) {
    out << ToJson(all) << '\n';
    return kExitOk;
  }
  Table table({"CREATED (Europe/London)", "RULE", "KIND", "ACK", "SUBJECT"});
  for (const auto& n : all.notifications()) {
    table.AddRow({FormatLondon(n.created_at()), n.rule_id().empty() ? "-" : n.rule_id(), n.kind(),
                  n.has_acknowledged_at() ? "yes" : "no", n.subject()});
  }
  table.Print(out);
  out << all.notifications_size()
      << (all.notifications_size() == 1 ? " notification\n" : " notifications\n");
  return kExitOk;
}

}  // namespace

int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    (args.empty() ? err : out) << kUsage;
    return args.empty() ? kExitUsage : kExitOk;
  }
  static const std::map<std::string, std::function<int(const std::vector<std::string>&,
                                                       std::ostream&, std::ostream&)>>
      commands = {{"token", Token},
                  {"health", Health},
                  {"tasks", Tasks},
                  {"task-summary", TaskSummary},
                  {"notifications", Notifications}};
  auto command = commands.find(args[0]);
  if (command == commands.end()) {
    err << "oversight-ctl: unknown command \"" << args[0] << "\"\n\n" << kUsage;
    return kExitUsage;
  }
  return command->second(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
}

}  // namespace oversight::ctl
