#ifndef OVERSIGHT_TESTING_UTC_H_
#define OVERSIGHT_TESTING_UTC_H_

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace oversight::testing {

// The instant an RFC 3339 timestamp names, for writing a test's times as they read in RULES.md
// and the event catalogue: Utc("2026-03-12T09:00:00Z"). A string that does not parse fails the
// current GoogleTest test (it names the string and why) and gives absl::InfinitePast().
// For GoogleTest binaries only (it reports through ADD_FAILURE).
inline absl::Time Utc(absl::string_view rfc3339) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, rfc3339, &time, &error)) {
    ADD_FAILURE() << "not an RFC 3339 time: '" << rfc3339 << "': " << error;
    return absl::InfinitePast();
  }
  return time;
}

}  // namespace oversight::testing

#endif  // OVERSIGHT_TESTING_UTC_H_
