// Real listeners on loopback for notifications' tests: the SMTP catcher and the webhook catcher
// of scripts/ (scripts/smtp-catcher.py, scripts/webhook-catcher.py) run as child processes, and
// what they received read back from the files they write.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "oversight/testing/child_process.h"
#include "oversight/testing/temp_dir.h"

namespace oversight::notifications::testing {

// One message the SMTP catcher accepted, as Python's email package parsed it.
struct ReceivedEmail {
  std::string mail_from;
  std::vector<std::string> rcpt_tos;
  std::string message_id;
  std::string subject;  // decoded
  std::string to;
  std::string content_type;  // of the whole message: "multipart/alternative"
  std::string text;          // the text/plain part
  std::string html;          // the text/html part
  std::map<std::string, std::string> headers;
};

// One request the webhook catcher received.
struct ReceivedRequest {
  std::string path;
  std::map<std::string, std::string> headers;
  std::string body;
  nlohmann::json json;
  int status = 0;                // what the catcher answered
  bool signature_valid = false;  // checked with Python's hmac against the catcher's secret
};

struct SmtpCatcherOptions {
  std::vector<std::string> reject;  // RCPT TO containing one of these gets 550
  int tempfail = 0;                 // the first N messages get 451
  std::string tls_cert, tls_key;    // offer STARTTLS with this certificate
  bool require_starttls = false;
  std::string auth;  // "user:password": require AUTH
};

// A self-signed certificate for 127.0.0.1 and its key, written into `dir` by the openssl
// command-line tool: {cert path, key path}.
absl::StatusOr<std::pair<std::string, std::string>> SelfSignedCertificate(const std::string& dir);

// Not thread-safe; the test's main thread owns it. Stopped and removed on destruction.
class SmtpCatcher {
 public:
  static absl::StatusOr<std::unique_ptr<SmtpCatcher>> Start(SmtpCatcherOptions options = {});
  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  // Every message accepted so far (across restarts), in order.
  std::vector<ReceivedEmail> Messages() const;
  // SIGTERM, wait for exit: the port refuses connections until Restart.
  absl::Status Stop();
  // Starts again on the same port and mail directory.
  absl::Status Restart();

 private:
  SmtpCatcher() = default;
  absl::Status Launch(int port);

  SmtpCatcherOptions options_;
  oversight::testing::TempDir dir_{"smtp-catcher-"};
  std::unique_ptr<oversight::testing::ChildProcess> process_;
  int port_ = 0;
  int generation_ = 0;
};

class WebhookCatcher {
 public:
  // `secret`: the HMAC key to check signatures with. `fail_first`: answer the first N requests
  // with `fail_status`.
  static absl::StatusOr<std::unique_ptr<WebhookCatcher>> Start(const std::string& secret,
                                                               int fail_first = 0,
                                                               int fail_status = 503);
  int port() const { return port_; }
  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<ReceivedRequest> Requests() const;

 private:
  WebhookCatcher() = default;
  oversight::testing::TempDir dir_{"webhook-catcher-"};
  std::unique_ptr<oversight::testing::ChildProcess> process_;
  int port_ = 0;
};

// A python3 with aiosmtpd: $OVERSIGHT_PYTHON, else /usr/bin/python3 if present, else python3.
std::string Python();
// $OVERSIGHT_SOURCE_DIR/scripts/<name> (the source tree; set by ctest for every test).
std::string Script(const std::string& name);

}  // namespace oversight::notifications::testing
