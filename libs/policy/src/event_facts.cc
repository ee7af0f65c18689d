#include "oversight/policy/event_facts.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"

namespace oversight::policy {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Time FromTimestamp(const Message& ts) {
  const Reflection* r = ts.GetReflection();
  const auto* d = ts.GetDescriptor();
  return absl::FromUnixSeconds(r->GetInt64(ts, d->FindFieldByName("seconds"))) +
         absl::Nanoseconds(r->GetInt32(ts, d->FindFieldByName("nanos")));
}

bool IsTimestamp(const Message& m) {
  return m.GetDescriptor()->full_name() == "google.protobuf.Timestamp";
}

void Flatten(const Message& m, const std::string& prefix, std::map<std::string, std::string>& out) {
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->is_repeated()) continue;
    const std::string path = prefix.empty() ? f->name() : absl::StrCat(prefix, ".", f->name());
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_ENUM:
        out[path] = r->GetEnum(m, f)->name();
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        out[path] = r->GetBool(m, f) ? "true" : "false";
        break;
      case FieldDescriptor::CPPTYPE_STRING:
        out[path] = r->GetString(m, f);
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        out[path] = absl::StrCat(r->GetInt32(m, f));
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        out[path] = absl::StrCat(r->GetInt64(m, f));
        break;
      case FieldDescriptor::CPPTYPE_UINT32:
        out[path] = absl::StrCat(r->GetUInt32(m, f));
        break;
      case FieldDescriptor::CPPTYPE_UINT64:
        out[path] = absl::StrCat(r->GetUInt64(m, f));
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        out[path] = absl::StrCat(r->GetDouble(m, f));
        break;
      case FieldDescriptor::CPPTYPE_FLOAT:
        out[path] = absl::StrCat(r->GetFloat(m, f));
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        const Message& sub = r->GetMessage(m, f);
        if (IsTimestamp(sub)) {
          out[path] = absl::FormatTime(absl::RFC3339_full, FromTimestamp(sub), absl::UTCTimeZone());
        } else {
          Flatten(sub, path, out);
        }
        break;
      }
    }
  }
}

}  // namespace

absl::StatusOr<CaseEventFacts> EventFactsFromMessage(const Message& event) {
  const auto* d = event.GetDescriptor();
  const Reflection* r = event.GetReflection();
  const FieldDescriptor* meta_f = d->FindFieldByName("meta");
  if (meta_f == nullptr || meta_f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
    return absl::InvalidArgumentError(absl::StrCat(d->full_name(), " is not an event (no meta)"));
  }
  const Message& meta = r->GetMessage(event, meta_f);
  const FieldDescriptor* occurred_f = meta.GetDescriptor()->FindFieldByName("occurred_at");
  const FieldDescriptor* id_f = meta.GetDescriptor()->FindFieldByName("event_id");
  if (occurred_f == nullptr || !meta.GetReflection()->HasField(meta, occurred_f)) {
    return absl::InvalidArgumentError(
        absl::StrCat(d->full_name(), ": meta.occurred_at is unset (deadlines run from it)"));
  }
  CaseEventFacts out;
  out.type = d->full_name();
  out.occurred_at = FromTimestamp(meta.GetReflection()->GetMessage(meta, occurred_f));
  if (id_f != nullptr) out.event_id = meta.GetReflection()->GetString(meta, id_f);
  Flatten(event, "", out.fields);
  if (auto it = out.fields.find("child_id"); it != out.fields.end()) {
    out.child_id = it->second;
  } else if (auto it2 = out.fields.find("item.child_id"); it2 != out.fields.end()) {
    out.child_id = it2->second;
  }
  return out;
}

}  // namespace oversight::policy
