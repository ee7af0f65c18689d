#include "mime_message.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "oversight/events/outbound.h"

namespace oversight::notifications {
namespace {

std::string OneLine(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c != '\r' && c != '\n') out += c;
  }
  return out;
}

bool IsAscii(const std::string& value) {
  for (unsigned char c : value) {
    if (c >= 0x80) return false;
  }
  return true;
}

// RFC 2047 "=?UTF-8?B?...?=" when needed, else the value as it is.
std::string HeaderText(const std::string& value) {
  const std::string line = OneLine(value);
  if (IsAscii(line)) return line;
  return "=?UTF-8?B?" + absl::Base64Escape(line) + "?=";
}

std::string Mailbox(const std::string& name, const std::string& address) {
  if (name.empty()) return "<" + address + ">";
  const std::string line = OneLine(name);
  if (!IsAscii(line)) return HeaderText(line) + " <" + address + ">";
  std::string quoted = "\"";
  for (char c : line) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\" <" + address + ">";
}

}  // namespace

bool IsPlausibleAddress(const std::string& address) {
  const size_t at = address.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= address.size()) return false;
  if (address.find('@', at + 1) != std::string::npos) return false;
  for (unsigned char c : address) {
    if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"' || c == ',' || c == ';') {
      return false;
    }
  }
  return true;
}

std::string Base64Lines(const std::string& data) {
  const std::string encoded = absl::Base64Escape(data);
  std::string out;
  out.reserve(encoded.size() + encoded.size() / 38 + 2);
  for (size_t i = 0; i < encoded.size(); i += 76)
    absl::StrAppend(&out, encoded.substr(i, 76), "\r\n");
  return out;
}

absl::StatusOr<std::string> BuildMimeMessage(const EmailMessage& message) {
  if (!IsPlausibleAddress(message.from_address)) {
    return absl::InvalidArgumentError("not an email address (from): \"" + message.from_address +
                                      "\"");
  }
  if (!IsPlausibleAddress(message.to_address)) {
    return absl::InvalidArgumentError("not an email address (to): \"" + message.to_address + "\"");
  }
  // Base64 never contains "=_", so the boundary cannot occur inside a part.
  const std::string boundary =
      "=_oversight_" + events::DeriveId({message.message_id, message.subject});
  std::string out;
  absl::StrAppend(&out, "From: ", Mailbox(message.from_name, message.from_address), "\r\n");
  absl::StrAppend(&out, "To: ", Mailbox(message.to_name, message.to_address), "\r\n");
  absl::StrAppend(&out, "Subject: ", HeaderText(message.subject), "\r\n");
  absl::StrAppend(
      &out,
      "Date: ", absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", message.date, absl::UTCTimeZone()),
      "\r\n");
  absl::StrAppend(&out, "Message-ID: <", OneLine(message.message_id), ">\r\n");
  absl::StrAppend(&out, "MIME-Version: 1.0\r\n");
  for (const auto& [name, value] : message.extra_headers)
    absl::StrAppend(&out, OneLine(name), ": ", HeaderText(value), "\r\n");
  absl::StrAppend(&out, "Content-Type: multipart/alternative; boundary=\"", boundary, "\"\r\n");
  absl::StrAppend(&out, "\r\n");
  absl::StrAppend(&out, "This is a message in MIME format (plain text and HTML).\r\n");
  absl::StrAppend(&out, "--", boundary, "\r\n");
  absl::StrAppend(&out, "Content-Type: text/plain; charset=utf-8\r\n");
  absl::StrAppend(&out, "Content-Transfer-Encoding: base64\r\n\r\n");
  absl::StrAppend(&out, Base64Lines(message.text));
  absl::StrAppend(&out, "--", boundary, "\r\n");
  absl::StrAppend(&out, "Content-Type: text/html; charset=utf-8\r\n");
  absl::StrAppend(&out, "Content-Transfer-Encoding: base64\r\n\r\n");
  absl::StrAppend(&out, Base64Lines(message.html));
  absl::StrAppend(&out, "--", boundary, "--\r\n");
  return out;
}

}  // namespace oversight::notifications
