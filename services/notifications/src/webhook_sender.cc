#include "webhook_sender.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "curl_handle.h"
#include "webhook_payload.h"

namespace oversight::notifications {
namespace {

size_t DiscardBody(char*, size_t size, size_t count, void*) {
  return size * count;
}

}  // namespace

AttemptResult ClassifyHttp(int curl_code, long http_status, const std::string& detail) {
  if (curl_code == CURLE_URL_MALFORMAT || curl_code == CURLE_UNSUPPORTED_PROTOCOL) {
    return {AttemptOutcome::kPermanent, detail};
  }
  if (curl_code != CURLE_OK || http_status == 0) return {AttemptOutcome::kTemporary, detail};
  const std::string said = absl::StrCat("HTTP ", http_status);
  if (http_status >= 200 && http_status < 300) return {AttemptOutcome::kSent, said};
  if (http_status == 408 || http_status == 429 || http_status >= 500) {
    return {AttemptOutcome::kTemporary, said};
  }
  return {AttemptOutcome::kPermanent, said};
}

WebhookSender::WebhookSender(WebhookSettings settings) : settings_(std::move(settings)) {}

AttemptResult WebhookSender::Send(const v1::Notification& notification, const Person* recipient,
                                  const std::string& delivery_id, absl::Time now) {
  const std::string url = recipient != nullptr && !recipient->webhook_url.empty()
                              ? recipient->webhook_url
                              : settings_.default_url;
  if (url.empty()) {
    return {AttemptOutcome::kTemporary,
            "no webhook URL for " + notification.recipient_id() + " and no default configured"};
  }
  if (!absl::StartsWith(url, "https://") && !absl::StartsWith(url, "http://")) {
    return {AttemptOutcome::kPermanent, "webhook URL is not http(s): " + url};
  }
  const std::string body = WebhookBody(notification, recipient, delivery_id);
  CurlHandle curl;
  if (curl.get() == nullptr) return {AttemptOutcome::kTemporary, "curl_easy_init failed"};
  CurlList headers;
  headers.Append("Content-Type: application/json");
  headers.Append("User-Agent: oversight-notifications");
  headers.Append(absl::StrCat(kDeliveryHeader, ": ", delivery_id));
  headers.Append(absl::StrCat(kTimestampHeader, ": ", absl::ToUnixSeconds(now)));
  headers.Append(
      absl::StrCat(kSignatureHeader, ": ", WebhookSignature(settings_.secret, now, body)));
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &DiscardBody);
  if (!settings_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, settings_.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(settings_.connect_timeout)));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(settings_.timeout)));
  const CURLcode code = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  return ClassifyHttp(code, status, code == CURLE_OK ? "" : curl.Error(code));
}

}  // namespace oversight::notifications
