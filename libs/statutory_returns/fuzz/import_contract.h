// What every statutory-returns fuzz target checks about an import (header-only, fuzz targets
// only). The contract of cin_census.h and ssda903.h, and what oversight-import relies on when it
// publishes the events.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "oversight/statutory_returns/case_event_type.h"
#include "oversight/statutory_returns/import_options.h"
#include "oversight/testing/fuzz_check.h"

namespace oversight::statutory_returns::fuzz {

// The options every target imports with: authority "devon", recorded 2024-04-01 12:00 UTC,
// dates read as Europe/London days, as-of unset (the file's ReferenceDate, or the recorded day).
inline const ImportOptions& FuzzOptions() {
  static const ImportOptions* const options = [] {
    auto* o = new ImportOptions;
    o->authority_id = "devon";
    o->recorded_at = absl::FromCivil(absl::CivilSecond(2024, 4, 1, 12, 0, 0), absl::UTCTimeZone());
    OVERSIGHT_FUZZ_CHECK(absl::LoadTimeZone("Europe/London", &o->zone),
                         "Europe/London missing (install tzdata)");
    return o;
  }();
  return *options;
}

// A failure of the whole input: INVALID_ARGUMENT with a message naming the file.
inline void CheckRefused(const absl::Status& status, const std::string& file) {
  OVERSIGHT_FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument, status.ToString());
  OVERSIGHT_FUZZ_CHECK(absl::StrContains(status.message(), file),
                       absl::StrCat("error does not name the file: ", status.message()));
}

// Issues reported for rows: in `file` (or, for SSDA903 imports, one of the files given), a line
// >= 0, a code and a reason.
inline void CheckIssues(const std::vector<Issue>& issues, const std::set<std::string>& files) {
  for (const Issue& issue : issues) {
    OVERSIGHT_FUZZ_CHECK(files.contains(issue.file), absl::StrCat("issue in file ", issue.file));
    OVERSIGHT_FUZZ_CHECK(issue.line >= 0, absl::StrCat("issue at line ", issue.line));
    OVERSIGHT_FUZZ_CHECK(!issue.code.empty() && !issue.reason.empty(),
                         absl::StrCat("issue without code or reason at line ", issue.line));
  }
}

// Every imported event: a type, a meta for the options' authority with a 32-hex-digit id unique
// in the import, the child as subject, `source`, occurred_at at a London midnight not after
// `as_of` (when known) and recorded_at as given; encodable as protobuf and as proto3 JSON
// (oversight-import publishes either). Each child's events come in date order.
inline void CheckEvents(const ImportResult& result, const std::string& source,
                        std::optional<absl::CivilDay> as_of) {
  const ImportOptions& options = FuzzOptions();
  std::set<std::string> ids;
  std::set<std::string> json_checked;           // event types
  std::map<std::string, int64_t> last_seconds;  // per child
  for (const oversight::cases::v1::CaseEvent& event : result.events) {
    const std::string type(EventTypeName(event));
    OVERSIGHT_FUZZ_CHECK(!type.empty(), "an event with no type");
    const oversight::common::v1::EventMeta* meta = EventMetaOf(event);
    OVERSIGHT_FUZZ_CHECK(meta != nullptr, absl::StrCat(type, " without meta"));
    OVERSIGHT_FUZZ_CHECK(meta->authority_id() == options.authority_id && meta->source() == source,
                         meta->DebugString());
    OVERSIGHT_FUZZ_CHECK(meta->event_id().size() == 32 &&
                             std::all_of(meta->event_id().begin(), meta->event_id().end(),
                                         [](char c) { return absl::ascii_isxdigit(c); }),
                         absl::StrCat("event id '", meta->event_id(), "'"));
    OVERSIGHT_FUZZ_CHECK(ids.insert(meta->event_id()).second,
                         absl::StrCat("two events share the id ", meta->event_id(), " (", type,
                                      ", child ", meta->subject(), ")"));
    OVERSIGHT_FUZZ_CHECK(!meta->subject().empty(), absl::StrCat(type, " without a child"));
    const absl::Time occurred = absl::FromUnixSeconds(meta->occurred_at().seconds()) +
                                absl::Nanoseconds(meta->occurred_at().nanos());
    const absl::CivilSecond local = absl::ToCivilSecond(occurred, options.zone);
    OVERSIGHT_FUZZ_CHECK(local == absl::CivilSecond(absl::CivilDay(local)),
                         absl::StrCat(type, " occurred_at is not a London midnight: ",
                                      absl::FormatCivilTime(local)));
    if (as_of.has_value()) {
      OVERSIGHT_FUZZ_CHECK(absl::CivilDay(local) <= *as_of,
                           absl::StrCat(type, " on ", absl::FormatCivilTime(absl::CivilDay(local)),
                                        " is after the as-of day"));
    }
    OVERSIGHT_FUZZ_CHECK(absl::FromUnixSeconds(meta->recorded_at().seconds()) +
                                 absl::Nanoseconds(meta->recorded_at().nanos()) ==
                             options.recorded_at,
                         "recorded_at is not the import time");
    auto [last, first] = last_seconds.try_emplace(meta->subject(), meta->occurred_at().seconds());
    OVERSIGHT_FUZZ_CHECK(first || last->second <= meta->occurred_at().seconds(),
                         absl::StrCat("child ", meta->subject(), ": ", type, " out of date order"));
    last->second = meta->occurred_at().seconds();

    std::string bytes;
    OVERSIGHT_FUZZ_CHECK(event.SerializeToString(&bytes),
                         absl::StrCat(type, " does not serialize"));
    oversight::cases::v1::CaseEvent parsed;
    OVERSIGHT_FUZZ_CHECK(parsed.ParseFromString(bytes),
                         absl::StrCat(type, " does not parse back from protobuf (invalid UTF-8?)\n",
                                      event.DebugString()));
    // What JSON adds to protobuf's checks is the Timestamp range (0001 to 9999).
    for (const google::protobuf::Timestamp* t : {&meta->occurred_at(), &meta->recorded_at()}) {
      OVERSIGHT_FUZZ_CHECK(
          t->seconds() >= google::protobuf::util::TimeUtil::kTimestampMinSeconds &&
              t->seconds() <= google::protobuf::util::TimeUtil::kTimestampMaxSeconds,
          absl::StrCat(type, " has a Timestamp outside 0001-9999"));
    }
    // The JSON printer is slow (milliseconds a call): once per event type and input.
    if (json_checked.insert(type).second) {
      std::string json;
      const auto status = google::protobuf::util::MessageToJsonString(event, &json);
      OVERSIGHT_FUZZ_CHECK(status.ok(), absl::StrCat(type, " does not encode as JSON: ",
                                                     status.ToString(), "\n", event.DebugString()));
    }
  }
}

}  // namespace oversight::statutory_returns::fuzz
