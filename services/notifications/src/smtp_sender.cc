#include "smtp_sender.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "curl_handle.h"
#include "mime_message.h"

namespace oversight::notifications {
namespace {

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const size_t room = size * count;
  const size_t left = upload->data->size() - upload->offset;
  const size_t n = std::min(room, left);
  std::memcpy(buffer, upload->data->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

}  // namespace

AttemptResult ClassifySmtp(int curl_code, long smtp_code, const std::string& detail) {
  const std::string said = smtp_code > 0 ? absl::StrCat("SMTP ", smtp_code, ": ", detail) : detail;
  if (curl_code == CURLE_OK) return {AttemptOutcome::kSent, said};
  switch (curl_code) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return {AttemptOutcome::kPermanent, said};
    case CURLE_LOGIN_DENIED:
    case CURLE_USE_SSL_FAILED:
      // Our credentials or the server's TLS setup: fixed by an operator, not by the message.
      return {AttemptOutcome::kTemporary, said};
    default:
      break;
  }
  // 530 (authentication or STARTTLS required), 534, 535 (credentials refused), 538: the
  // server refuses our set-up, not the message.
  if (smtp_code == 530 || smtp_code == 534 || smtp_code == 535 || smtp_code == 538) {
    return {AttemptOutcome::kTemporary, said};
  }
  if (smtp_code >= 500 && smtp_code < 600) return {AttemptOutcome::kPermanent, said};
  return {AttemptOutcome::kTemporary, said};
}

SmtpSender::SmtpSender(SmtpSettings settings) : settings_(std::move(settings)) {}

AttemptResult SmtpSender::Send(const v1::Notification& notification, const Person* recipient,
                               const std::string& delivery_id, absl::Time now) {
  if (recipient == nullptr || recipient->email.empty()) {
    return {AttemptOutcome::kTemporary,
            "no email address for " + notification.recipient_id() + " in the directory yet"};
  }
  EmailMessage message;
  message.from_address = settings_.from_address;
  message.from_name = settings_.from_name;
  message.to_address = recipient->email;
  message.to_name = recipient->display_name;
  message.subject = notification.subject();
  message.text = notification.body_text();
  message.html = notification.body_html().empty() ? "<pre>" + notification.body_text() + "</pre>"
                                                  : notification.body_html();
  message.message_id = delivery_id + "@oversight." + notification.authority_id();
  message.date = now;
  message.extra_headers = {{"Auto-Submitted", "auto-generated"},
                           {"X-Oversight-Notification", notification.notification_id()},
                           {"X-Oversight-Delivery", delivery_id},
                           {"X-Oversight-Kind", notification.kind()}};
  if (notification.critical()) message.extra_headers.push_back({"Importance", "high"});
  auto mime = BuildMimeMessage(message);
  if (!mime.ok()) return {AttemptOutcome::kPermanent, std::string(mime.status().message())};

  CurlHandle curl;
  if (curl.get() == nullptr) return {AttemptOutcome::kTemporary, "curl_easy_init failed"};
  CurlList recipients;
  recipients.Append("<" + recipient->email + ">");
  Upload upload{&*mime};
  const std::string from = "<" + settings_.from_address + ">";
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, &ReadUpload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mime->size()));
  switch (settings_.starttls) {
    case SmtpSettings::StartTls::kOff:
      curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_NONE));
      break;
    case SmtpSettings::StartTls::kOpportunistic:
      curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
      break;
    case SmtpSettings::StartTls::kRequired:
      curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
      break;
  }
  if (!settings_.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, settings_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, settings_.password.c_str());
  }
  if (!settings_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, settings_.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, settings_.verify_peer ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, settings_.verify_peer ? 2L : 0L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(settings_.connect_timeout)));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(settings_.timeout)));
  const CURLcode code = curl_easy_perform(c);
  long smtp_code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &smtp_code);
  return ClassifySmtp(code, smtp_code, code == CURLE_OK ? "accepted" : curl.Error(code));
}

}  // namespace oversight::notifications
