#ifndef OVERSIGHT_RUNTIME_REQUEST_CHECKS_H_
#define OVERSIGHT_RUNTIME_REQUEST_CHECKS_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace oversight::runtime {

// What any request to any of the APIs must satisfy, whatever the RPC (the RPC's own validation
// comes after, in the service). Generous for real use, small enough that one call cannot make
// a service store or echo megabytes.
struct RequestLimits {
  size_t max_id_length = 256;       // a field named "id", "*_id", or an element of "*_ids"
  size_t max_text_length = 100000;  // any other string or bytes field
  size_t max_repeated = 1000;       // elements of any repeated field
};

// Checks every set field of `request`, nested messages included, against the limits above and
// the types' own ranges, and returns INVALID_ARGUMENT for the first problem with the field's
// path and what to do, without echoing the value:
//   "record.children[0].child_id: at most 256 characters (got 1048576)"
//   "record.supervisee_ids: at most 1000 elements (got 5000)"
//   "status: 9999 is not a oversight.triggers.v1.TaskStatus value"
//   "window_end: not a valid timestamp (years 0001 to 9999, nanos 0 to 999999999)"
//   "by: not a valid duration (at most 10000 years, nanos of the seconds' sign)"
//   "page.page_size: must not be negative (0 means the default)"
// An enum value the request's descriptors do not name is refused (proto3 keeps unknown numbers:
// a client built against a newer API gets a clear answer instead of a silent default). Pure;
// thread-safe.
absl::Status CheckRequest(const google::protobuf::Message& request,
                          const RequestLimits& limits = {});

// The offset in a page token that a list call issued (next_page_token: a decimal offset).
// Empty: the first page (0). Anything else is INVALID_ARGUMENT: "page.page_token: not a token
// this call issued; pass the previous page's next_page_token, or nothing for the first page".
absl::StatusOr<size_t> ParseOffsetPageToken(absl::string_view token);

}  // namespace oversight::runtime

#endif  // OVERSIGHT_RUNTIME_REQUEST_CHECKS_H_
