#include "item_store.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "oversight/events/outbound.h"
#include "oversight/kafka/event_record.h"
#include "oversight/policy/period.h"
#include "oversight/redis/outbox.h"
#include "oversight/runtime/request_checks.h"

namespace oversight::scheduling {
namespace {

using nlohmann::json;

std::string Tag(const std::string& a) {
  return "ovs:{" + a + "}:sch:";
}
std::string WorkerKey(const std::string& a, const std::string& id) {
  return Tag(a) + "worker:" + id;
}
std::string ChildKey(const std::string& a, const std::string& id) {
  return Tag(a) + "child:" + id;
}
std::string TaskKey(const std::string& a, const std::string& id) {
  return Tag(a) + "task:" + id;
}
std::string TeamKey(const std::string& a, const std::string& id) {
  return Tag(a) + "team:" + id;
}
std::string SessionKey(const std::string& a, const std::string& id) {
  return Tag(a) + "session:" + id;
}
std::string CaseloadKey(const std::string& a, const std::string& w) {
  return Tag(a) + "caseload:" + w;
}
std::string ItemsKey(const std::string& a, const std::string& subject) {
  return Tag(a) + "items:" + subject;
}
std::string TasksOfKey(const std::string& a, const std::string& child) {
  return Tag(a) + "tasks_of:" + child;
}
std::string DueKey(const std::string& a) {
  return Tag(a) + "due";
}
std::string HistoryKey(const std::string& a) {
  return Tag(a) + "history";
}
std::string DueSupKey(const std::string& a, const std::string& s) {
  return Tag(a) + "due:sup:" + s;
}
std::string DueTeamKey(const std::string& a, const std::string& t) {
  return Tag(a) + "due:team:" + t;
}
std::string CountsKey(const std::string& a) {
  return Tag(a) + "counts";
}

// The counts field of an item at a stage ("personal_supervision:overdue").
std::string CountField(const v1::DueItem& item, v1::Stage stage) {
  return absl::StrCat(KindLabel(item.kind()), ":",
                      !item.has_due_at() ? std::string(kPausedStage) : StageLabel(stage));
}

// Writes a record: its JSON and a new version (every write increments it).
void WriteRecord(redis::ChangeSet& change, const std::string& key, std::string json) {
  change.Write(key, {"HSET", key, "data", std::move(json)});
  change.Write(key, {"HINCRBY", key, "v", "1"});
}

// ---- records as JSON ----
json Day(const std::optional<absl::CivilDay>& d) {
  return d.has_value() ? json(policy::FormatDay(*d)) : json(nullptr);
}
std::optional<absl::CivilDay> Day(const json& j, const char* field) {
  if (!j.contains(field) || j[field].is_null()) return std::nullopt;
  auto d = policy::ParseDay(j[field].get<std::string>());
  if (!d.ok()) return std::nullopt;
  return *d;
}

std::string ToJson(const WorkerRecord& w) {
  const auto& f = w.facts;
  json absences = json::array();
  for (const auto& a : f.absences) {
    absences.push_back({{"reason", policy::AbsenceReasonName(a.reason)},
                        {"party", policy::PartyName(a.party)},
                        {"starts_on", policy::FormatDay(a.starts_on)},
                        {"returned_on", Day(a.returned_on)}});
  }
  json j = {{"worker_id", f.worker_id},
            {"team_id", f.team_id},
            {"supervisor_id", f.supervisor_id},
            {"role", f.role},
            {"start_date", policy::FormatDay(f.start_date)},
            {"asye_start", Day(f.asye_start)},
            {"asye_completed", f.asye_completed},
            {"probation_end", Day(f.probation_end)},
            {"probation_completed", f.probation_completed},
            {"fte", f.fte},
            {"agency", f.agency},
            {"supervisor_since", Day(f.supervisor_since)},
            {"last_agreement_signed", Day(f.last_agreement_signed)},
            {"last_personal_supervision", Day(f.last_personal_supervision)},
            {"last_informal_supervision", Day(f.last_informal_supervision)},
            {"last_observation", Day(f.last_observation)},
            {"last_pdr", Day(f.last_pdr)},
            {"last_appraisal", Day(f.last_appraisal)},
            {"last_performance_conversation", Day(f.last_performance_conversation)},
            {"last_mentoring", Day(f.last_mentoring)},
            {"absences", absences},
            {"left_on", Day(f.left_on)},
            {"left_childrens_services", f.left_childrens_services},
            {"joined", w.joined},
            {"left", w.left}};
  return j.dump();
}

WorkerRecord WorkerFromJson(const json& j) {
  WorkerRecord w;
  auto& f = w.facts;
  f.worker_id = j.value("worker_id", "");
  f.team_id = j.value("team_id", "");
  f.supervisor_id = j.value("supervisor_id", "");
  f.role = j.value("role", "");
  f.start_date = Day(j, "start_date").value_or(absl::CivilDay());
  f.asye_start = Day(j, "asye_start");
  f.asye_completed = j.value("asye_completed", false);
  f.probation_end = Day(j, "probation_end");
  f.probation_completed = j.value("probation_completed", false);
  f.fte = j.value("fte", 1.0);
  f.agency = j.value("agency", false);
  f.supervisor_since = Day(j, "supervisor_since");
  f.last_agreement_signed = Day(j, "last_agreement_signed");
  f.last_personal_supervision = Day(j, "last_personal_supervision");
  f.last_informal_supervision = Day(j, "last_informal_supervision");
  f.last_observation = Day(j, "last_observation");
  f.last_pdr = Day(j, "last_pdr");
  f.last_appraisal = Day(j, "last_appraisal");
  f.last_performance_conversation = Day(j, "last_performance_conversation");
  f.last_mentoring = Day(j, "last_mentoring");
  for (const auto& a : j.value("absences", json::array())) {
    policy::AbsenceFacts absence;
    absence.reason =
        policy::ParseAbsenceReason(a.value("reason", "")).value_or(policy::AbsenceReason::kOther);
    absence.party = policy::ParseParty(a.value("party", "")).value_or(policy::Party::kSupervisee);
    absence.starts_on = Day(a, "starts_on").value_or(absl::CivilDay());
    absence.returned_on = Day(a, "returned_on");
    f.absences.push_back(absence);
  }
  f.left_on = Day(j, "left_on");
  f.left_childrens_services = j.value("left_childrens_services", false);
  w.joined = j.value("joined", false);
  w.left = j.value("left", false);
  return w;
}

std::string ToJson(const ChildRecord& c) {
  const auto& f = c.facts;
  json j = {{"child_id", f.child_id},
            {"worker_id", f.worker_id},
            {"team_id", f.team_id},
            {"case_type", policy::CaseTypeName(f.case_type)},
            {"risk", policy::RiskLevelName(f.risk)},
            {"placed_with_parents", f.placement.placed_with_parents},
            {"long_term_matched", f.placement.long_term_matched},
            {"stability_concern", f.placement.stability_concern},
            {"in_care_proceedings", f.in_care_proceedings},
            {"allocated_on", policy::FormatDay(f.allocated_on)},
            {"last_case_discussion", Day(f.last_case_discussion)},
            {"allocated", c.allocated},
            {"closed", c.closed}};
  return j.dump();
}

ChildRecord ChildFromJson(const json& j) {
  ChildRecord c;
  auto& f = c.facts;
  f.child_id = j.value("child_id", "");
  f.worker_id = j.value("worker_id", "");
  f.team_id = j.value("team_id", "");
  f.case_type =
      policy::ParseCaseType(j.value("case_type", "")).value_or(policy::CaseType::kChildInNeed);
  f.risk = policy::ParseRiskLevel(j.value("risk", "")).value_or(policy::RiskLevel::kStandard);
  f.placement.placed_with_parents = j.value("placed_with_parents", false);
  f.placement.long_term_matched = j.value("long_term_matched", false);
  f.placement.stability_concern = j.value("stability_concern", false);
  f.in_care_proceedings = j.value("in_care_proceedings", false);
  f.allocated_on = Day(j, "allocated_on").value_or(absl::CivilDay());
  f.last_case_discussion = Day(j, "last_case_discussion");
  c.allocated = j.value("allocated", false);
  c.closed = j.value("closed", false);
  return c;
}

std::string ToJson(const TaskRecord& t) {
  json j = {{"task_id", t.task_id},
            {"child_id", t.child_id},
            {"owner_id", t.owner_id},
            {"worker_id", t.worker_id},
            {"team_id", t.team_id},
            {"rule_id", t.rule_id},
            {"trigger_id", t.trigger_id},
            {"description", t.description},
            {"due_at", absl::ToUnixSeconds(t.due_at)},
            {"open", t.open}};
  return j.dump();
}

TaskRecord TaskFromJson(const json& j) {
  TaskRecord t;
  t.task_id = j.value("task_id", "");
  t.child_id = j.value("child_id", "");
  t.owner_id = j.value("owner_id", "");
  t.worker_id = j.value("worker_id", "");
  t.team_id = j.value("team_id", "");
  t.rule_id = j.value("rule_id", "");
  t.trigger_id = j.value("trigger_id", "");
  t.description = j.value("description", "");
  t.due_at = absl::FromUnixSeconds(j.value("due_at", int64_t{0}));
  t.open = j.value("open", true);
  return t;
}

std::string ToJson(const SessionRecord& s) {
  json j = {
      {"record_id", s.record_id},
      {"kind", policy::RecordKindName(s.kind)},
      {"held_at", absl::ToUnixSeconds(s.held_at)},
      {"circulated_at",
       s.circulated_at.has_value() ? json(absl::ToUnixSeconds(*s.circulated_at)) : json(nullptr)},
      {"supervisor_id", s.supervisor_id},
      {"worker_id", s.worker_id},
      {"child_id", s.child_id},
      {"team_id", s.team_id},
      {"recorded", s.recorded},
      {"signed_off", s.signed_off}};
  return j.dump();
}

SessionRecord SessionFromJson(const json& j) {
  SessionRecord s;
  s.record_id = j.value("record_id", "");
  s.kind =
      policy::ParseRecordKind(j.value("kind", "")).value_or(policy::RecordKind::kCaseSupervision);
  s.held_at = absl::FromUnixSeconds(j.value("held_at", int64_t{0}));
  if (j.contains("circulated_at") && !j["circulated_at"].is_null()) {
    s.circulated_at = absl::FromUnixSeconds(j["circulated_at"].get<int64_t>());
  }
  s.supervisor_id = j.value("supervisor_id", "");
  s.worker_id = j.value("worker_id", "");
  s.child_id = j.value("child_id", "");
  s.team_id = j.value("team_id", "");
  s.recorded = j.value("recorded", false);
  s.signed_off = j.value("signed_off", false);
  return s;
}

std::string ToJson(const TeamRecord& t) {
  json j = {{"team_id", t.facts.team_id},
            {"formed_on", policy::FormatDay(t.facts.formed_on)},
            {"last_group_supervision", Day(t.facts.last_group_supervision)},
            {"manager_id", t.manager_id}};
  if (!t.first_joiner.empty()) {
    j["first_joiner"] = t.first_joiner;
    j["first_joined_at_us"] = absl::ToUnixMicros(t.first_joined_at);
  }
  return j.dump();
}

TeamRecord TeamFromJson(const json& j) {
  TeamRecord t;
  t.facts.team_id = j.value("team_id", "");
  t.facts.formed_on = Day(j, "formed_on").value_or(absl::CivilDay());
  t.facts.last_group_supervision = Day(j, "last_group_supervision");
  t.manager_id = j.value("manager_id", "");
  t.first_joiner = j.value("first_joiner", "");
  if (!t.first_joiner.empty()) {
    t.first_joined_at = absl::FromUnixMicros(j.value("first_joined_at_us", int64_t{0}));
  }
  return t;
}

absl::Status Parse(const redis::Reply& reply, json& out) {
  out = json::parse(reply.str(), nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded()) return absl::InternalError("a stored scheduling record is not JSON");
  return absl::OkStatus();
}

// ---- events ----
// The event's subject and Kafka key: the child for child and task items, else the worker, else
// the team (group supervision), else the item itself; never empty (consumers require it).
std::string SubjectIdOf(const v1::DueItem& item) {
  if (!item.child_id().empty()) return item.child_id();
  if (!item.worker_id().empty()) return item.worker_id();
  if (!item.team_id().empty()) return item.team_id();
  return item.item_id();
}

struct Record {
  std::string topic, key, value;
  std::vector<std::pair<std::string, std::string>> headers;
};

absl::StatusOr<Record> BuildRecord(const std::string& topic, const v1::DueItem& item,
                                   const google::protobuf::Message& message) {
  auto record =
      kafka::MakeEventRecord(topic, SubjectIdOf(item), message, kafka::ContentType::kProtobuf);
  if (!record.ok()) return record.status();
  Record out{record->topic, record->key, record->value, {}};
  for (const auto& h : record->headers)
    out.headers.emplace_back(h.key, h.value);
  return out;
}

common::v1::EventMeta MetaFor(const std::string& authority, const v1::DueItem& item,
                              const std::string& discriminator, absl::Time occurred_at,
                              const common::v1::EventMeta& cause, absl::Time now) {
  common::v1::EventMeta meta = events::DerivedMeta(kServiceName, authority, SubjectIdOf(item),
                                                   item.item_id(), discriminator, occurred_at, now);
  meta.set_causation_id(cause.event_id());
  return meta;
}

absl::StatusOr<Record> StageRecord(const std::string& topic, const std::string& authority,
                                   const PlannedItem& planned, const StageTime& stage,
                                   const common::v1::EventMeta& cause, absl::Time now) {
  v1::DueItem item = planned.item;
  item.set_stage(stage.stage);
  item.set_escalation_level(stage.level);
  item.set_critical(stage.stage == v1::STAGE_ESCALATED ||
                    (stage.stage == v1::STAGE_OVERDUE && item.case_type() == "child_protection"));
  const std::string discriminator =
      absl::StrCat(item.due_at().seconds(), ":", v1::Stage_Name(stage.stage), ":", stage.level);
  const common::v1::EventMeta meta = MetaFor(authority, item, discriminator, stage.at, cause, now);
  switch (stage.stage) {
    case v1::STAGE_DUE_SOON: {
      v1::ItemDueSoon e;
      *e.mutable_meta() = meta;
      *e.mutable_item() = item;
      return BuildRecord(topic, item, e);
    }
    case v1::STAGE_DUE: {
      v1::ItemDue e;
      *e.mutable_meta() = meta;
      *e.mutable_item() = item;
      return BuildRecord(topic, item, e);
    }
    case v1::STAGE_OVERDUE: {
      v1::ItemOverdue e;
      *e.mutable_meta() = meta;
      *e.mutable_item() = item;
      return BuildRecord(topic, item, e);
    }
    default: {
      v1::ItemEscalated e;
      *e.mutable_meta() = meta;
      *e.mutable_item() = item;
      e.set_escalate_to_id(planned.escalate_to_id);
      return BuildRecord(topic, item, e);
    }
  }
}

void Emit(redis::ChangeSet& change, Record record) {
  change.Emit(std::move(record.topic), std::move(record.key), std::move(record.value),
              std::move(record.headers));
}

// Removes an item from every index it may be in (as stored before the change).
void Unindex(redis::ChangeSet& change, const std::string& a, const v1::DueItem& item) {
  const std::string& id = item.item_id();
  change.Write(TimersKey(a), {"ZREM", TimersKey(a), id});
  change.Write(DueKey(a), {"ZREM", DueKey(a), id});
  if (!item.supervisor_id().empty()) {
    change.Write(DueSupKey(a, item.supervisor_id()),
                 {"ZREM", DueSupKey(a, item.supervisor_id()), id});
  }
  if (!item.team_id().empty()) {
    change.Write(DueTeamKey(a, item.team_id()), {"ZREM", DueTeamKey(a, item.team_id()), id});
  }
}

std::string SubjectKeyOf(const v1::DueItem& item) {
  if (item.kind() == v1::ITEM_KIND_OVERSIGHT_TASK) return "task:" + item.task_id();
  if (item.kind() == v1::ITEM_KIND_GROUP_SUPERVISION) return "team:" + item.team_id();
  if (item.kind() == v1::ITEM_KIND_RECORD_DEADLINE ||
      item.kind() == v1::ITEM_KIND_CIRCULATE_DEADLINE ||
      item.kind() == v1::ITEM_KIND_SIGN_OFF_DEADLINE) {
    auto it = item.explanation().facts().find("record_id");
    return "record:" + (it == item.explanation().facts().end() ? "" : it->second);
  }
  if (item.kind() == v1::ITEM_KIND_CASE_DISCUSSION) return "child:" + item.child_id();
  return "worker:" + item.worker_id();
}

// The Lua body of the timer claim (see the header comment of item_store.h). KEYS[1] timers,
// KEYS[2] counts, KEYS[2+i] item hash i; ARGV[1] now (unix seconds), then kClaimArgs per item:
// id, the version `v` the caller read, the stage index to fire (-1: none left), the next timer
// score ('' : none), the stage and level fired, the counts fields it leaves and enters, and the
// topic, key, value and headers (JSON flat list) of the event built by the caller. An item
// fires only if it is still due and nobody changed it since the caller read it. Returns the
// (1-based) positions of the items that fired.
constexpr int kClaimArgs = 12;
constexpr char kClaimBody[] = R"lua(
local now = tonumber(args[1])
local fired = {}
local counts = {}  -- counts field -> delta, written once per batch
local a = 2
for i = 3, #keys do
  local id, expected, k, nextscore = args[a], args[a + 1], tonumber(args[a + 2]), args[a + 3]
  local score = redis.call('ZSCORE', keys[1], id)
  if score and tonumber(score) <= now then
    local current = redis.call('HGET', keys[i], 'v')
    if not current then
      redis.call('ZREM', keys[1], id)
    elseif current == expected then
      if k >= 0 then
        ovs.emit(args[a + 8], args[a + 9], args[a + 10], cjson.decode(args[a + 11]))
        redis.call('HSET', keys[i], 'next', k + 1, 'stage', args[a + 4], 'level', args[a + 5],
                   'v', tonumber(current) + 1)
        if args[a + 6] ~= args[a + 7] then
          counts[args[a + 6]] = (counts[args[a + 6]] or 0) - 1
          counts[args[a + 7]] = (counts[args[a + 7]] or 0) + 1
        end
        fired[#fired + 1] = i - 2
      end
      if nextscore ~= '' then
        redis.call('ZADD', keys[1], nextscore, id)
      else
        redis.call('ZREM', keys[1], id)
      end
    end
  end
  a = a + 12
end
for field, delta in pairs(counts) do
  if delta ~= 0 then redis.call('HINCRBY', keys[2], field, delta) end
end
return fired
)lua";

// "at:stage:level,..." for the item hash, and back.
std::string EncodeStages(const std::vector<StageTime>& stages) {
  std::string out;
  for (const auto& st : stages) {
    if (!out.empty()) out += ",";
    absl::StrAppend(&out, absl::ToUnixSeconds(st.at), ":", static_cast<int>(st.stage), ":",
                    st.level);
  }
  return out;
}

std::vector<StageTime> DecodeStages(const std::string& text) {
  std::vector<StageTime> stages;
  if (text.empty()) return stages;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    std::vector<std::string> f = absl::StrSplit(part, ':');
    if (f.size() != 3) continue;
    stages.push_back({static_cast<v1::Stage>(std::atoi(f[1].c_str())), std::atoi(f[2].c_str()),
                      absl::FromUnixSeconds(std::atoll(f[0].c_str()))});
  }
  return stages;
}

const redis::OutboxScript& ClaimScript() {
  static const auto* script = new redis::OutboxScript(kClaimBody);
  return *script;
}

}  // namespace

std::string ItemKey(const std::string& a, const std::string& item_id) {
  return Tag(a) + "item:" + item_id;
}
std::string TimersKey(const std::string& a) {
  return Tag(a) + "timers";
}

namespace {

// The keys of the records `subjects` names, with `children` for its caseloads' children, in the
// order DecodeSubjects reads them.
std::vector<std::string> SubjectKeys(const std::string& a, const Subjects& subjects,
                                     const std::vector<std::string>& children) {
  std::vector<std::string> keys;
  for (const auto& id : subjects.workers)
    keys.push_back(WorkerKey(a, id));
  for (const auto& id : children)
    keys.push_back(ChildKey(a, id));
  for (const auto& id : subjects.tasks)
    keys.push_back(TaskKey(a, id));
  for (const auto& id : subjects.sessions)
    keys.push_back(SessionKey(a, id));
  for (const auto& id : subjects.teams)
    keys.push_back(TeamKey(a, id));
  return keys;
}

// Fills `state` with the records of SubjectKeys' keys, in its order: `read` puts the next
// record's JSON in `j` and says whether it is stored.
template <typename Read>
absl::Status DecodeSubjects(const Subjects& subjects, const std::vector<std::string>& children,
                            Read& read, json& j, State& state) {
  auto decode = [&](const std::vector<std::string>& ids, auto& into, auto from_json) {
    for (const auto& id : ids) {
      auto found = read();
      if (!found.ok()) return found.status();
      if (*found) into[id] = from_json(j);
    }
    return absl::OkStatus();
  };
  if (auto s = decode(subjects.workers, state.workers, WorkerFromJson); !s.ok()) return s;
  if (auto s = decode(children, state.children, ChildFromJson); !s.ok()) return s;
  if (auto s = decode(subjects.tasks, state.tasks, TaskFromJson); !s.ok()) return s;
  if (auto s = decode(subjects.sessions, state.sessions, SessionFromJson); !s.ok()) return s;
  return decode(subjects.teams, state.teams, TeamFromJson);
}

// The fields of a stored item that ItemFromFields reads, in order.
std::vector<std::string> ReadItemCommand(const std::string& a, const std::string& id) {
  return {"HMGET", ItemKey(a, id), "data", "stage", "level", "v"};
}

// The item of a ReadItemCommand reply (nullopt if it was removed meanwhile), with its stage,
// level and criticality from their own fields; its version goes to `version`.
absl::StatusOr<std::optional<v1::DueItem>> ItemFromFields(const redis::Reply& reply,
                                                          std::string& version) {
  const auto& f = reply.elements();
  version = f.size() == 4 && f[3].is_string() ? f[3].str() : "";
  if (f.size() < 4 || !f[0].is_string()) return std::nullopt;
  v1::DueItem item;
  if (!item.ParseFromString(f[0].str())) return absl::InternalError("a stored item is corrupt");
  if (f[1].is_string()) item.set_stage(static_cast<v1::Stage>(std::atoi(f[1].str().c_str())));
  if (f[2].is_string()) item.set_escalation_level(std::atoi(f[2].str().c_str()));
  item.set_critical(item.stage() == v1::STAGE_ESCALATED ||
                    (item.stage() == v1::STAGE_OVERDUE && item.case_type() == "child_protection"));
  return item;
}

}  // namespace

absl::StatusOr<State> ItemStore::Load(const std::string& a, const Subjects& subjects,
                                      ReadVersions* versions) {
  std::vector<std::string> children = subjects.children;
  if (!subjects.caseloads_of.empty()) {
    redis::Pipeline caseloads;
    for (const auto& w : subjects.caseloads_of)
      caseloads.Add({"SMEMBERS", CaseloadKey(a, w)});
    auto replies = connection_.Execute(caseloads, redis::Idempotency::kIdempotent);
    if (!replies.ok()) return replies.status();
    for (const auto& reply : *replies)
      for (const auto& id : reply.elements())
        children.push_back(id.str());
  }
  const std::vector<std::string> keys = SubjectKeys(a, subjects, children);
  State state;
  if (keys.empty()) return state;
  redis::Pipeline p;
  for (const auto& key : keys)
    p.Add({"HMGET", key, "data", "v"});
  auto replies = connection_.Execute(p, redis::Idempotency::kIdempotent);
  if (!replies.ok()) return replies.status();
  size_t i = 0;
  json j;
  // The record's JSON into `j` (false if it is not stored), its version into `versions`.
  auto read = [&]() -> absl::StatusOr<bool> {
    const std::string& key = keys[i];
    const auto& f = (*replies)[i++].elements();
    if (versions != nullptr) {
      (*versions)[key] = f.size() == 2 && f[1].is_string() ? f[1].str() : "";
    }
    if (f.size() != 2 || !f[0].is_string()) return false;
    if (auto s = Parse(f[0], j); !s.ok()) return s;
    return true;
  };
  if (auto s = DecodeSubjects(subjects, children, read, j, state); !s.ok()) return s;
  return state;
}

absl::StatusOr<std::vector<v1::DueItem>> ItemStore::ItemsByIds(const std::string& a,
                                                               const std::vector<std::string>& ids,
                                                               ReadVersions* versions) {
  std::vector<v1::DueItem> items;
  if (ids.empty()) return items;
  redis::Pipeline p;
  for (const auto& id : ids)
    p.Add(ReadItemCommand(a, id));
  auto replies = connection_.Execute(p, redis::Idempotency::kIdempotent);
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < replies->size(); ++i) {
    std::string version;
    auto item = ItemFromFields((*replies)[i], version);
    if (!item.ok()) return item.status();
    if (versions != nullptr) (*versions)[ItemKey(a, ids[i])] = version;
    if (item->has_value()) items.push_back(**std::move(item));
  }
  return items;
}

absl::StatusOr<std::map<std::string, v1::DueItem>> ItemStore::ItemsOf(
    const std::string& a, const std::string& subject_key, ReadVersions* versions) {
  auto ids =
      connection_.Command({"SMEMBERS", ItemsKey(a, subject_key)}, redis::Idempotency::kIdempotent);
  if (!ids.ok()) return ids.status();
  std::vector<std::string> list;
  for (const auto& id : ids->elements())
    list.push_back(id.str());
  auto items = ItemsByIds(a, list, versions);
  if (!items.ok()) return items.status();
  std::map<std::string, v1::DueItem> out;
  for (auto& item : *items)
    out[item.item_id()] = std::move(item);
  return out;
}

absl::StatusOr<redis::ChangeSet> ItemStore::ToChange(
    const std::string& a, const authorities::Authority& policy, const State& before,
    const State& after, const std::map<std::string, v1::DueItem>& existing, const Changes& changes,
    const common::v1::EventMeta& cause, absl::Time now, const ReadVersions& read,
    ChangeEffects* effects) const {
  redis::ChangeSet change;
  auto versioned = [&](const std::string& key, bool increment) {
    if (effects != nullptr) effects->versions.emplace_back(key, increment);
  };
  // Everything below was decided from these versions: apply only while they all hold.
  for (const auto& [key, version] : read)
    change.ExpectField(key, "v", version);

  // Records are written only when they changed (an unchanged one keeps its version, so events
  // that merely read it do not conflict).
  auto write = [&](const auto& records_before, const std::string& key, const auto& id,
                   const auto& record) {
    std::string json = ToJson(record);
    auto old = records_before.find(id);
    if (old != records_before.end() && ToJson(old->second) == json) return;
    if (effects != nullptr) effects->records.emplace_back(key, json);
    versioned(key, true);
    WriteRecord(change, key, std::move(json));
  };
  for (const auto& [id, worker] : after.workers)
    write(before.workers, WorkerKey(a, id), id, worker);
  // A caseload change is a change of its worker (SupervisorChanged reads the caseload).
  auto move_caseload = [&](const std::string& command, const std::string& worker,
                           const std::string& child) {
    const std::string key = CaseloadKey(a, worker);
    change.Write(key, {command, key, child});
    change.Write(WorkerKey(a, worker), {"HINCRBY", WorkerKey(a, worker), "v", "1"});
    if (effects != nullptr) effects->caseload_moves.emplace_back(worker, child, command == "SADD");
    versioned(WorkerKey(a, worker), true);
  };
  for (const auto& [id, child] : after.children) {
    write(before.children, ChildKey(a, id), id, child);
    auto old = before.children.find(id);
    const std::string old_worker = old == before.children.end() ? "" : old->second.facts.worker_id;
    const bool was_in = old != before.children.end() && !old_worker.empty() && !old->second.closed;
    const bool is_in = !child.closed && !child.facts.worker_id.empty();
    if (was_in && (!is_in || old_worker != child.facts.worker_id)) {
      move_caseload("SREM", old_worker, id);
    }
    if (is_in && (!was_in || old_worker != child.facts.worker_id)) {
      move_caseload("SADD", child.facts.worker_id, id);
    }
  }
  for (const auto& [id, task] : after.tasks)
    write(before.tasks, TaskKey(a, id), id, task);
  for (const auto& [id, team] : after.teams)
    write(before.teams, TeamKey(a, id), id, team);
  for (const auto& [id, session] : after.sessions)
    write(before.sessions, SessionKey(a, id), id, session);

  auto count = [&](const std::string& field, int delta) {
    change.Write(CountsKey(a), {"HINCRBY", CountsKey(a), field, std::to_string(delta)});
  };
  // Items that stop mattering: off every index and out of the counts, then their final event.
  auto remove = [&](const v1::DueItem& item) {
    Unindex(change, a, item);
    count(CountField(item, item.stage()), -1);
    change.Write(ItemKey(a, item.item_id()), {"DEL", ItemKey(a, item.item_id())});
    versioned(ItemKey(a, item.item_id()), false);
    const std::string subject = SubjectKeyOf(item);
    change.Write(ItemsKey(a, subject), {"SREM", ItemsKey(a, subject), item.item_id()});
    if (item.kind() == v1::ITEM_KIND_OVERSIGHT_TASK && !item.child_id().empty()) {
      change.Write(TasksOfKey(a, item.child_id()),
                   {"SREM", TasksOfKey(a, item.child_id()), item.item_id()});
    }
  };
  // Compliance history: by due date, whether the item ended by its deadline.
  auto record_history = [&](const v1::DueItem& item, bool on_time) {
    change.Write(HistoryKey(a), {"ZADD", HistoryKey(a), std::to_string(item.due_at().seconds()),
                                 absl::StrCat(item.item_id(), "|", static_cast<int>(item.kind()),
                                              "|", item.worker_id(), "|", item.team_id(), "|",
                                              on_time ? 1 : 0, "|", cause.event_id())});
  };
  const bool history_written =
      std::any_of(changes.satisfied.begin(), changes.satisfied.end(),
                  [](const v1::DueItem& i) { return i.has_due_at(); }) ||
      std::any_of(changes.cancelled.begin(), changes.cancelled.end(), [&](const v1::DueItem& i) {
        return i.has_due_at() && cause.occurred_at().seconds() > i.due_at().seconds();
      });
  for (const auto& item : changes.satisfied) {
    v1::ItemSatisfied e;
    v1::DueItem final_item = item;
    final_item.set_stage(v1::STAGE_SATISFIED);
    *e.mutable_meta() = MetaFor(a, final_item, absl::StrCat("satisfied:", item.due_at().seconds()),
                                events::FromTimestamp(cause.occurred_at()), cause, now);
    *e.mutable_item() = final_item;
    e.set_by_event_id(cause.event_id());
    if (item.has_due_at()) {
      record_history(item, cause.occurred_at().seconds() <= item.due_at().seconds());
    }
    auto record = BuildRecord(schedule_topic_, final_item, e);
    if (!record.ok()) return record.status();
    Emit(change, *std::move(record));
    remove(item);
  }
  for (const auto& item : changes.cancelled) {
    v1::ItemCancelled e;
    v1::DueItem final_item = item;
    final_item.set_stage(v1::STAGE_CANCELLED);
    *e.mutable_meta() = MetaFor(a, final_item, absl::StrCat("cancelled:", item.due_at().seconds()),
                                events::FromTimestamp(cause.occurred_at()), cause, now);
    *e.mutable_item() = final_item;
    e.set_reason(changes.cancel_reason.empty() ? "no_longer_required" : changes.cancel_reason);
    // Cancelled after its deadline (a leaver whose session was overdue): it was due and missed.
    if (item.has_due_at() && cause.occurred_at().seconds() > item.due_at().seconds()) {
      record_history(item, false);
    }
    auto record = BuildRecord(schedule_topic_, final_item, e);
    if (!record.ok()) return record.status();
    Emit(change, *std::move(record));
    remove(item);
  }
  if (history_written) {
    const int64_t horizon = absl::ToUnixSeconds(now - history_horizon_);
    change.Write(HistoryKey(a),
                 {"ZREMRANGEBYSCORE", HistoryKey(a), "-inf", absl::StrCat("(", horizon)});
  }

  for (const auto& planned : changes.upserts) {
    const v1::DueItem& item = planned.item;
    const std::string id = item.item_id();
    const std::string key = ItemKey(a, id);
    auto old = existing.find(id);
    const bool replaced = old != existing.end() &&
                          std::none_of(changes.satisfied.begin(), changes.satisfied.end(),
                                       [&](const v1::DueItem& s) { return s.item_id() == id; });
    if (replaced) {
      Unindex(change, a, old->second);
      count(CountField(old->second, old->second.stage()), -1);
    } else {
      change.Write(key, {"DEL", key});  // nothing of an earlier item under this id survives
      versioned(key, false);
    }
    count(CountField(item, v1::STAGE_SCHEDULED), 1);
    const auto stages = StagesOf(item, policy.pack, *policy.calendar, now);
    // Every field is written, so a replaced item keeps nothing of its earlier plan.
    change.Write(key, {"HSET", key, "data", CanonicalBytes(item), "escalate_to",
                       planned.escalate_to_id, "stage", std::to_string(v1::STAGE_SCHEDULED),
                       "level", "0", "next", "0", "times", EncodeStages(stages), "planned",
                       std::to_string(absl::ToUnixSeconds(now)), "cause", cause.event_id()});
    change.Write(key, {"HINCRBY", key, "v", "1"});
    versioned(key, true);
    const std::string subject = planned.subject_key;
    change.Write(ItemsKey(a, subject), {"SADD", ItemsKey(a, subject), id});
    if (item.kind() == v1::ITEM_KIND_OVERSIGHT_TASK && !item.child_id().empty()) {
      change.Write(TasksOfKey(a, item.child_id()), {"SADD", TasksOfKey(a, item.child_id()), id});
    }
    if (!stages.empty()) {
      change.Write(TimersKey(a),
                   {"ZADD", TimersKey(a), std::to_string(absl::ToUnixSeconds(stages[0].at)), id});
    }
    if (item.has_due_at()) {
      const std::string due = std::to_string(item.due_at().seconds());
      change.Write(DueKey(a), {"ZADD", DueKey(a), due, id});
      if (!item.supervisor_id().empty()) {
        change.Write(DueSupKey(a, item.supervisor_id()),
                     {"ZADD", DueSupKey(a, item.supervisor_id()), due, id});
      }
      if (!item.team_id().empty()) {
        change.Write(DueTeamKey(a, item.team_id()),
                     {"ZADD", DueTeamKey(a, item.team_id()), due, id});
      }
    }
  }
  return change;
}

absl::StatusOr<int> ItemStore::FireDue(const std::string& a, absl::Time now, int batch,
                                       std::vector<FiredStage>* fired_stages) {
  const std::string seconds = std::to_string(absl::ToUnixSeconds(now));
  int fired = 0;
  for (;;) {
    auto due = connection_.Command(
        {"ZRANGEBYSCORE", TimersKey(a), "-inf", seconds, "LIMIT", "0", std::to_string(batch)},
        redis::Idempotency::kIdempotent);
    if (!due.ok()) return due.status();
    if (due->elements().empty()) return fired;
    redis::Pipeline reads;
    for (const auto& id : due->elements()) {
      reads.Add({"HMGET", ItemKey(a, id.str()), "data", "escalate_to", "next", "times", "cause",
                 "v", "stage", "planned"});
    }
    auto hashes = connection_.Execute(reads, redis::Idempotency::kIdempotent);
    if (!hashes.ok()) return hashes.status();

    std::vector<std::string> keys = {TimersKey(a), CountsKey(a)};
    std::vector<std::string> args = {seconds};
    std::vector<FiredStage> candidates;  // per item of the batch, what firing it would mean
    for (size_t i = 0; i < due->elements().size(); ++i) {
      const std::string id = due->elements()[i].str();
      const auto& f = (*hashes)[i].elements();
      keys.push_back(ItemKey(a, id));
      std::vector<std::string> claim(kClaimArgs);
      claim[0] = id;
      claim[2] = "-1";
      claim[11] = "[]";
      FiredStage candidate;
      if (f.size() == 8 && f[0].is_string() && f[2].is_string() && f[5].is_string()) {
        claim[1] = f[5].str();
        const int next = std::atoi(f[2].str().c_str());
        const auto stages = DecodeStages(f[3].is_string() ? f[3].str() : "");
        if (next < static_cast<int>(stages.size())) {
          // Fire the latest stage that has passed (a restart after downtime fires it once).
          size_t k = next;
          while (k + 1 < stages.size() && stages[k + 1].at <= now)
            ++k;
          PlannedItem planned;
          if (!planned.item.ParseFromString(f[0].str())) {
            return absl::InternalError("a stored item is corrupt: " + id);
          }
          planned.escalate_to_id = f[1].is_string() ? f[1].str() : "";
          common::v1::EventMeta cause;
          cause.set_event_id(f[4].is_string() ? f[4].str() : "");
          auto record = StageRecord(schedule_topic_, a, planned, stages[k], cause, now);
          if (!record.ok()) return record.status();
          nlohmann::json headers = nlohmann::json::array();
          for (const auto& [hk, hv] : record->headers) {
            headers.push_back(hk);
            headers.push_back(hv);
          }
          const auto old_stage =
              static_cast<v1::Stage>(f[6].is_string() ? std::atoi(f[6].str().c_str()) : 0);
          const absl::Time planned_at =
              absl::FromUnixSeconds(f[7].is_string() ? std::atoll(f[7].str().c_str()) : 0);
          candidate = {planned.item.kind(), stages[k].stage,
                       now - std::max(stages[k].at, planned_at)};
          claim[2] = std::to_string(k);
          if (k + 1 < stages.size())
            claim[3] = std::to_string(absl::ToUnixSeconds(stages[k + 1].at));
          claim[4] = std::to_string(static_cast<int>(stages[k].stage));
          claim[5] = std::to_string(stages[k].level);
          claim[6] = CountField(planned.item, old_stage);
          claim[7] = CountField(planned.item, stages[k].stage);
          claim[8] = record->topic;
          claim[9] = record->key;
          claim[10] = record->value;
          claim[11] = headers.dump();
        }
      }
      candidates.push_back(candidate);
      for (auto& arg : claim)
        args.push_back(std::move(arg));
    }
    auto result = ClaimScript().Run(connection_, a, kServiceName, "", keys, args);
    if (!result.ok()) return result.status();
    for (const auto& index : result->value.elements()) {
      ++fired;
      const size_t at = static_cast<size_t>(index.integer()) - 1;
      if (fired_stages != nullptr && at < candidates.size()) {
        fired_stages->push_back(candidates[at]);
      }
    }
    if (static_cast<int>(due->elements().size()) < batch) return fired;
  }
}

absl::StatusOr<int64_t> ItemStore::PendingTimers(const std::string& a) {
  auto n = connection_.Command({"ZCARD", TimersKey(a)}, redis::Idempotency::kIdempotent);
  if (!n.ok()) return n.status();
  return n->integer();
}

absl::StatusOr<DueCounts> ItemStore::CountDueItems(const std::string& a) {
  auto fields = connection_.Command({"HGETALL", CountsKey(a)}, redis::Idempotency::kIdempotent);
  if (!fields.ok()) return fields.status();
  DueCounts counts;
  const auto& f = fields->elements();
  for (size_t i = 0; i + 1 < f.size(); i += 2) {
    const std::string& name = f[i].str();
    const size_t colon = name.rfind(':');
    if (colon == std::string::npos) continue;
    counts[{name.substr(0, colon), name.substr(colon + 1)}] = std::atoll(f[i + 1].str().c_str());
  }
  return counts;
}

absl::StatusOr<v1::DueItem> ItemStore::GetItem(const std::string& a, const std::string& item_id) {
  auto items = ItemsByIds(a, {item_id});
  if (!items.ok()) return items.status();
  if (items->empty()) {
    return absl::NotFoundError(absl::StrCat("no item ", item_id, " in authority ", a));
  }
  return (*items)[0];
}

absl::StatusOr<v1::Schedule> ItemStore::WorkerSchedule(const std::string& a,
                                                       const std::string& worker_id) {
  auto items = ItemsOf(a, "worker:" + worker_id);
  if (!items.ok()) return items.status();
  v1::Schedule schedule;
  for (auto& [id, item] : *items)
    *schedule.add_items() = std::move(item);
  return schedule;
}

absl::StatusOr<v1::Schedule> ItemStore::ChildSchedule(const std::string& a,
                                                      const std::string& child_id) {
  auto items = ItemsOf(a, "child:" + child_id);
  if (!items.ok()) return items.status();
  auto task_ids =
      connection_.Command({"SMEMBERS", TasksOfKey(a, child_id)}, redis::Idempotency::kIdempotent);
  if (!task_ids.ok()) return task_ids.status();
  std::vector<std::string> ids;
  for (const auto& id : task_ids->elements())
    ids.push_back(id.str());
  auto tasks = ItemsByIds(a, ids);
  if (!tasks.ok()) return tasks.status();
  v1::Schedule schedule;
  for (auto& [id, item] : *items)
    *schedule.add_items() = std::move(item);
  for (auto& item : *tasks)
    *schedule.add_items() = std::move(item);
  return schedule;
}

absl::StatusOr<v1::ListDueItemsResponse> ItemStore::ListDue(const v1::ListDueItemsRequest& request,
                                                            absl::Time now) {
  auto parsed_offset = runtime::ParseOffsetPageToken(request.page().page_token());
  if (!parsed_offset.ok()) return parsed_offset.status();
  const size_t offset = *parsed_offset;
  const std::string& a = request.authority_id();
  const std::string index = !request.supervisor_id().empty() ? DueSupKey(a, request.supervisor_id())
                            : !request.team_id().empty()     ? DueTeamKey(a, request.team_id())
                                                             : DueKey(a);
  const std::string from =
      request.has_window_start() ? std::to_string(request.window_start().seconds()) : "-inf";
  const std::string to =
      request.has_window_end() ? std::to_string(request.window_end().seconds()) : "+inf";
  const int page_size =
      request.page().page_size() <= 0 ? 50 : std::min(request.page().page_size(), 500);
  auto ids =
      connection_.Command({"ZRANGEBYSCORE", index, from, to}, redis::Idempotency::kIdempotent);
  if (!ids.ok()) return ids.status();
  std::vector<std::string> list;
  for (const auto& id : ids->elements())
    list.push_back(id.str());
  auto items = ItemsByIds(a, list);
  if (!items.ok()) return items.status();
  v1::ListDueItemsResponse response;
  size_t matched = 0;
  for (auto& item : *items) {
    if (request.overdue_only() && events::FromTimestamp(item.due_at()) >= now) continue;
    if (matched++ < offset) continue;
    if (response.items_size() == page_size) {
      response.mutable_page()->set_next_page_token(std::to_string(offset + page_size));
      break;
    }
    *response.add_items() = std::move(item);
  }
  return response;
}

absl::StatusOr<v1::ComplianceResponse> ItemStore::Compliance(const v1::ComplianceRequest& request,
                                                             absl::Time now) {
  const std::string& a = request.authority_id();
  const std::string from =
      request.has_period_start() ? std::to_string(request.period_start().seconds()) : "-inf";
  // The end is exclusive, so consecutive months never count an item twice.
  const std::string to =
      request.has_period_end() ? absl::StrCat("(", request.period_end().seconds()) : "+inf";
  std::map<std::string, v1::ComplianceFigures> workers, teams;
  v1::ComplianceFigures total;
  total.set_scope_id(a);
  auto count = [&](v1::ItemKind kind, const std::string& worker, const std::string& team,
                   bool on_time, bool open_overdue) {
    if (!request.team_id().empty() && team != request.team_id()) return;
    std::vector<v1::ComplianceFigures*> scopes = {&total};
    if (!worker.empty()) {
      workers[worker].set_scope_id(worker);
      scopes.push_back(&workers[worker]);
    }
    if (!team.empty()) {
      teams[team].set_scope_id(team);
      scopes.push_back(&teams[team]);
    }
    for (auto* f : scopes) {
      if (kind == v1::ITEM_KIND_PERSONAL_SUPERVISION) {
        f->set_sessions_due(f->sessions_due() + 1);
        if (on_time) f->set_sessions_on_time(f->sessions_on_time() + 1);
      } else if (kind == v1::ITEM_KIND_CASE_DISCUSSION) {
        f->set_case_discussions_due(f->case_discussions_due() + 1);
        if (on_time) f->set_case_discussions_on_time(f->case_discussions_on_time() + 1);
      } else if (kind == v1::ITEM_KIND_RECORD_DEADLINE ||
                 kind == v1::ITEM_KIND_CIRCULATE_DEADLINE ||
                 kind == v1::ITEM_KIND_SIGN_OFF_DEADLINE) {
        f->set_records_due(f->records_due() + 1);
        if (on_time) f->set_records_on_time(f->records_on_time() + 1);
      }
      if (open_overdue) f->set_open_overdue(f->open_overdue() + 1);
    }
  };
  auto history = connection_.Command({"ZRANGEBYSCORE", HistoryKey(a), from, to},
                                     redis::Idempotency::kIdempotent);
  if (!history.ok()) return history.status();
  for (const auto& entry : history->elements()) {
    std::vector<std::string> parts = absl::StrSplit(entry.str(), '|');
    if (parts.size() < 5) continue;
    count(static_cast<v1::ItemKind>(std::atoi(parts[1].c_str())), parts[2], parts[3],
          parts[4] == "1", false);
  }
  const std::string live_to = std::to_string(
      std::min<int64_t>(absl::ToUnixSeconds(now) - 1,
                        request.has_period_end() ? request.period_end().seconds() - 1 : INT64_MAX));
  auto live = connection_.Command({"ZRANGEBYSCORE", DueKey(a), from, live_to},
                                  redis::Idempotency::kIdempotent);
  if (!live.ok()) return live.status();
  std::vector<std::string> ids;
  for (const auto& id : live->elements())
    ids.push_back(id.str());
  auto items = ItemsByIds(a, ids);
  if (!items.ok()) return items.status();
  for (const auto& item : *items)
    count(item.kind(), item.worker_id(), item.team_id(), false, true);
  v1::ComplianceResponse response;
  *response.mutable_total() = total;
  for (auto& [id, f] : teams)
    *response.add_teams() = f;
  for (auto& [id, f] : workers)
    *response.add_workers() = f;
  return response;
}

absl::StatusOr<std::vector<bool>> ItemStore::AlreadyProcessed(
    const std::vector<std::pair<std::string, std::string>>& authority_and_event_ids) {
  return redis::AlreadyProcessed(connection_, kServiceName, authority_and_event_ids);
}

// ---- BatchView ----
namespace {

// The version after one more increment ("" reads as 0, as HINCRBY does).
std::string Incremented(const std::string& version) {
  return std::to_string((version.empty() ? 0 : std::atoll(version.c_str())) + 1);
}

// A string field of a stored record's JSON ("" if absent). The records are written by
// nlohmann::json::dump (no spaces), where `"name":"` can only start that key's string value (a
// quote inside a value is escaped), so the value is read off the text without parsing the
// record; a value holding an escape is read by a full parse.
std::string JsonField(const std::optional<std::string>& data, const char* field) {
  if (!data.has_value()) return "";
  const std::string pattern = absl::StrCat("\"", field, "\":\"");
  const size_t at = data->find(pattern);
  if (at == std::string::npos) return "";
  const size_t from = at + pattern.size();
  const size_t end = data->find_first_of("\"\\", from);
  if (end != std::string::npos && (*data)[end] == '"') return data->substr(from, end - from);
  json j = json::parse(*data, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return "";
  auto it = j.find(field);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

absl::Status BatchView::Readable(const std::string& key) const {
  if (unseen_.contains(key)) {
    return absl::AbortedError(
        absl::StrCat(key, " was changed earlier in this batch without being read"));
  }
  return absl::OkStatus();
}

template <typename Cache>
std::vector<std::string> BatchView::Unread(std::vector<std::string> keys,
                                           const Cache& cache) const {
  std::erase_if(
      keys, [&](const std::string& key) { return cache.contains(key) || unseen_.contains(key); });
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

absl::StatusOr<std::vector<redis::Reply>> BatchView::ReadEach(
    const std::vector<std::string>& keys,
    const std::function<std::vector<std::string>(const std::string&)>& command) {
  redis::Pipeline p;
  for (const auto& key : keys)
    p.Add(command(key));
  return store_.connection().Execute(p, redis::Idempotency::kIdempotent);
}

absl::Status BatchView::FetchRecords(const std::vector<std::string>& keys) {
  const std::vector<std::string> missing = Unread(keys, records_);
  if (missing.empty()) return absl::OkStatus();
  auto replies = ReadEach(missing, [](const std::string& key) {
    return std::vector<std::string>{"HMGET", key, "data", "v"};
  });
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < missing.size(); ++i) {
    const auto& f = (*replies)[i].elements();
    versions_[missing[i]] = f.size() == 2 && f[1].is_string() ? f[1].str() : "";
    records_[missing[i]] =
        f.size() == 2 && f[0].is_string() ? std::optional<std::string>(f[0].str()) : std::nullopt;
  }
  return absl::OkStatus();
}

template <typename Cache>
absl::StatusOr<std::vector<std::pair<std::string, std::vector<std::string>>>>
BatchView::ReadUnreadSets(std::vector<std::string> keys, const Cache& cache) {
  const std::vector<std::string> missing = Unread(std::move(keys), cache);
  std::vector<std::pair<std::string, std::vector<std::string>>> sets;
  if (missing.empty()) return sets;
  auto replies = ReadEach(missing, [](const std::string& key) {
    return std::vector<std::string>{"SMEMBERS", key};
  });
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < missing.size(); ++i) {
    auto& [key, members] = sets.emplace_back(missing[i], std::vector<std::string>{});
    for (const auto& member : (*replies)[i].elements())
      members.push_back(member.str());
  }
  return sets;
}

absl::Status BatchView::FetchCaseloads(const std::string& a, const std::vector<std::string>& ids) {
  std::vector<std::string> keys;
  for (const auto& w : ids)
    keys.push_back(CaseloadKey(a, w));
  auto sets = ReadUnreadSets(std::move(keys), caseloads_);
  if (!sets.ok()) return sets.status();
  for (auto& [key, children] : *sets)
    caseloads_[key].insert(children.begin(), children.end());
  return absl::OkStatus();
}

absl::Status BatchView::FetchItems(const std::string& a, const std::vector<std::string>& subjects) {
  std::vector<std::string> keys;
  for (const auto& subject : subjects)
    keys.push_back(ItemsKey(a, subject));
  auto sets = ReadUnreadSets(std::move(keys), items_);
  if (!sets.ok()) return sets.status();
  std::vector<std::string> ids;
  std::vector<const std::string*> owner;  // the items key of each id's subject
  for (const auto& [key, members] : *sets) {
    items_[key];  // loaded, even when empty
    for (const auto& id : members) {
      ids.push_back(id);
      owner.push_back(&key);
    }
  }
  if (ids.empty()) return absl::OkStatus();
  auto replies = ReadEach(ids, [&a](const std::string& id) { return ReadItemCommand(a, id); });
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < ids.size(); ++i) {
    auto item = ItemFromFields((*replies)[i], versions_[ItemKey(a, ids[i])]);
    if (!item.ok()) return item.status();
    if (!item->has_value()) continue;  // removed meanwhile
    items_[*owner[i]][ids[i]] = **std::move(item);
  }
  return absl::OkStatus();
}

absl::Status BatchView::Prefetch(const std::vector<Needs>& needs) {
  // 1. The caseloads named, for their children.
  std::map<std::string, std::vector<std::string>> caseloads;  // by authority
  for (const auto& need : needs) {
    auto& ids = caseloads[need.authority];
    ids.insert(ids.end(), need.subjects.caseloads_of.begin(), need.subjects.caseloads_of.end());
  }
  for (const auto& [a, ids] : caseloads) {
    if (auto s = FetchCaseloads(a, ids); !s.ok()) return s;
  }
  // 2. The records, and 3. the items of every subject they name.
  std::vector<std::string> keys;
  std::vector<std::string> planning;  // the record keys of events that may plan
  std::map<std::string, std::vector<std::string>> item_subjects;  // by authority
  for (const auto& need : needs) {
    const std::string& a = need.authority;
    const Subjects& s = need.subjects;
    auto& names = item_subjects[a];
    auto add = [&](const std::vector<std::string>& ids, const char* prefix,
                   std::string (*key)(const std::string&, const std::string&)) {
      for (const auto& id : ids) {
        keys.push_back(key(a, id));
        if (!need.plans) continue;
        planning.push_back(keys.back());
        names.push_back(prefix + id);
      }
    };
    add(s.workers, "worker:", WorkerKey);
    add(s.children, "child:", ChildKey);
    add(s.tasks, "task:", TaskKey);
    add(s.sessions, "record:", SessionKey);
    add(s.teams, "team:", TeamKey);
    for (const auto& w : s.caseloads_of) {
      auto it = caseloads_.find(CaseloadKey(a, w));
      if (it == caseloads_.end()) continue;
      add(std::vector<std::string>(it->second.begin(), it->second.end()), "child:", ChildKey);
    }
  }
  if (auto s = FetchRecords(keys); !s.ok()) return s;
  for (const auto& [a, names] : item_subjects) {
    if (auto s = FetchItems(a, names); !s.ok()) return s;
  }
  // 4. The directory: the workers those records and the events name, then their supervisors
  // (escalations go to a supervisor's line manager).
  std::vector<std::string> directory;
  std::vector<std::string> directory_authority;
  auto add_worker = [&](const std::string& a, const std::string& id) {
    if (id.empty()) return;
    directory.push_back(WorkerKey(a, id));
    directory_authority.push_back(a);
  };
  for (const auto& need : needs) {
    if (!need.plans) continue;
    for (const auto& w : need.workers)
      add_worker(need.authority, w);
  }
  const std::string tag_end = "}:sch:";
  for (const auto& key : planning) {
    const auto& data = records_[key];
    if (!data.has_value()) continue;
    const std::string a = key.substr(5, key.find(tag_end) - 5);  // "ovs:{" A "}:sch:..."
    const std::string kind = key.substr(key.find(tag_end) + tag_end.size());
    if (kind.starts_with("worker:")) {
      add_worker(a, JsonField(data, "supervisor_id"));
    } else if (kind.starts_with("child:")) {
      add_worker(a, JsonField(data, "worker_id"));
    } else if (kind.starts_with("task:")) {
      add_worker(a, JsonField(data, "owner_id"));
    } else if (kind.starts_with("team:")) {
      add_worker(a, JsonField(data, "manager_id"));
    }
  }
  if (auto s = FetchRecords(directory); !s.ok()) return s;
  std::vector<std::string> supervisors;
  for (size_t i = 0; i < directory.size(); ++i) {
    const std::string id = JsonField(records_[directory[i]], "supervisor_id");
    if (!id.empty()) supervisors.push_back(WorkerKey(directory_authority[i], id));
  }
  return FetchRecords(supervisors);
}

absl::StatusOr<State> BatchView::Load(const std::string& a, const Subjects& subjects,
                                      ReadVersions* versions) {
  std::vector<std::string> children = subjects.children;
  if (auto s = FetchCaseloads(a, subjects.caseloads_of); !s.ok()) return s;
  for (const auto& w : subjects.caseloads_of) {
    const std::string key = CaseloadKey(a, w);
    if (auto s = Readable(key); !s.ok()) return s;
    children.insert(children.end(), caseloads_[key].begin(), caseloads_[key].end());
  }
  const std::vector<std::string> keys = SubjectKeys(a, subjects, children);
  if (auto s = FetchRecords(keys); !s.ok()) return s;
  State state;
  size_t i = 0;
  json j;
  // The record's JSON into `j` (false if it is not stored), its version into `versions`.
  auto read = [&]() -> absl::StatusOr<bool> {
    const std::string& key = keys[i++];
    if (auto s = Readable(key); !s.ok()) return s;
    if (versions != nullptr) (*versions)[key] = versions_[key];
    const auto& data = records_[key];
    if (!data.has_value()) return false;
    j = json::parse(*data, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return absl::InternalError("a stored scheduling record is not JSON");
    return true;
  };
  if (auto s = DecodeSubjects(subjects, children, read, j, state); !s.ok()) return s;
  return state;
}

absl::StatusOr<const std::map<std::string, v1::DueItem>*> BatchView::ItemsOf(
    const std::string& a, const std::string& subject_key, ReadVersions* versions) {
  if (auto s = FetchItems(a, {subject_key}); !s.ok()) return s;
  const std::string key = ItemsKey(a, subject_key);
  if (auto s = Readable(key); !s.ok()) return s;
  const auto& items = items_[key];
  for (const auto& [id, item] : items) {
    const std::string item_key = ItemKey(a, id);
    if (auto s = Readable(item_key); !s.ok()) return s;
    if (versions != nullptr) (*versions)[item_key] = versions_[item_key];
  }
  return &items;
}

absl::StatusOr<std::string> BatchView::SupervisorOf(const std::string& a,
                                                    const std::string& worker_id,
                                                    ReadVersions* versions) {
  const std::string key = WorkerKey(a, worker_id);
  if (auto s = FetchRecords({key}); !s.ok()) return s;
  if (auto s = Readable(key); !s.ok()) return s;
  if (versions != nullptr) (*versions)[key] = versions_[key];
  return JsonField(records_[key], "supervisor_id");
}

void BatchView::Commit(const std::string& a, const Changes& changes, const ChangeEffects& effects) {
  for (const auto& [key, data] : effects.records) {
    if (records_.contains(key)) {
      records_[key] = data;
    } else {
      unseen_.insert(key);
    }
  }
  for (const auto& [worker, child, joins] : effects.caseload_moves) {
    const std::string key = CaseloadKey(a, worker);
    auto it = caseloads_.find(key);
    if (it == caseloads_.end()) {
      unseen_.insert(key);
    } else if (joins) {
      it->second.insert(child);
    } else {
      it->second.erase(child);
    }
  }
  auto remove = [&](const v1::DueItem& item) {
    auto it = items_.find(ItemsKey(a, SubjectKeyOf(item)));
    if (it == items_.end()) {
      unseen_.insert(ItemsKey(a, SubjectKeyOf(item)));
    } else {
      it->second.erase(item.item_id());
    }
  };
  for (const auto& item : changes.satisfied)
    remove(item);
  for (const auto& item : changes.cancelled)
    remove(item);
  for (const auto& planned : changes.upserts) {
    auto it = items_.find(ItemsKey(a, planned.subject_key));
    if (it == items_.end()) {
      unseen_.insert(ItemsKey(a, planned.subject_key));
      continue;
    }
    v1::DueItem item = planned.item;  // as ItemsOf reads it back
    item.set_stage(v1::STAGE_SCHEDULED);
    item.set_escalation_level(0);
    item.set_critical(false);
    it->second[item.item_id()] = std::move(item);
  }
  for (const auto& [key, increment] : effects.versions) {
    if (!increment) {
      versions_[key] = "";  // deleted: what it holds from now on is what the change writes
      unseen_.erase(key);
    } else if (auto it = versions_.find(key); it != versions_.end() && !unseen_.contains(key)) {
      it->second = Incremented(it->second);
    } else {
      unseen_.insert(key);
    }
  }
}

std::string BatchDirectory::SupervisorOf(const std::string& worker_id) const {
  if (auto it = state_.workers.find(worker_id); it != state_.workers.end()) {
    return it->second.facts.supervisor_id;
  }
  auto supervisor = view_.SupervisorOf(authority_, worker_id, versions_);
  if (!supervisor.ok()) {
    if (status_.ok()) status_ = supervisor.status();
    return "";
  }
  return *supervisor;
}

std::string KindLabel(v1::ItemKind kind) {
  std::string name = v1::ItemKind_Name(kind);
  constexpr std::string_view kPrefix = "ITEM_KIND_";
  if (name.starts_with(kPrefix)) name = name.substr(kPrefix.size());
  return absl::AsciiStrToLower(name);
}

std::string StageLabel(v1::Stage stage) {
  std::string name = v1::Stage_Name(stage);
  constexpr std::string_view kPrefix = "STAGE_";
  if (name.starts_with(kPrefix)) name = name.substr(kPrefix.size());
  return absl::AsciiStrToLower(name);
}

}  // namespace oversight::scheduling
