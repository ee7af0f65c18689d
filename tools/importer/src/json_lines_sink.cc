#include <fstream>

#include "event_sink.h"
#include "google/protobuf/util/json_util.h"

namespace oversight::importer {
namespace {

class JsonLinesSink : public EventSink {
 public:
  explicit JsonLinesSink(std::ofstream out) : out_(std::move(out)) {}

  absl::Status Write(const oversight::cases::v1::CaseEvent& event) override {
    std::string json;
    auto status = google::protobuf::util::MessageToJsonString(event, &json);
    if (!status.ok()) return absl::InternalError("JSON encoding failed: " + status.ToString());
    out_ << json << '\n';
    if (!out_) return absl::UnavailableError("write failed");
    return absl::OkStatus();
  }

  absl::Status Close() override {
    out_.close();
    if (out_.fail()) return absl::UnavailableError("closing the output file failed");
    return absl::OkStatus();
  }

 private:
  std::ofstream out_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<EventSink>> OpenJsonLinesSink(const std::string& path) {
  std::ofstream out(path, std::ios::out | std::ios::trunc);
  if (!out) return absl::UnavailableError("cannot open " + path + " for writing");
  return std::make_unique<JsonLinesSink>(std::move(out));
}

}  // namespace oversight::importer
