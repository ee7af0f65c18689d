// An email as it goes over SMTP (RFC 5322 + MIME): headers, then a multipart/alternative body
// with a text/plain and a text/html part, both UTF-8 in base64, CRLF line ends. Pure; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace oversight::notifications {

struct EmailMessage {
  std::string from_address;  // "oversight@example.gov.uk"
  std::string from_name;     // "Oversight" ("" : address only)
  std::string to_address;
  std::string to_name;
  std::string subject;
  std::string text;
  std::string html;
  // Without angle brackets: "<delivery id>@oversight". Stable per delivery, so a receiving
  // system can drop the copy of a message that was sent again after a crash.
  std::string message_id;
  absl::Time date;
  std::vector<std::pair<std::string, std::string>> extra_headers;  // "X-Oversight-..."
};

// True for a plausible address: one '@' with text on both sides, no spaces, controls, angle
// brackets or quotes (the address goes into headers and SMTP commands).
bool IsPlausibleAddress(const std::string& address);

// The whole message. INVALID_ARGUMENT if an address is not plausible. Header values have CR and
// LF removed (no header injection); non-ASCII subjects and names are RFC 2047 encoded words.
absl::StatusOr<std::string> BuildMimeMessage(const EmailMessage& message);

// RFC 4648 base64 of `data`, wrapped at 76 characters with CRLF (as MIME bodies are).
std::string Base64Lines(const std::string& data);

}  // namespace oversight::notifications
