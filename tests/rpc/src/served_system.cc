#include "oversight/rpc_testing/served_system.h"

#include "absl/strings/str_cat.h"
#include "oversight/e2e/sample_events.h"
#include "oversight/events/outbound.h"
#include "oversight/notifications/v1/notifications.grpc.pb.h"
#include "oversight/recording/v1/recording_service.grpc.pb.h"
#include "oversight/rpc_testing/tokens.h"
#include "oversight/scheduling/v1/scheduling_service.grpc.pb.h"
#include "oversight/testing/wait_until.h"
#include "oversight/triggers/v1/triggers_service.grpc.pb.h"

namespace oversight::rpc_testing {
namespace {

std::unique_ptr<grpc::ClientContext> As(const std::string& subject,
                                        std::vector<std::string> roles = {}) {
  auto context = std::make_unique<grpc::ClientContext>();
  const auto [key, value] = Bearer(ServedSystem::Token(subject, std::move(roles)));
  context->AddMetadata(key, value);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return context;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServedSystem>> ServedSystem::Start(
    std::map<std::string, std::string> extra_env) {
  auto served = std::unique_ptr<ServedSystem>(new ServedSystem());
  auto system = e2e::System::Create(kafka::testing::BrokerKind::kEmbedded);
  if (!system.ok()) return system.status();
  served->system_ = *std::move(system);
  for (const auto& [key, value] : AuthEnv(e2e::kTestJwtSecret))
    extra_env[key] = value;
  for (const char* name :
       {e2e::kScheduling, e2e::kRecording, e2e::kTriggers, e2e::kNotifications}) {
    auto started = served->system_->StartService(name, extra_env);
    if (!started.ok()) return started.status();
    auto catalogue = RpcCatalogue::FromServer((*started)->Channel());
    if (!catalogue.ok()) {
      return absl::Status(catalogue.status().code(),
                          absl::StrCat(name, ": ", catalogue.status().message()));
    }
    served->binaries_.push_back(Binary{name, *started, *std::move(catalogue)});
  }
  if (auto seeded = served->Seed(); !seeded.ok()) return seeded;
  return served;
}

Binary* ServedSystem::Serving(const std::string& service) {
  for (Binary& binary : binaries_) {
    const auto& names = binary.catalogue->services();
    if (std::find(names.begin(), names.end(), service) != names.end()) return &binary;
  }
  return nullptr;
}

std::string ServedSystem::Token(const std::string& subject, std::vector<std::string> roles,
                                const std::string& authority) {
  return Sign(ValidClaims(subject, std::move(roles), authority), e2e::kTestJwtSecret);
}

std::vector<std::string> ServedSystem::NotServing() const {
  std::vector<std::string> out;
  for (const Binary& binary : binaries_) {
    const std::string health = binary.process->Health();
    if (health != "SERVING") out.push_back(absl::StrCat(binary.name, ": ", health));
  }
  return out;
}

absl::Status ServedSystem::Seed() {
  for (const auto& [worker, supervisor] : std::vector<std::pair<const char*, const char*>>{
           {kManager, "head-1"}, {kWorker, kManager}}) {
    if (auto s = system_->Publish("workforce_events", worker,
                                  e2e::WorkerJoinedEvent(worker, supervisor));
        !s.ok()) {
      return s;
    }
  }
  if (auto s = system_->Publish("case_events", kChild,
                                e2e::CaseAllocatedEvent(kChild, kWorker, "lcs-alloc-child-1"));
      !s.ok()) {
    return s;
  }

  auto channel = [&](const char* name) { return system_->service(name)->Channel(); };
  auto triggers = triggers::v1::OversightTriggersService::NewStub(channel(e2e::kTriggers));
  auto scheduling = scheduling::v1::SchedulingService::NewStub(channel(e2e::kScheduling));
  auto notifications =
      notifications::v1::NotificationsService::NewStub(channel(e2e::kNotifications));
  auto recording = recording::v1::RecordingService::NewStub(channel(e2e::kRecording));

  // The oversight task for the allocation, the worker's due items, a notification to the task's
  // owner; then a personal supervision record once recording knows the two.
  std::string owner;
  const bool tasks = testing::WaitUntil(
      [&] {
        triggers::v1::ListTasksRequest request;
        request.set_authority_id(kAuthority);
        triggers::v1::ListTasksResponse response;
        // Owned: a task opened before the worker's joining was handled (another topic) has no
        // owner until it is reassigned, and the notification waited for below goes to the owner.
        if (!triggers->ListTasks(As("probe", {"oversight_admin"}).get(), request, &response).ok() ||
            response.tasks_size() == 0 || response.tasks(0).owner_id().empty()) {
          return false;
        }
        seeded_.task_id = response.tasks(0).task_id();
        seeded_.task_owner = owner = response.tasks(0).owner_id();
        return true;
      },
      absl::Seconds(60), absl::Milliseconds(100));
  if (!tasks) return absl::DeadlineExceededError("no owned oversight task was opened for the seed");
  const bool items = testing::WaitUntil(
      [&] {
        scheduling::v1::GetWorkerScheduleRequest request;
        request.set_authority_id(kAuthority);
        request.set_worker_id(kWorker);
        scheduling::v1::Schedule response;
        if (!scheduling->GetWorkerSchedule(As("probe").get(), request, &response).ok() ||
            response.items_size() == 0) {
          return false;
        }
        seeded_.item_id = response.items(0).item_id();
        return true;
      },
      absl::Seconds(60), absl::Milliseconds(100));
  if (!items) return absl::DeadlineExceededError("scheduling planned nothing for the seed");
  const bool notified = testing::WaitUntil(
      [&] {
        notifications::v1::ListNotificationsRequest request;
        request.set_authority_id(kAuthority);
        request.set_recipient_id(owner);
        notifications::v1::ListNotificationsResponse response;
        if (!notifications->ListNotifications(As(owner).get(), request, &response).ok() ||
            response.notifications_size() == 0) {
          return false;
        }
        seeded_.notification_id = response.notifications(0).notification_id();
        return true;
      },
      absl::Seconds(60), absl::Milliseconds(100));
  if (!notified) return absl::DeadlineExceededError("no notification for the seeded task");

  recording::v1::CreateRecordRequest create;
  auto* record = create.mutable_record();
  record->set_record_id(kRecordId);
  record->set_authority_id(kAuthority);
  record->set_kind(recording::v1::RECORD_KIND_PERSONAL_SUPERVISION);
  record->set_supervisor_id(kManager);
  record->add_supervisee_ids(kWorker);
  record->set_notes("Workload and wellbeing discussed.");
  events::ToTimestamp(absl::Now() - absl::Hours(1), record->mutable_held_at());
  auto* action = record->add_actions();
  action->set_description("Book the training course");
  action->set_owner_id(kWorker);
  const absl::CivilDay due =
      absl::ToCivilDay(absl::Now() + absl::Hours(24 * 14), absl::UTCTimeZone());
  action->mutable_due_on()->set_year(static_cast<int>(due.year()));
  action->mutable_due_on()->set_month(due.month());
  action->mutable_due_on()->set_day(due.day());
  grpc::Status created;
  const bool recorded = testing::WaitUntil(
      [&] {
        recording::v1::Record response;
        created = recording->CreateRecord(As(kManager).get(), create, &response);
        return created.ok() || created.error_code() == grpc::StatusCode::ALREADY_EXISTS;
      },
      absl::Seconds(60), absl::Milliseconds(200));
  if (!recorded) {
    return absl::DeadlineExceededError(
        absl::StrCat("recording refused the seeded record: ", Describe(created)));
  }
  recording::v1::GetAgendaRequest agenda;
  agenda.set_authority_id(kAuthority);
  agenda.set_supervisee_id(kWorker);
  recording::v1::GetAgendaResponse open;
  grpc::Status listed = recording->GetAgenda(As(kManager).get(), agenda, &open);
  if (!listed.ok() || open.open_actions_size() != 1) {
    return absl::InternalError(
        absl::StrCat("the seeded record's action is not on the agenda: ", Describe(listed)));
  }
  seeded_.action_id = open.open_actions(0).action_id();
  return absl::OkStatus();
}

}  // namespace oversight::rpc_testing
