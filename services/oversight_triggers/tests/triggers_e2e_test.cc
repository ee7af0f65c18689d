// Every trigger of every shipped pack, end to end: the oversight-oversight-triggers binary on the
// real Apache Kafka broker (ctest fixture kafka_real) and a real redis-server. One row per
// trigger: an event in produces the right task (rule, owner, priority, due date hand-computed
// on the England and Wales calendar, RULES.md ids cited), a repeat while it is open is linked,
// the oversight record completes it, a redelivered event opens nothing, and closing the case
// cancels what is still open.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "oversight/cases/v1/case_events.pb.h"
#include "oversight/e2e/system.h"
#include "oversight/events/outbound.h"
#include "oversight/recording/v1/supervision_events.pb.h"
#include "oversight/redis/outbox.h"
#include "oversight/scheduling/v1/schedule_events.pb.h"
#include "oversight/testing/utc.h"
#include "oversight/testing/wait_until.h"
#include "oversight/triggers/v1/triggers_service.grpc.pb.h"
#include "oversight/workforce/v1/workforce_events.pb.h"

namespace oversight::triggers {
namespace {

using e2e::System;
using google::protobuf::Message;

using oversight::testing::Utc;

void SetMeta(common::v1::EventMeta* meta, const std::string& authority, const std::string& id,
             const std::string& subject, absl::Time at) {
  meta->set_event_id(id);
  meta->set_authority_id(authority);
  meta->set_subject(subject);
  meta->set_source("lcs://" + authority);
  events::ToTimestamp(at, meta->mutable_occurred_at());
}

template <typename Event>
std::unique_ptr<Message> CaseEvent(const std::string& authority, const std::string& child,
                                   const std::string& id, absl::Time at,
                                   const std::function<void(Event&)>& fill = nullptr) {
  auto event = std::make_unique<Event>();
  SetMeta(event->mutable_meta(), authority, id, child, at);
  event->set_child_id(child);
  if (fill) fill(*event);
  return event;
}

std::unique_ptr<Message> Allocation(const std::string& authority, const std::string& child,
                                    const std::string& id, absl::Time at, const std::string& worker,
                                    const std::string& previous = "") {
  return CaseEvent<cases::v1::CaseAllocated>(authority, child, id, at, [&](auto& e) {
    e.set_worker_id(worker);
    e.set_previous_worker_id(previous);
    e.set_team_id("team-a");
    e.set_case_type(common::v1::CASE_TYPE_CHILD_IN_NEED);
  });
}

// The trigger event of a row, built for a child and an event id at an instant.
using EventFactory = std::function<std::unique_ptr<Message>(
    const std::string& authority, const std::string& child, const std::string& id, absl::Time)>;

template <typename Event>
EventFactory Simple() {
  return [](const std::string& a, const std::string& c, const std::string& id, absl::Time at) {
    return CaseEvent<Event>(a, c, id, at);
  };
}

struct Row {
  std::string name;       // also the child id
  std::string authority;  // the pack
  std::string trigger;    // the pack's trigger name ("" : the pack has none for the event)
  std::string rule;       // RULES.md id
  EventFactory event;
  std::string occurred_at;          // of the trigger event
  std::vector<std::string> due_at;  // hand-computed, one per task the event opens
  std::string owner = "manager-1";  // worker-1's supervisor unless the trigger says otherwise
  v1::TaskPriority priority = v1::TASK_PRIORITY_ROUTINE;
  std::string topic = "case_events";
  // What the row's child has before the trigger (the allocation to worker-1, by default).
  std::function<std::vector<std::unique_ptr<Message>>(const Row&)> before;
  bool repeat_links = true;      // a second occurrence while the task is open is linked
  bool closes_the_case = false;  // the trigger itself closes the case (D14.13)
};

std::vector<std::unique_ptr<Message>> AllocatedToWorker1(const Row& row) {
  std::vector<std::unique_ptr<Message>> events;
  events.push_back(Allocation(row.authority, row.name, row.name + "-alloc",
                              Utc(row.occurred_at) - absl::Hours(24), "worker-1"));
  return events;
}

std::vector<std::unique_ptr<Message>> AllocatedToWorker2(const Row& row) {
  std::vector<std::unique_ptr<Message>> events;
  events.push_back(Allocation(row.authority, row.name, row.name + "-alloc",
                              Utc(row.occurred_at) - absl::Hours(24), "worker-2"));
  return events;
}

std::vector<std::unique_ptr<Message>> Nothing(const Row&) {
  return {};
}

EventFactory NewAllocation() {
  return [](const std::string& a, const std::string& c, const std::string& id, absl::Time at) {
    return Allocation(a, c, id, at, "worker-1");
  };
}

EventFactory Reallocation() {
  return [](const std::string& a, const std::string& c, const std::string& id, absl::Time at) {
    return Allocation(a, c, id, at, "worker-1", "worker-2");
  };
}

EventFactory Assessment(cases::v1::AssessmentKind kind) {
  return [kind](const std::string& a, const std::string& c, const std::string& id, absl::Time at) {
    return CaseEvent<cases::v1::AssessmentStarted>(a, c, id, at, [&](auto& e) {
      e.set_kind(kind);
      e.set_assessment_id(id);
    });
  };
}

// Scheduling's ItemOverdue for the child's case discussion (the input of D14.14).
EventFactory CaseDiscussionOverdue() {
  return [](const std::string& a, const std::string& c, const std::string& id, absl::Time at) {
    auto event = std::make_unique<scheduling::v1::ItemOverdue>();
    SetMeta(event->mutable_meta(), a, id, c, at);
    event->mutable_meta()->set_source("oversight/scheduling");
    auto* item = event->mutable_item();
    item->set_item_id("case_discussion:" + c);
    item->set_authority_id(a);
    item->set_kind(scheduling::v1::ITEM_KIND_CASE_DISCUSSION);
    item->set_child_id(c);
    item->set_worker_id("worker-1");
    item->set_supervisor_id("manager-1");
    item->set_team_id("team-a");
    item->set_stage(scheduling::v1::STAGE_OVERDUE);
    events::ToTimestamp(at, item->mutable_due_at());
    return event;
  };
}

std::vector<Row> Rows() {
  using namespace cases::v1;
  const auto urgent = v1::TASK_PRIORITY_URGENT;
  std::vector<Row> rows = {
      // Devon: D15 reads "timely" as 2 working days (counting from the day after the event's
      // London day), due at the end of the London day: 23:59:59Z in GMT, 22:59:59Z in BST.
      // D8 Thu 24 Dec 2026: Fri 25 (Christmas) and Mon 28 (Boxing Day substitute) are bank
      // holidays: Tue 29, Wed 30.
      {"devon-d8",
       "devon",
       "new_child_allocated",
       "D8",
       NewAllocation(),
       "2026-12-24T10:00:00Z",
       {"2026-12-30T23:59:59Z"}},
      // D14.1 Thu 31 Dec 2026: Fri 1 Jan 2027 New Year's Day: Mon 4, Tue 5.
      {"devon-d14-1-reallocated",
       "devon",
       "reallocated",
       "D14.1",
       Reallocation(),
       "2026-12-31T09:00:00Z",
       {"2027-01-05T23:59:59Z"}},
      // D14.1 Fri 27 Mar 2026: Mon 30, Tue 31 (BST from Sun 29 Mar).
      {"devon-d14-1-lead",
       "devon",
       "lead_practitioner_changed",
       "D14.1",
       [](const std::string& a, const std::string& c, const std::string& id, absl::Time at) {
         return CaseEvent<LeadPractitionerChanged>(a, c, id, at, [](auto& e) {
           e.set_worker_id("worker-1");
           e.set_previous_worker_id("worker-2");
         });
       },
       "2026-03-27T10:00:00Z",
       {"2026-03-31T22:59:59Z"}},
      // D14.2 Thu 2 Apr 2026: Good Friday 3 Apr and Easter Monday 6 Apr: Tue 7, Wed 8.
      {"devon-d14-2",
       "devon",
       "significant_incident",
       "D14.2",
       Simple<SignificantIncident>(),
       "2026-04-02T09:00:00Z",
       {"2026-04-08T22:59:59Z"},
       "manager-1",
       urgent},
      // D14.3 Fri 1 May 2026: Mon 4 May early May bank holiday: Tue 5, Wed 6.
      {"devon-d14-3",
       "devon",
       "care_plan_changed",
       "D14.3",
       Simple<CarePlanChanged>(),
       "2026-05-01T14:00:00Z",
       {"2026-05-06T22:59:59Z"}},
      // D14.4 Fri 22 May 2026: Mon 25 May spring bank holiday: Tue 26, Wed 27.
      {"devon-d14-4",
       "devon",
       "child_entered_care",
       "D14.4",
       Simple<ChildEnteredCare>(),
       "2026-05-22T16:00:00Z",
       {"2026-05-27T22:59:59Z"},
       "manager-1",
       urgent},
      // D14.5 Fri 28 Aug 2026: Mon 31 Aug summer bank holiday: Tue 1, Wed 2 Sep.
      {"devon-d14-5",
       "devon",
       "court_direction",
       "D14.5",
       Simple<CourtDirection>(),
       "2026-08-28T11:00:00Z",
       {"2026-09-02T22:59:59Z"}},
      // D14.6 Wed 23 Dec 2026: Thu 24, then Christmas and Boxing Day (Mon 28): Tue 29.
      {"devon-d14-6",
       "devon",
       "escalation_raised",
       "D14.6",
       Simple<EscalationRaised>(),
       "2026-12-23T15:00:00Z",
       {"2026-12-29T23:59:59Z"}},
      // D14.7 23:30Z on Sat 24 Oct 2026 is 00:30 BST on Sun 25 Oct (the clocks go back that
      // night): the London day is Sunday, so Mon 26, Tue 27 (GMT).
      {"devon-d14-7",
       "devon",
       "child_returned_home",
       "D14.7",
       Simple<ChildReturnedHome>(),
       "2026-10-24T23:30:00Z",
       {"2026-10-27T23:59:59Z"}},
      // D14.8 on Easter Monday 6 Apr 2026 itself: Tue 7, Wed 8.
      {"devon-d14-8",
       "devon",
       "discussion_outside_supervision",
       "D14.8",
       Simple<CaseDiscussionOutsideSupervision>(),
       "2026-04-06T10:00:00Z",
       {"2026-04-08T22:59:59Z"}},
      // D14.9 Tue 29 Dec 2026: Wed 30, Thu 31.
      {"devon-d14-9",
       "devon",
       "threshold_changed",
       "D14.9",
       Simple<ThresholdChanged>(),
       "2026-12-29T09:00:00Z",
       {"2026-12-31T23:59:59Z"}},
      // D14.10 Thu 26 Mar 2026: Fri 27, Mon 30 (BST).
      {"devon-d14-10",
       "devon",
       "cumulative_harm_reassessed",
       "D14.10",
       Simple<CumulativeHarmReassessed>(),
       "2026-03-26T10:00:00Z",
       {"2026-03-30T22:59:59Z"}},
      // D14.11 on Good Friday 3 Apr 2026: Easter Monday skipped: Tue 7, Wed 8.
      {"devon-d14-11",
       "devon",
       "cp_plan_end_recommended",
       "D14.11",
       Simple<CpPlanEndRecommended>(),
       "2026-04-03T09:00:00Z",
       {"2026-04-08T22:59:59Z"}},
      // D14.12 Wed 13 May 2026: Thu 14, Fri 15.
      {"devon-d14-12",
       "devon",
       "professional_opinion_used",
       "D14.12",
       Simple<ProfessionalOpinionUsed>(),
       "2026-05-13T09:00:00Z",
       {"2026-05-15T22:59:59Z"}},
      // D14.13 Thu 21 May 2026: Fri 22, then the spring bank holiday: Tue 26.
      {"devon-d14-13-closed",
       "devon",
       "case_closed",
       "D14.13",
       Simple<CaseClosed>(),
       "2026-05-21T09:00:00Z",
       {"2026-05-26T22:59:59Z"}},
      // D14.13 Fri 18 Dec 2026: Mon 21, Tue 22.
      {"devon-d14-13-transferred",
       "devon",
       "case_transferred",
       "D14.13",
       Simple<CaseTransferred>(),
       "2026-12-18T09:00:00Z",
       {"2026-12-22T23:59:59Z"}},
      // D14.13 Wed 30 Dec 2026: Thu 31, then New Year's Day: Mon 4 Jan 2027.
      {"devon-d14-13-stepped-across",
       "devon",
       "stepped_across_to_early_help",
       "D14.13",
       Simple<SteppedAcrossToEarlyHelp>(),
       "2026-12-30T09:00:00Z",
       {"2027-01-04T23:59:59Z"}},
      // D14.14 the case discussion overdue at 00:00 BST on Good Friday 3 Apr 2026: Easter
      // Monday skipped: Tue 7, Wed 8; owned by the supervisor's line manager.
      {"devon-d14-14",
       "devon",
       "drift_or_delay",
       "D14.14",
       CaseDiscussionOverdue(),
       "2026-04-02T23:00:00Z",
       {"2026-04-08T22:59:59Z"},
       "head-1",
       urgent,
       "schedule_events"},
      // D14.15 Mon 30 Nov 2026: Tue 1, Wed 2 Dec.
      {"devon-d14-15",
       "devon",
       "performance_gap",
       "D14.15",
       Simple<PerformanceGapIdentified>(),
       "2026-11-30T09:00:00Z",
       {"2026-12-02T23:59:59Z"}},

      // Stoke-on-Trent: 2 working days for S5/S6 (the pack's reading).
      {"stoke-s5",
       "stoke-on-trent",
       "allocation",
       "S5",
       NewAllocation(),
       "2026-12-24T10:00:00Z",
       {"2026-12-30T23:59:59Z"}},
      {"stoke-s6-referral",
       "stoke-on-trent",
       "referral_received",
       "S6",
       Simple<ReferralReceived>(),
       "2026-12-31T09:00:00Z",
       {"2027-01-05T23:59:59Z"}},
      {"stoke-s6-early-help",
       "stoke-on-trent",
       "early_help_assessment_started",
       "S6",
       Assessment(ASSESSMENT_KIND_EARLY_HELP),
       "2026-05-01T14:00:00Z",
       {"2026-05-06T22:59:59Z"}},
      // Wed 1 Apr 2026: Thu 2, then Good Friday and Easter Monday: Tue 7.
      {"stoke-s6-cf",
       "stoke-on-trent",
       "cf_assessment_started",
       "S6",
       Assessment(ASSESSMENT_KIND_CHILD_AND_FAMILY),
       "2026-04-01T09:00:00Z",
       {"2026-04-07T22:59:59Z"}},
      {"stoke-s6-s47",
       "stoke-on-trent",
       "s47_assessment_started",
       "S6",
       Assessment(ASSESSMENT_KIND_SECTION_47),
       "2026-08-28T11:00:00Z",
       {"2026-09-02T22:59:59Z"},
       "manager-1",
       urgent},
      // S6 checkpoints, working days 10, 20, 30 from Wed 1 Apr 2026 (Good Friday, Easter Monday
      // and the early May bank holiday skipped): Fri 17 Apr, Fri 1 May, Mon 18 May. Each
      // checkpoint is its own task, so a second assessment is never linked to the first's.
      {"stoke-s6-checkpoints",
       "stoke-on-trent",
       "cf_assessment_checkpoints",
       "S6",
       Assessment(ASSESSMENT_KIND_CHILD_AND_FAMILY),
       "2026-04-01T09:00:00Z",
       {"2026-04-17T22:59:59Z", "2026-05-01T22:59:59Z", "2026-05-18T22:59:59Z"},
       "manager-1",
       v1::TASK_PRIORITY_ROUTINE,
       "case_events",
       nullptr,
       /*repeat_links=*/false},
      // S7 48 elapsed hours from 10:00Z on Sat 24 Oct 2026, across the end of BST: 10:00Z Mon;
      // the worker records it.
      {"stoke-s7",
       "stoke-on-trent",
       "ad_hoc_discussion_recorded",
       "S7",
       Simple<CaseDiscussionOutsideSupervision>(),
       "2026-10-24T10:00:00Z",
       {"2026-10-26T10:00:00Z"},
       "worker-1"},

      // Multi-agency M1 (2 working days, urgent): on Christmas Day 2026 itself: Boxing Day
      // substitute Mon 28 skipped: Tue 29, Wed 30.
      {"multi-agency-m1",
       "multi-agency",
       "urgent_safeguarding_matter",
       "M1",
       Simple<SignificantIncident>(),
       "2026-12-25T10:00:00Z",
       {"2026-12-30T23:59:59Z"},
       "manager-1",
       urgent},
      // Lancashire extends multi-agency: M1 on Thu 25 Mar 2027; Good Friday 26 Mar and Easter
      // Monday 29 Mar 2027: Tue 30, Wed 31 (BST from Sun 28 Mar).
      {"lancashire-m1",
       "lancashire",
       "urgent_safeguarding_matter",
       "M1",
       Simple<SignificantIncident>(),
       "2027-03-25T10:00:00Z",
       {"2027-03-31T22:59:59Z"},
       "manager-1",
       urgent},
      // Havering's pack has no event-driven triggers: an incident opens nothing.
      {"havering-none",
       "havering",
       "",
       "",
       Simple<SignificantIncident>(),
       "2026-05-11T09:00:00Z",
       {}},
  };
  for (Row& row : rows) {
    if (row.before) continue;
    if (row.trigger == "reallocated" || row.trigger == "lead_practitioner_changed") {
      row.before = AllocatedToWorker2;
    } else if (row.trigger == "new_child_allocated" || row.trigger == "allocation") {
      row.before = Nothing;
    } else {
      row.before = AllocatedToWorker1;
    }
    row.closes_the_case = row.rule == "D14.13";
  }
  return rows;
}

class TriggersEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto system = System::Create(kafka::testing::BrokerKind::kReal);
    ASSERT_TRUE(system.ok()) << system.status();
    system_ = system->release();
    auto started = system_->StartService(e2e::kTriggers);
    ASSERT_TRUE(started.ok()) << started.status();
    stub_ = v1::OversightTriggersService::NewStub((*started)->Channel()).release();
  }
  static void TearDownTestSuite() {
    delete stub_;
    delete system_;
  }

  static void Publish(const std::string& topic, const std::string& key, const Message& event) {
    ASSERT_TRUE(system_->Publish(topic, key, event).ok()) << event.GetTypeName();
  }

  static std::vector<v1::OversightTask> Tasks(const std::string& authority,
                                              const std::string& child,
                                              const std::string& trigger) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + System::Token("e2e-tester"));
    v1::ListTasksRequest request;
    request.set_authority_id(authority);
    request.set_child_id(child);
    request.set_trigger_id(trigger);
    v1::ListTasksResponse response;
    grpc::Status status = stub_->ListTasks(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.tasks().begin(), response.tasks().end()};
  }

  // True once `event_id` was applied (its processed marker exists).
  static bool Applied(const std::string& authority, const std::string& event_id) {
    auto connection = redis::Connection::Connect(system_->redis().connection_options());
    if (!connection.ok()) return false;
    auto reply =
        (*connection)
            ->Command({"EXISTS", redis::ProcessedKey(authority, "oversight-triggers", event_id)});
    return reply.ok() && reply->integer() == 1;
  }

  static System* system_;
  static v1::OversightTriggersService::Stub* stub_;
};
System* TriggersEndToEndTest::system_ = nullptr;
v1::OversightTriggersService::Stub* TriggersEndToEndTest::stub_ = nullptr;

TEST_F(TriggersEndToEndTest, EveryTriggerOfEveryPackOpensCompletesDeduplicatesAndCancels) {
  const std::vector<Row> rows = Rows();
  // The directory of every authority: worker-1 -> manager-1 -> head-1; worker-2 -> manager-2.
  std::vector<std::string> directory_events;
  for (const char* authority :
       {"devon", "stoke-on-trent", "multi-agency", "lancashire", "havering"}) {
    for (const auto& [worker, supervisor] : std::vector<std::pair<std::string, std::string>>{
             {"worker-1", "manager-1"}, {"manager-1", "head-1"}, {"worker-2", "manager-2"}}) {
      workforce::v1::WorkerJoined joined;
      const std::string id = absl::StrCat("hr-", authority, "-", worker);
      SetMeta(joined.mutable_meta(), authority, id, worker, Utc("2026-01-05T09:00:00Z"));
      joined.set_worker_id(worker);
      joined.set_supervisor_id(supervisor);
      joined.set_team_id("team-a");
      Publish("workforce_events", worker, joined);
      directory_events.push_back(authority);
      directory_events.back() += "|" + id;
    }
  }
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        for (const auto& entry : directory_events) {
          const auto bar = entry.find('|');
          if (!Applied(entry.substr(0, bar), entry.substr(bar + 1))) return false;
        }
        return true;
      },
      absl::Seconds(90)))
      << "the directory was not loaded";

  // 1. The trigger event of every row (after what the child has before it).
  for (const Row& row : rows) {
    for (const auto& event : row.before(row))
      Publish("case_events", row.name, *event);
    Publish(row.topic, row.name,
            *row.event(row.authority, row.name, row.name + "-e1", Utc(row.occurred_at)));
  }
  auto opened_all = [&] {
    for (const Row& row : rows) {
      if (row.trigger.empty()) {
        if (!Applied(row.authority, row.name + "-alloc")) return false;
        continue;
      }
      if (Tasks(row.authority, row.name, row.trigger).size() < row.due_at.size()) return false;
    }
    return true;
  };
  ASSERT_TRUE(testing::WaitUntil(opened_all, absl::Seconds(90)));
  std::map<std::string, std::vector<v1::OversightTask>> first;  // by row
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    if (row.trigger.empty()) {
      // Havering: processed (the incident was applied after the allocation) and nothing open.
      ASSERT_TRUE(testing::WaitUntil([&] { return Applied(row.authority, row.name + "-e1"); },
                                     absl::Seconds(30)));
      EXPECT_TRUE(Tasks(row.authority, row.name, "").empty());
      continue;
    }
    // The owner may be assigned a moment after the task opened (the directory is read per
    // batch); wait for every task to have one.
    ASSERT_TRUE(testing::WaitUntil(
        [&] {
          for (const auto& task : Tasks(row.authority, row.name, row.trigger)) {
            if (task.owner_id().empty()) return false;
          }
          return true;
        },
        absl::Seconds(30)));
    std::vector<v1::OversightTask> tasks = Tasks(row.authority, row.name, row.trigger);
    ASSERT_EQ(tasks.size(), row.due_at.size());
    for (size_t i = 0; i < tasks.size(); ++i) {
      const auto& task = tasks[i];  // by due date
      EXPECT_EQ(task.rule_id(), row.rule);
      EXPECT_EQ(task.status(), v1::TASK_STATUS_REQUESTED);
      EXPECT_EQ(task.owner_id(), row.owner);
      EXPECT_EQ(task.worker_id(), "worker-1");
      EXPECT_EQ(task.priority(), row.priority);
      EXPECT_EQ(task.caused_by_event_id(), row.name + "-e1");
      EXPECT_EQ(events::FromTimestamp(task.due_at()), Utc(row.due_at[i]))
          << absl::FormatTime(events::FromTimestamp(task.due_at()));
      ASSERT_FALSE(task.history().empty());
      EXPECT_NE(task.history(0).note().find(row.rule), std::string::npos) << task.history(0).note();
    }
    first[row.name] = tasks;
  }

  // 2. A second occurrence while the task is open: linked to it, no new task.
  for (const Row& row : rows) {
    if (row.trigger.empty() || !row.repeat_links) continue;
    Publish(row.topic, row.name,
            *row.event(row.authority, row.name, row.name + "-e2",
                       Utc(row.occurred_at) + absl::Hours(1)));
  }
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        for (const Row& row : rows) {
          if (row.trigger.empty() || !row.repeat_links) continue;
          auto tasks = Tasks(row.authority, row.name, row.trigger);
          if (tasks.size() != 1 || tasks[0].linked_event_ids_size() != 1) return false;
        }
        return true;
      },
      absl::Seconds(60)));
  for (const Row& row : rows) {
    if (row.trigger.empty() || !row.repeat_links) continue;
    EXPECT_EQ(Tasks(row.authority, row.name, row.trigger)[0].linked_event_ids(0), row.name + "-e2")
        << row.name;
  }

  // 3. The oversight record answering each task completes it (held an hour after the event:
  //    on time).
  for (const Row& row : rows) {
    for (const auto& task : first[row.name]) {
      recording::v1::OversightRecorded recorded;
      SetMeta(recorded.mutable_meta(), row.authority, "rec-" + task.task_id(),
              "record-" + task.task_id(), Utc(row.occurred_at) + absl::Hours(1));
      recorded.mutable_meta()->set_source("oversight/recording");
      recorded.set_record_id("record-" + task.task_id());
      recorded.set_child_id(row.name);
      recorded.set_task_id(task.task_id());
      recorded.set_decision_maker_id(row.owner);
      Publish("supervision_events", row.owner, recorded);
    }
  }
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        for (const Row& row : rows) {
          for (const auto& task : Tasks(row.authority, row.name, row.trigger)) {
            if (task.status() != v1::TASK_STATUS_COMPLETED) return false;
          }
        }
        return true;
      },
      absl::Seconds(60)));
  for (const Row& row : rows) {
    for (const auto& task : Tasks(row.authority, row.name, row.trigger)) {
      EXPECT_TRUE(task.completed_on_time()) << row.name;
      EXPECT_EQ(task.completed_by_record_id(), "record-" + task.task_id()) << row.name;
    }
  }

  // 4. The first event delivered again opens nothing; a new occurrence opens a new task, and
  //    closing the case cancels it (the completed one stays completed). A row whose trigger
  //    closes the case shows that instead: the allocation's D8 task, still open, was cancelled.
  for (const Row& row : rows) {
    Publish(row.topic, row.name,
            *row.event(row.authority, row.name, row.name + "-e1", Utc(row.occurred_at)));
    if (row.trigger.empty() || row.closes_the_case) continue;
    Publish(row.topic, row.name,
            *row.event(row.authority, row.name, row.name + "-e3",
                       Utc(row.occurred_at) + absl::Hours(3)));
  }
  // (Schedule events and case events travel on different topics: wait for the new tasks
  // before closing, or a closure read first would leave the drift occurrence nothing to open.)
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        for (const Row& row : rows) {
          if (row.trigger.empty() || row.closes_the_case) continue;
          if (Tasks(row.authority, row.name, row.trigger).size() < 2 * row.due_at.size()) {
            return false;
          }
        }
        return true;
      },
      absl::Seconds(60)));
  for (const Row& row : rows) {
    if (row.trigger.empty() || row.closes_the_case) continue;
    Publish("case_events", row.name,
            *CaseEvent<cases::v1::CaseClosed>(row.authority, row.name, row.name + "-closed",
                                              Utc(row.occurred_at) + absl::Hours(4)));
  }
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        for (const Row& row : rows) {
          if (row.trigger.empty()) continue;
          if (!row.closes_the_case && !Applied(row.authority, row.name + "-closed")) return false;
        }
        return true;
      },
      absl::Seconds(60)));
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    if (row.trigger.empty()) continue;
    auto tasks = Tasks(row.authority, row.name, row.trigger);
    std::map<v1::TaskStatus, size_t> by_status;
    for (const auto& task : tasks)
      ++by_status[task.status()];
    if (row.closes_the_case) {
      EXPECT_EQ(tasks.size(), row.due_at.size());  // the redelivery opened nothing
      auto d8 = Tasks(row.authority, row.name, "new_child_allocated");
      ASSERT_EQ(d8.size(), 1u);
      EXPECT_EQ(d8[0].status(), v1::TASK_STATUS_CANCELLED);
      continue;
    }
    EXPECT_EQ(tasks.size(), 2 * row.due_at.size());
    EXPECT_EQ(by_status[v1::TASK_STATUS_COMPLETED], row.due_at.size());
    EXPECT_EQ(by_status[v1::TASK_STATUS_CANCELLED], row.due_at.size());
  }

  // Every trigger rule counted its tasks (the metric a dashboard shows).
  auto metrics = system_->service(e2e::kTriggers)->ScrapeMetrics();
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_NE(metrics->find("oversight_tasks_opened_total{rule_id=\"D14.14\"} 2"), std::string::npos);
  EXPECT_NE(metrics->find("oversight_oversight_records_total{outcome=\"completed\"}"),
            std::string::npos);
}

}  // namespace
}  // namespace oversight::triggers
