#include "listeners.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "oversight/testing/wait_until.h"

namespace oversight::notifications::testing {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The .json files of `dir` in name order.
std::vector<nlohmann::json> JsonFiles(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 5 && name.substr(name.size() - 5) == ".json") names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  std::vector<nlohmann::json> out;
  for (const auto& name : names) {
    auto parsed = nlohmann::json::parse(ReadFile(dir + "/" + name), nullptr, false);
    if (!parsed.is_discarded()) out.push_back(std::move(parsed));
  }
  return out;
}

// Waits for the ready file a catcher writes once it listens; returns its port.
absl::StatusOr<int> WaitReady(oversight::testing::ChildProcess& process, const std::string& file) {
  int port = 0;
  const bool ready = oversight::testing::WaitUntil(
      [&] {
        auto parsed = nlohmann::json::parse(ReadFile(file), nullptr, false);
        if (parsed.is_discarded() || !parsed.contains("port")) return !process.Running();
        port = parsed["port"].get<int>();
        return true;
      },
      absl::Seconds(20), absl::Milliseconds(20));
  if (!ready || port == 0) {
    return absl::UnavailableError("the catcher did not start: " + process.ReadLog());
  }
  return port;
}

std::map<std::string, std::string> Headers(const nlohmann::json& json) {
  std::map<std::string, std::string> out;
  if (!json.is_object()) return out;
  for (auto it = json.begin(); it != json.end(); ++it)
    out[it.key()] = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
  return out;
}

}  // namespace

std::string Python() {
  if (const char* configured = std::getenv("OVERSIGHT_PYTHON"); configured && *configured) {
    return configured;
  }
  if (::access("/usr/bin/python3", X_OK) == 0) return "/usr/bin/python3";
  return "python3";
}

std::string Script(const std::string& name) {
  const char* source = std::getenv("OVERSIGHT_SOURCE_DIR");
  return std::string(source != nullptr ? source : ".") + "/scripts/" + name;
}

absl::StatusOr<std::pair<std::string, std::string>> SelfSignedCertificate(const std::string& dir) {
  const std::string cert = dir + "/cert.pem";
  const std::string key = dir + "/key.pem";
  oversight::testing::ChildProcessOptions child;
  child.argv = {"openssl",  "req",
                "-x509",    "-newkey",
                "rsa:2048", "-nodes",
                "-keyout",  key,
                "-out",     cert,
                "-days",    "2",
                "-subj",    "/CN=127.0.0.1",
                "-addext",  "subjectAltName=IP:127.0.0.1"};
  child.log_path = dir + "/openssl.log";
  auto process = oversight::testing::ChildProcess::Start(std::move(child));
  if (!process.ok()) return process.status();
  auto code = (*process)->Wait(absl::Seconds(30));
  if (!code.ok()) return code.status();
  if (*code != 0) return absl::InternalError("openssl req failed: " + (*process)->ReadLog());
  return std::make_pair(cert, key);
}

absl::StatusOr<std::unique_ptr<SmtpCatcher>> SmtpCatcher::Start(SmtpCatcherOptions options) {
  auto catcher = std::unique_ptr<SmtpCatcher>(new SmtpCatcher());
  catcher->options_ = std::move(options);
  if (auto s = catcher->Launch(0); !s.ok()) return s;
  return catcher;
}

absl::Status SmtpCatcher::Launch(int port) {
  const std::string ready = dir_.File("ready-" + std::to_string(++generation_) + ".json");
  std::vector<std::string> argv = {
      Python(), Script("smtp-catcher.py"), "--maildir",    dir_.File("mail"),
      "--port", std::to_string(port),      "--ready-file", ready};
  for (const auto& reject : options_.reject) {
    argv.push_back("--reject");
    argv.push_back(reject);
  }
  if (!options_.tls_cert.empty()) {
    argv.insert(argv.end(), {"--tls-cert", options_.tls_cert, "--tls-key", options_.tls_key});
  }
  if (options_.require_starttls) argv.push_back("--require-starttls");
  if (!options_.auth.empty()) argv.insert(argv.end(), {"--auth", options_.auth});
  if (options_.tempfail > 0 && generation_ == 1) {
    argv.push_back("--tempfail");
    argv.push_back(std::to_string(options_.tempfail));
  }
  oversight::testing::ChildProcessOptions child;
  child.argv = std::move(argv);
  child.log_path = dir_.File("smtp-catcher.log");
  auto process = oversight::testing::ChildProcess::Start(std::move(child));
  if (!process.ok()) return process.status();
  process_ = *std::move(process);
  auto bound = WaitReady(*process_, ready);
  if (!bound.ok()) return bound.status();
  port_ = *bound;
  return absl::OkStatus();
}

std::vector<ReceivedEmail> SmtpCatcher::Messages() const {
  std::vector<ReceivedEmail> out;
  for (const auto& json : JsonFiles(dir_.File("mail"))) {
    ReceivedEmail m;
    m.mail_from = json.value("mail_from", "");
    for (const auto& rcpt : json.value("rcpt_tos", nlohmann::json::array()))
      m.rcpt_tos.push_back(rcpt.get<std::string>());
    m.message_id = json.value("message_id", "");
    m.subject = json.value("subject", "");
    m.to = json.value("to", "");
    m.content_type = json.value("content_type", "");
    m.text = json.value("text", "");
    m.html = json.value("html", "");
    m.headers = Headers(json.value("headers", nlohmann::json::object()));
    out.push_back(std::move(m));
  }
  return out;
}

absl::Status SmtpCatcher::Stop() {
  if (process_ == nullptr) return absl::OkStatus();
  if (auto s = process_->Signal(SIGTERM); !s.ok()) return s;
  auto code = process_->Wait(absl::Seconds(10));
  process_.reset();
  return code.status();
}

absl::Status SmtpCatcher::Restart() {
  if (process_ != nullptr) return absl::FailedPreconditionError("the catcher is running");
  return Launch(port_);
}

absl::StatusOr<std::unique_ptr<WebhookCatcher>> WebhookCatcher::Start(const std::string& secret,
                                                                      int fail_first,
                                                                      int fail_status) {
  auto catcher = std::unique_ptr<WebhookCatcher>(new WebhookCatcher());
  const std::string ready = catcher->dir_.File("ready.json");
  oversight::testing::ChildProcessOptions child;
  child.argv = {Python(),        Script("webhook-catcher.py"),
                "--dir",         catcher->dir_.File("requests"),
                "--ready-file",  ready,
                "--secret",      secret,
                "--fail-first",  std::to_string(fail_first),
                "--fail-status", std::to_string(fail_status)};
  child.log_path = catcher->dir_.File("webhook-catcher.log");
  auto process = oversight::testing::ChildProcess::Start(std::move(child));
  if (!process.ok()) return process.status();
  catcher->process_ = *std::move(process);
  auto bound = WaitReady(*catcher->process_, ready);
  if (!bound.ok()) return bound.status();
  catcher->port_ = *bound;
  return catcher;
}

std::vector<ReceivedRequest> WebhookCatcher::Requests() const {
  std::vector<ReceivedRequest> out;
  for (const auto& json : JsonFiles(dir_.File("requests"))) {
    ReceivedRequest r;
    r.path = json.value("path", "");
    r.headers = Headers(json.value("headers", nlohmann::json::object()));
    r.body = json.value("body", "");
    r.json = json.value("json", nlohmann::json());
    r.status = json.value("status", 0);
    r.signature_valid = json.value("signature_valid", nlohmann::json(false)).is_boolean() &&
                        json["signature_valid"].get<bool>();
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace oversight::notifications::testing
