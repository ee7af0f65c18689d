// Owning wrappers of the libcurl handles the channels use (an easy handle, a string list), and
// the process-wide curl_global_init done once.
#pragma once

#include <curl/curl.h>

#include <string>

namespace oversight::notifications {

// A curl easy handle with an error buffer; curl_global_init runs once before the first one.
// Not thread-safe; one per transfer.
class CurlHandle {
 public:
  CurlHandle();
  ~CurlHandle();
  CurlHandle(const CurlHandle&) = delete;
  CurlHandle& operator=(const CurlHandle&) = delete;

  CURL* get() const { return curl_; }
  // curl's message for the last failure (the error buffer, else curl_easy_strerror).
  std::string Error(CURLcode code) const;

 private:
  CURL* curl_;
  char error_[CURL_ERROR_SIZE] = {};
};

// A curl_slist freed on destruction.
class CurlList {
 public:
  CurlList() = default;
  ~CurlList();
  CurlList(const CurlList&) = delete;
  CurlList& operator=(const CurlList&) = delete;
  void Append(const std::string& value) { list_ = curl_slist_append(list_, value.c_str()); }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

}  // namespace oversight::notifications
