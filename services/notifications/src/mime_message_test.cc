#include "mime_message.h"

#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace oversight::notifications {
namespace {

EmailMessage Sample() {
  EmailMessage m;
  m.from_address = "oversight@example.gov.uk";
  m.from_name = "Oversight";
  m.to_address = "mo@example.org";
  m.to_name = "Mo Manager";
  m.subject = "Due by Wed 30 Dec 2026: Personal supervision for worker W-1";
  m.text = "Hello Mo,\n\nPersonal supervision is due.\n";
  m.html = "<p>Hello Mo,</p>";
  m.message_id = "d1@oversight.devon";
  m.date = absl::FromUnixSeconds(1798675199);  // Wed 30 Dec 2026 23:59:59 UTC
  m.extra_headers = {{"X-Oversight-Delivery", "d1"}};
  return m;
}

std::string Header(const std::string& mime, const std::string& name) {
  for (absl::string_view line : absl::StrSplit(mime, "\r\n")) {
    if (line.empty()) break;  // end of the headers
    if (absl::StartsWith(line, name + ": ")) return std::string(line.substr(name.size() + 2));
  }
  return "";
}

TEST(MimeMessageTest, HeadersAndTwoAlternativeParts) {
  auto mime = BuildMimeMessage(Sample());
  ASSERT_TRUE(mime.ok()) << mime.status();
  EXPECT_EQ(Header(*mime, "From"), "\"Oversight\" <oversight@example.gov.uk>");
  EXPECT_EQ(Header(*mime, "To"), "\"Mo Manager\" <mo@example.org>");
  EXPECT_EQ(Header(*mime, "Subject"), Sample().subject);
  EXPECT_EQ(Header(*mime, "Date"), "Wed, 30 Dec 2026 23:59:59 +0000");
  EXPECT_EQ(Header(*mime, "Message-ID"), "<d1@oversight.devon>");
  EXPECT_EQ(Header(*mime, "X-Oversight-Delivery"), "d1");
  const std::string type = Header(*mime, "Content-Type");
  ASSERT_TRUE(absl::StartsWith(type, "multipart/alternative; boundary=\"")) << type;
  const std::string boundary =
      type.substr(type.find('"') + 1, type.rfind('"') - type.find('"') - 1);

  // Two parts, text then HTML, each base64 of the UTF-8 text; the closing delimiter at the end.
  std::vector<std::string> parts = absl::StrSplit(*mime, "--" + boundary);
  ASSERT_EQ(parts.size(), 4u);  // preamble, text, html, "--\r\n"
  EXPECT_EQ(parts[3], "--\r\n");
  auto body_of = [](const std::string& part) {
    const std::string encoded = part.substr(part.find("\r\n\r\n") + 4);
    std::string joined;
    for (char c : encoded) {
      if (c != '\r' && c != '\n') joined += c;
    }
    std::string decoded;
    EXPECT_TRUE(absl::Base64Unescape(joined, &decoded));
    return decoded;
  };
  EXPECT_NE(parts[1].find("Content-Type: text/plain; charset=utf-8"), std::string::npos);
  EXPECT_EQ(body_of(parts[1]), Sample().text);
  EXPECT_NE(parts[2].find("Content-Type: text/html; charset=utf-8"), std::string::npos);
  EXPECT_EQ(body_of(parts[2]), Sample().html);
  // CRLF line ends only.
  for (size_t i = 0; i < mime->size(); ++i) {
    if ((*mime)[i] == '\n') {
      ASSERT_TRUE(i > 0 && (*mime)[i - 1] == '\r') << "bare LF at " << i;
    }
  }
}

TEST(MimeMessageTest, HeaderInjectionIsImpossibleAndNonAsciiIsEncoded) {
  auto m = Sample();
  m.subject = "Hello\r\nBcc: victim@example.org";
  m.to_name = "Zoë";
  auto mime = BuildMimeMessage(m);
  ASSERT_TRUE(mime.ok());
  EXPECT_EQ(Header(*mime, "Subject"), "HelloBcc: victim@example.org");
  EXPECT_EQ(Header(*mime, "Bcc"), "");
  EXPECT_EQ(Header(*mime, "To"), "=?UTF-8?B?Wm/Dqw==?= <mo@example.org>");
}

TEST(MimeMessageTest, ImplausibleAddressesAreRefused) {
  EXPECT_TRUE(IsPlausibleAddress("a@b.org"));
  EXPECT_FALSE(IsPlausibleAddress("a@"));
  EXPECT_FALSE(IsPlausibleAddress("@b"));
  EXPECT_FALSE(IsPlausibleAddress("a b@c.org"));
  EXPECT_FALSE(IsPlausibleAddress("a@b@c"));
  EXPECT_FALSE(IsPlausibleAddress("a@b.org>\r\nRCPT TO:<x@y"));
  auto m = Sample();
  m.to_address = "not an address";
  EXPECT_EQ(BuildMimeMessage(m).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(MimeMessageTest, Base64LinesWrapAt76) {
  const std::string lines = Base64Lines(std::string(200, 'x'));
  for (absl::string_view line : absl::StrSplit(lines, "\r\n", absl::SkipEmpty()))
    EXPECT_LE(line.size(), 76u);
}

}  // namespace
}  // namespace oversight::notifications
