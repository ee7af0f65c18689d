#include "curl_handle.h"

#include <mutex>

namespace oversight::notifications {

CurlHandle::CurlHandle() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  curl_ = curl_easy_init();
  if (curl_ != nullptr) {
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error_);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  }
}

CurlHandle::~CurlHandle() {
  if (curl_ != nullptr) curl_easy_cleanup(curl_);
}

std::string CurlHandle::Error(CURLcode code) const {
  if (error_[0] != '\0') return error_;
  return curl_easy_strerror(code);
}

CurlList::~CurlList() {
  if (list_ != nullptr) curl_slist_free_all(list_);
}

}  // namespace oversight::notifications
