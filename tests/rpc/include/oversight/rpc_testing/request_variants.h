// Requests made from an RPC's descriptors: a plausible one (the ids a caller would fill in), and
// malformed variants of it, one field at a time, so every field of every request of every RPC is
// tried without anyone listing them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/message.h"
#include "oversight/rpc_testing/rpc_catalogue.h"

namespace oversight::rpc_testing {

// 1 MiB: the "huge string" of the malformed variants.
inline constexpr size_t kHugeString = 1 << 20;
// Over gRPC's default 4 MiB receive limit: a request this big is refused before any handler.
inline constexpr size_t kOverMaxMessage = 5 << 20;

// A request of `rpc`'s type where every string field named "authority_id" is `authority`, and
// every other singular string field whose name ends in "_id" is `ids` (through nested messages,
// at most 4 deep; of a oneof only its first message field is filled).
std::unique_ptr<google::protobuf::Message> PlausibleRequest(const RpcCatalogue& catalogue,
                                                            const Rpc& rpc,
                                                            const std::string& authority,
                                                            const std::string& ids = "probe");

enum class VariantKind {
  kHugeString,           // a string field set to 1 MiB (kHugeString)
  kHugeId,               // the same for a field named *_id / *_ids: must be refused
  kNegativeNumber,       // an integer field set to -1
  kHugeNumber,           // an integer field set to its maximum
  kUnknownEnum,          // an enum field set to 9999 (proto3 keeps unknown values)
  kTimestampOutOfRange,  // a google.protobuf.Timestamp after 9999-12-31 or with bad nanos
  kDurationOutOfRange,   // a google.protobuf.Duration beyond 10,000 years
  kGarbagePageToken,     // a page_token no server issued
  kOverMaxMessage,       // the whole request over 4 MiB
};
const char* VariantKindName(VariantKind kind);

struct Variant {
  VariantKind kind;
  std::string field;  // the field path changed, e.g. "record.children[0].child_id"
  std::string bytes;  // the serialized request
};

// One variant per (field, kind) that applies, each from `base` with one field changed. Every
// field of the request type is visited (nested messages at most 4 deep, each message type once
// per path, repeated fields as one element; of a oneof every member), plus one kOverMaxMessage.
std::vector<Variant> MalformedVariants(const google::protobuf::Message& base);

}  // namespace oversight::rpc_testing
