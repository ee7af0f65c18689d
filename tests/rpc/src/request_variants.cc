#include "oversight/rpc_testing/request_variants.h"

#include <limits>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/wire_format_lite.h"

namespace oversight::rpc_testing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr int kMaxDepth = 4;
constexpr char kTimestamp[] = "google.protobuf.Timestamp";
constexpr char kDuration[] = "google.protobuf.Duration";

bool IsIdField(const FieldDescriptor* field) {
  return field->name() == "id" || absl::EndsWith(field->name(), "_id") ||
         absl::EndsWith(field->name(), "_ids");
}

// The message at `path` under `root`, created on the way (the first element of a repeated one).
Message* Reach(Message* root, const std::vector<const FieldDescriptor*>& path) {
  Message* at = root;
  for (const FieldDescriptor* field : path) {
    const Reflection* reflection = at->GetReflection();
    if (field->is_repeated()) {
      at = reflection->FieldSize(*at, field) == 0
               ? reflection->AddMessage(at, field)
               : reflection->MutableRepeatedMessage(at, field, 0);
    } else {
      at = reflection->MutableMessage(at, field);
    }
  }
  return at;
}

std::string PathName(const std::vector<const FieldDescriptor*>& path, const FieldDescriptor* leaf) {
  std::string out;
  auto add = [&](const FieldDescriptor* field) {
    if (!out.empty()) out += ".";
    out += field->name();
    if (field->is_repeated()) out += "[0]";
  };
  for (const FieldDescriptor* field : path)
    add(field);
  if (leaf != nullptr) add(leaf);
  return out;
}

void SetString(Message* message, const FieldDescriptor* field, const std::string& value) {
  const Reflection* r = message->GetReflection();
  if (field->is_repeated()) {
    r->AddString(message, field, value);
  } else {
    r->SetString(message, field, value);
  }
}

// Sets an integer field (repeated: adds an element) to `value`, cast to the field's type.
void SetInteger(Message* message, const FieldDescriptor* field, int64_t value, bool maximum) {
  const Reflection* r = message->GetReflection();
  const bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: {
      const int32_t v = maximum ? std::numeric_limits<int32_t>::max() : static_cast<int32_t>(value);
      repeated ? r->AddInt32(message, field, v) : r->SetInt32(message, field, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      const int64_t v = maximum ? std::numeric_limits<int64_t>::max() : value;
      repeated ? r->AddInt64(message, field, v) : r->SetInt64(message, field, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      const uint32_t v = std::numeric_limits<uint32_t>::max();
      repeated ? r->AddUInt32(message, field, v) : r->SetUInt32(message, field, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      const uint64_t v = std::numeric_limits<uint64_t>::max();
      repeated ? r->AddUInt64(message, field, v) : r->SetUInt64(message, field, v);
      break;
    }
    default:
      break;
  }
}

bool IsSigned(const FieldDescriptor* field) {
  return field->cpp_type() == FieldDescriptor::CPPTYPE_INT32 ||
         field->cpp_type() == FieldDescriptor::CPPTYPE_INT64;
}
bool IsInteger(const FieldDescriptor* field) {
  return IsSigned(field) || field->cpp_type() == FieldDescriptor::CPPTYPE_UINT32 ||
         field->cpp_type() == FieldDescriptor::CPPTYPE_UINT64;
}

// Seconds and nanos of a Timestamp or Duration message.
void SetSecondsNanos(Message* message, int64_t seconds, int32_t nanos) {
  const Descriptor* d = message->GetDescriptor();
  message->GetReflection()->SetInt64(message, d->FindFieldByName("seconds"), seconds);
  message->GetReflection()->SetInt32(message, d->FindFieldByName("nanos"), nanos);
}

class VariantMaker {
 public:
  explicit VariantMaker(const Message& base) : base_(base) {}

  void Visit(const Descriptor* type, std::vector<const FieldDescriptor*>& path,
             std::vector<const Descriptor*>& seen) {
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* field = type->field(i);
      const std::string name = PathName(path, field);
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        Add(IsIdField(field) ? VariantKind::kHugeId : VariantKind::kHugeString, name, path,
            [field](Message* m) { SetString(m, field, std::string(kHugeString, 'x')); });
        if (field->name() == "page_token") {
          Add(VariantKind::kGarbagePageToken, name, path,
              [field](Message* m) { SetString(m, field, "%not-a-page-token%"); });
        }
      } else if (IsInteger(field)) {
        if (IsSigned(field)) {
          Add(VariantKind::kNegativeNumber, name, path,
              [field](Message* m) { SetInteger(m, field, -1, false); });
        }
        Add(VariantKind::kHugeNumber, name, path,
            [field](Message* m) { SetInteger(m, field, 0, true); });
      } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
        Add(VariantKind::kUnknownEnum, name, path, [field](Message* m) {
          field->is_repeated() ? m->GetReflection()->AddEnumValue(m, field, 9999)
                               : m->GetReflection()->SetEnumValue(m, field, 9999);
        });
      } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        const Descriptor* child = field->message_type();
        if (child->full_name() == kTimestamp) {
          // 10000-01-01T00:00:00Z, before 0001-01-01, and nanos outside [0, 1e9).
          for (const auto& [seconds, nanos] : std::vector<std::pair<int64_t, int32_t>>{
                   {253402300800, 0}, {-62135596801, 0}, {0, -1}, {0, 1000000000}}) {
            Add(VariantKind::kTimestampOutOfRange,
                absl::StrCat(name, " = {", seconds, "s, ", nanos, "ns}"), path,
                [field, seconds = seconds, nanos = nanos](Message* m) {
                  Message* t = field->is_repeated() ? m->GetReflection()->AddMessage(m, field)
                                                    : m->GetReflection()->MutableMessage(m, field);
                  SetSecondsNanos(t, seconds, nanos);
                });
          }
        } else if (child->full_name() == kDuration) {
          Add(VariantKind::kDurationOutOfRange, name, path, [field](Message* m) {
            SetSecondsNanos(m->GetReflection()->MutableMessage(m, field), 315576000001, 0);
          });
        } else if (static_cast<int>(path.size()) < kMaxDepth &&
                   std::find(seen.begin(), seen.end(), child) == seen.end()) {
          path.push_back(field);
          seen.push_back(child);
          Visit(child, path, seen);
          seen.pop_back();
          path.pop_back();
        }
      }
    }
  }

  std::vector<Variant> Take() { return std::move(variants_); }

 private:
  template <typename Set>
  void Add(VariantKind kind, const std::string& name,
           const std::vector<const FieldDescriptor*>& path, Set set) {
    std::unique_ptr<Message> copy(base_.New());
    copy->CopyFrom(base_);
    set(Reach(copy.get(), path));
    variants_.push_back(Variant{kind, name, copy->SerializeAsString()});
  }

  const Message& base_;
  std::vector<Variant> variants_;
};

// Fills ids as PlausibleRequest describes.
void Fill(Message* message, const std::string& authority, const std::string& ids, int depth) {
  const Descriptor* type = message->GetDescriptor();
  const Reflection* r = message->GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (field->is_repeated()) continue;
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      if (field->name() == "authority_id") {
        r->SetString(message, field, authority);
      } else if (absl::EndsWith(field->name(), "_id")) {
        r->SetString(message, field, ids);
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && depth < kMaxDepth) {
      const auto* oneof = field->containing_oneof();
      if (oneof != nullptr && oneof->field(0) != field) continue;
      const std::string& name = field->message_type()->full_name();
      if (name == kTimestamp || name == kDuration) continue;
      Fill(r->MutableMessage(message, field), authority, ids, depth + 1);
    }
  }
}

}  // namespace

const char* VariantKindName(VariantKind kind) {
  switch (kind) {
    case VariantKind::kHugeString:
      return "huge string";
    case VariantKind::kHugeId:
      return "huge id";
    case VariantKind::kNegativeNumber:
      return "negative number";
    case VariantKind::kHugeNumber:
      return "huge number";
    case VariantKind::kUnknownEnum:
      return "unknown enum value";
    case VariantKind::kTimestampOutOfRange:
      return "timestamp out of range";
    case VariantKind::kDurationOutOfRange:
      return "duration out of range";
    case VariantKind::kGarbagePageToken:
      return "garbage page token";
    case VariantKind::kOverMaxMessage:
      return "request over 4 MiB";
  }
  return "?";
}

std::unique_ptr<google::protobuf::Message> PlausibleRequest(const RpcCatalogue& catalogue,
                                                            const Rpc& rpc,
                                                            const std::string& authority,
                                                            const std::string& ids) {
  auto request = catalogue.NewMessage(rpc.input());
  if (request != nullptr) Fill(request.get(), authority, ids, 0);
  return request;
}

std::vector<Variant> MalformedVariants(const google::protobuf::Message& base) {
  VariantMaker maker(base);
  std::vector<const FieldDescriptor*> path;
  std::vector<const Descriptor*> seen = {base.GetDescriptor()};
  maker.Visit(base.GetDescriptor(), path, seen);
  std::vector<Variant> variants = maker.Take();

  // The base with an unknown length-delimited field of 5 MiB appended: valid protobuf, too big.
  std::string bytes = base.SerializeAsString();
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    google::protobuf::internal::WireFormatLite::WriteBytes(536870911,
                                                           std::string(kOverMaxMessage, 'x'), &out);
  }
  variants.push_back(Variant{VariantKind::kOverMaxMessage, "(whole request)", std::move(bytes)});
  return variants;
}

}  // namespace oversight::rpc_testing
