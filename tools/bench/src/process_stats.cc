#include "process_stats.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

namespace oversight::bench {
namespace {

struct StatLine {
  pid_t pid = 0;
  std::string command;
  pid_t parent = 0;
  double cpu_seconds = 0;
};

bool ReadStat(const std::filesystem::path& dir, StatLine& out) {
  std::ifstream stat(dir / "stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto open = line.find('('), close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close + 2 > line.size()) {
    return false;
  }
  std::istringstream rest(line.substr(close + 2));
  const std::vector<std::string> fields{std::istream_iterator<std::string>(rest), {}};
  if (fields.size() < 13) return false;
  static const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  out.pid = static_cast<pid_t>(std::stol(line.substr(0, open)));
  out.command = line.substr(open + 1, close - open - 1);
  out.parent = static_cast<pid_t>(std::stol(fields[1]));
  out.cpu_seconds = (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
  return true;
}

int64_t ReadRss(const std::filesystem::path& dir) {
  std::ifstream status(dir / "status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6)) * 1024;  // kB
  }
  return 0;
}

}  // namespace

std::map<std::string, ProcessStats> SampleChildren() {
  std::map<std::string, ProcessStats> out;
  const pid_t self = getpid();
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    StatLine stat;
    if (!ReadStat(entry.path(), stat) || (stat.parent != self && stat.pid != self)) continue;
    ProcessStats& sample = out[stat.pid == self ? "self" : stat.command];
    sample.pid = stat.pid;
    sample.cpu_seconds = stat.cpu_seconds;
    sample.rss_bytes = ReadRss(entry.path());
  }
  return out;
}

ProcessStats SampleProcess(pid_t pid) {
  const std::filesystem::path dir = "/proc/" + std::to_string(pid);
  StatLine stat;
  if (!ReadStat(dir, stat)) return {};
  return {stat.pid, stat.cpu_seconds, ReadRss(dir)};
}

std::string ProcessLabel(const std::string& command) {
  static const std::map<std::string, std::string> labels = {
      {"oversight-overs", "triggers"},
      {"oversight-sched", "scheduling"},
      {"oversight-notif", "notifications"},
      {"oversight-recor", "recording"},
      {"oversight-embed", "broker"},
      {"redis-server", "redis"},
      {"self", "driver"},
  };
  auto it = labels.find(command);
  return it == labels.end() ? command : it->second;
}

}  // namespace oversight::bench
