// A plain HTTP GET, for reading a service's /metrics endpoint from tools and tests (the demo's
// year replay, end-to-end tests, the deploy checks). Thread-safe: each call is independent.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace oversight::scrape {

// GET http://<host>:<port><path>. Returns the body of a 200 response; UNAVAILABLE naming the
// address when nothing answers, the transfer fails or takes longer than `timeout`, or the status
// is not 200 (with the status line).
absl::StatusOr<std::string> HttpGet(const std::string& host, int port, const std::string& path,
                                    absl::Duration timeout = absl::Seconds(5));

}  // namespace oversight::scrape
