#include "templates.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "oversight/events/outbound.h"
#include "plain_message.h"

namespace oversight::notifications {
namespace {

namespace sch = ::oversight::scheduling::v1;

const absl::TimeZone& London() {
  static const absl::TimeZone* london = [] {
    auto* zone = new absl::TimeZone();
    if (!absl::LoadTimeZone("Europe/London", zone)) *zone = absl::UTCTimeZone();
    return zone;
  }();
  return *london;
}

std::string Day(const google::protobuf::Timestamp& at) {
  return LondonDay(events::FromTimestamp(at));
}

// What an item is, in words, and what it is about.
enum class About { kWorker, kChild, kTeam };
struct KindWords {
  const char* what;  // "personal supervision"
  About about;
  const char* duty;  // what to do, for the supervisor
};

KindWords WordsFor(sch::ItemKind kind) {
  switch (kind) {
    case sch::ITEM_KIND_PERSONAL_SUPERVISION:
      return {"personal supervision", About::kWorker, "Hold and record the supervision session"};
    case sch::ITEM_KIND_CASE_DISCUSSION:
      return {"case discussion (child-specific supervision)", About::kChild,
              "Discuss the child's case in supervision and record it on the child's file"};
    case sch::ITEM_KIND_AGREEMENT_REVIEW:
      return {"supervision agreement review", About::kWorker,
              "Review the supervision agreement and sign it together"};
    case sch::ITEM_KIND_NEW_AGREEMENT:
      return {"new supervision agreement", About::kWorker,
              "Agree and sign a supervision agreement together"};
    case sch::ITEM_KIND_OBSERVATION:
      return {"observation of practice", About::kWorker, "Observe practice and record it"};
    case sch::ITEM_KIND_PDR:
      return {"performance development review (PDR)", About::kWorker, "Hold and record the review"};
    case sch::ITEM_KIND_APPRAISAL:
      return {"annual appraisal", About::kWorker, "Hold and record the appraisal"};
    case sch::ITEM_KIND_GROUP_SUPERVISION:
      return {"group supervision", About::kTeam, "Hold and record a group supervision session"};
    case sch::ITEM_KIND_RECORD_DEADLINE:
      return {"supervision record to write up", About::kWorker,
              "Write up the record of the session"};
    case sch::ITEM_KIND_CIRCULATE_DEADLINE:
      return {"supervision notes to circulate", About::kWorker,
              "Circulate the notes of the session"};
    case sch::ITEM_KIND_SIGN_OFF_DEADLINE:
      return {"supervision record to sign off", About::kWorker,
              "Read the record and sign it as accurate"};
    case sch::ITEM_KIND_OVERSIGHT_TASK:
      return {"management oversight decision", About::kChild,
              "Record the management decision on the child's file"};
    case sch::ITEM_KIND_ASSESSMENT_CHECKPOINT:
      return {"assessment checkpoint (management oversight)", About::kChild,
              "Record management oversight of the assessment on the child's file"};
    case sch::ITEM_KIND_RETENTION:
      return {"supervision records at the end of their retention period", About::kWorker,
              "Review and destroy the records as the retention rule requires"};
    case sch::ITEM_KIND_PERFORMANCE_CONVERSATION:
      return {"performance engagement conversation", About::kWorker,
              "Hold and record the conversation"};
    default:
      return {"supervision item", About::kWorker, "Open it in the case system"};
  }
}

std::string Capitalised(std::string text) {
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 32);
  return text;
}

std::string LowerKindName(sch::ItemKind kind) {
  std::string name(absl::StripPrefix(sch::ItemKind_Name(kind), "ITEM_KIND_"));
  for (char& c : name)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name.empty() ? "item" : name;
}

// "child C-1", "worker W-1", "team T-1": references only.
std::string Whom(const sch::DueItem& item, About about) {
  switch (about) {
    case About::kChild:
      return "child " + item.child_id();
    case About::kTeam:
      return "team " + item.team_id();
    case About::kWorker:
      break;
  }
  return "worker " + item.worker_id();
}

std::string LinkPath(const sch::DueItem& item, About about) {
  if (about == About::kChild && !item.child_id().empty()) return "/children/" + item.child_id();
  if (about == About::kTeam && !item.team_id().empty()) return "/teams/" + item.team_id();
  if (!item.worker_id().empty()) return "/workers/" + item.worker_id();
  if (!item.child_id().empty()) return "/children/" + item.child_id();
  return "/supervision";
}

std::string RuleFact(const std::string& rule_id) {
  return rule_id.empty() ? "your authority's supervision policy"
                         : rule_id + " of your authority's supervision policy";
}

void Fill(const PlainMessage& message, std::string subject, v1::Notification& out) {
  out.set_subject(std::move(subject));
  out.set_body_text(message.Text());
  out.set_body_html(message.Html());
  *out.mutable_body() = message.ToProto();
}

}  // namespace

std::string LondonDay(absl::Time at) {
  // One time-zone conversion; the names by table (FormatTime would convert twice more).
  static constexpr const char* kWeekdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const absl::CivilDay day = absl::ToCivilDay(at, London());
  return absl::StrCat(kWeekdays[static_cast<int>(absl::GetWeekday(day))], " ", day.day(), " ",
                      kMonths[day.month() - 1], " ", day.year());
}

std::string CaseSystemLink(const RenderOptions& options, const std::string& path) {
  const std::string base = options.case_system_url.empty()
                               ? std::string(kCaseSystemPlaceholder)
                               : std::string(absl::StripSuffix(options.case_system_url, "/"));
  return base + path;
}

void RenderTaskOpened(const triggers::v1::OversightTask& task, const RenderOptions& options,
                      v1::Notification& out) {
  const std::string due = Day(task.due_at());
  out.set_kind("oversight_task_opened");
  out.set_rule_id(task.rule_id());
  out.set_link(CaseSystemLink(options, "/children/" + task.child_id()));
  out.set_critical(task.priority() == triggers::v1::TASK_PRIORITY_ASAP ||
                   task.priority() == triggers::v1::TASK_PRIORITY_STAT);
  PlainMessage message;
  message.greeting_name = out.recipient_name();
  message.paragraphs.push_back("A management decision needs to be recorded on the file of child " +
                               task.child_id() + " by " + due + ".");
  message.facts = {{"What", "Management oversight decision"},
                   {"For", "child " + task.child_id()},
                   {"Due by", due + " (end of the day, UK time)"},
                   {"Rule", RuleFact(task.rule_id())}};
  if (!task.worker_id().empty()) message.facts.push_back({"Allocated worker", task.worker_id()});
  message.action = "Record it in the case system";
  message.link = out.link();
  message.footer =
      "You receive this because the task is yours as the allocated worker's supervisor. The "
      "case details are in the case system only.";
  Fill(message, "Management oversight needed for child " + task.child_id() + " by " + due, out);
}

void RenderTaskReassigned(const triggers::v1::TaskReassigned& event, const RenderOptions& options,
                          v1::Notification& out) {
  const std::string due = Day(event.due_at());
  out.set_kind("oversight_task_reassigned");
  out.set_link(CaseSystemLink(options, "/children/" + event.child_id()));
  PlainMessage message;
  message.greeting_name = out.recipient_name();
  message.paragraphs.push_back("An open management-oversight task for child " + event.child_id() +
                               " has been passed to you because the child's case moved. It is "
                               "due by " +
                               due + ".");
  message.facts = {{"What", "Management oversight decision"},
                   {"For", "child " + event.child_id()},
                   {"Due by", due + " (end of the day, UK time)"}};
  if (!event.previous_owner_id().empty()) {
    message.facts.push_back({"Previously with", event.previous_owner_id()});
  }
  message.action = "Record it in the case system";
  message.link = out.link();
  message.footer = "You receive this because the task is now yours.";
  Fill(message, "Oversight task for child " + event.child_id() + " is now yours (due " + due + ")",
       out);
}

void RenderDueItem(const sch::DueItem& item, Audience audience, const std::string& supervisor_name,
                   const RenderOptions& options, v1::Notification& out) {
  const KindWords words = WordsFor(item.kind());
  const std::string due = Day(item.due_at());
  const std::string whom = Whom(item, words.about);
  const bool own = audience == Audience::kSupervisee;
  // "Your personal supervision" for the supervisee; "Personal supervision for worker W-1" else.
  const std::string what = own && words.about == About::kWorker
                               ? std::string("your ") + words.what
                               : std::string(words.what) + " for " + whom;
  const std::string supervisor =
      supervisor_name.empty() ? "the supervisor " + item.supervisor_id() : supervisor_name;

  std::string stage_name;
  std::string subject;
  std::string lead;
  switch (item.stage()) {
    case sch::STAGE_DUE_SOON:
      stage_name = "due_soon";
      subject = "Due by " + due + ": " + Capitalised(what);
      lead = Capitalised(what) + " is due by " + due + ".";
      break;
    case sch::STAGE_DUE:
      stage_name = "due";
      subject = "Due today: " + Capitalised(what);
      lead = Capitalised(what) + " is due today, " + due + ".";
      break;
    case sch::STAGE_OVERDUE:
      stage_name = "overdue";
      subject = "Overdue: " + Capitalised(what) + " (was due " + due + ")";
      lead = Capitalised(what) + " was due by " + due + " and is now overdue.";
      break;
    case sch::STAGE_ESCALATED:
      stage_name = "escalated";
      if (audience == Audience::kEscalationTarget) {
        subject = "Escalated to you: " + Capitalised(what) + " is overdue (was due " + due + ")";
        lead = Capitalised(what) + ", which " + supervisor + " is responsible for, was due by " +
               due + " and is still not done. It has been escalated to you as their manager.";
      } else {
        subject = "Escalated: " + Capitalised(what) + " is overdue (was due " + due + ")";
        lead = Capitalised(what) + " was due by " + due +
               " and is still not done, so it has been escalated to your line manager.";
      }
      break;
    default:
      stage_name = "reminder";
      subject = "Reminder: " + Capitalised(what) + " (due " + due + ")";
      lead = Capitalised(what) + " is due by " + due + ".";
  }
  out.set_kind(LowerKindName(item.kind()) + "_" + stage_name);
  out.set_rule_id(item.explanation().rule_id());
  out.set_link(CaseSystemLink(options, LinkPath(item, words.about)));

  PlainMessage message;
  message.greeting_name = out.recipient_name();
  message.paragraphs.push_back(lead);
  message.facts = {{"What", Capitalised(words.what)},
                   {"For", own && words.about == About::kWorker ? "you" : whom},
                   {"Due by", due + " (end of the day, UK time)"},
                   {"Rule", RuleFact(item.explanation().rule_id())}};
  if (words.about == About::kChild && !item.worker_id().empty() && !own) {
    message.facts.push_back({"Allocated worker", item.worker_id()});
  }
  if (audience == Audience::kEscalationTarget) {
    message.facts.push_back({"Supervisor", supervisor});
  }
  message.action = own ? "Open it in the case system" : std::string(words.duty);
  message.link = out.link();
  switch (audience) {
    case Audience::kSupervisor:
      message.footer = "You receive this as the supervisor responsible for it.";
      break;
    case Audience::kSupervisee:
      message.footer = "You receive this because it is your own supervision.";
      break;
    case Audience::kEscalationTarget:
      message.footer =
          "You receive this because your authority's policy escalates overdue items to the "
          "supervisor's line manager.";
      break;
  }
  Fill(message, subject, out);
}

}  // namespace oversight::notifications
